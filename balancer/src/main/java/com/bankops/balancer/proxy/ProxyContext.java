package com.bankops.balancer.proxy;

import com.bankops.balancer.pool.Membership;
import com.bankops.balancer.routing.RetryBudget;
import io.vertx.core.http.HttpClient;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * What every exchange on one event loop shares. One per proxy verticle instance, so the random
 * generator and the HTTP client (and its connection pool) are confined to that event loop.
 */
record ProxyContext(
    ProxySettings settings,
    Membership membership,
    RetryBudget retryBudget,
    HttpClient client,
    ProxyObserver observer,
    LongSupplier nanoClock,
    RandomGenerator random,
    Upstreams upstreams,
    Attempts.Rules rules) {}
