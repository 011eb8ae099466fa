package com.bankops.balancer.app;

import com.bankops.balancer.pool.BackendState;
import com.bankops.balancer.pool.Member;
import com.bankops.balancer.pool.Membership;
import com.bankops.balancer.pool.MembershipListener;
import com.bankops.balancer.pool.PoolName;
import com.bankops.balancer.proxy.ProxyObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.util.concurrent.FastThreadLocal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every upstream attempt: into the backend's and the pool's HdrHistogram windows (what the
 * admin API, the autoscaler and the canary analysis read), into the outlier detector, and into
 * Prometheus timers with fixed buckets that Grafana heatmaps can use. Writes the access log.
 *
 * <p>Metric names: {@code bankops_upstream_request_duration_seconds{pool,backend,version,
 * status_class}} (histogram), {@code bankops_canary_share_ratio}, {@code bankops_backends{pool,
 * state}}, {@code bankops_proxy_exchanges_total{status_class}}, {@code
 * bankops_canary_fallbacks_total} (requests the canary shield resent to stable).
 */
final class ProxyMetrics implements ProxyObserver {
  private static final Logger ACCESS = LoggerFactory.getLogger("access");
  private static final Duration[] BUCKETS = {
    Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
    Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
    Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
    Duration.ofSeconds(10)
  };
  private static final String[] CLASSES = {"none", "1xx", "2xx", "3xx", "4xx", "5xx"};

  private final MeterRegistry registry;
  private final Membership membership;
  private final HealthController health;
  private final boolean accessLog;
  // timers per backend, indexed by status class; looked up once per attempt
  private final ConcurrentHashMap<String, Timer[]> timers = new ConcurrentHashMap<>();
  private final Counter[] exchanges = new Counter[CLASSES.length];
  private final Counter canaryFallbacks;
  // the access log's appender when the line can be handed to it ready-made (see accessAppender)
  private final BatchingAsyncAppender directAppender;
  // each event loop's ring in that appender
  private final FastThreadLocal<BatchingAsyncAppender.LineRing> rings =
      new FastThreadLocal<>() {
        @Override
        protected BatchingAsyncAppender.LineRing initialValue() {
          return directAppender.openRing();
        }
      };
  private static final FastThreadLocal<AccessLogLine> LINES =
      new FastThreadLocal<>() {
        @Override
        protected AccessLogLine initialValue() {
          return new AccessLogLine(ZoneId.systemDefault());
        }
      };

  ProxyMetrics(
      MeterRegistry registry, Membership membership, HealthController health, boolean accessLog) {
    this.registry = registry;
    this.membership = membership;
    this.health = health;
    this.accessLog = accessLog;
    this.directAppender = accessLog ? accessAppender() : null;
    Gauge.builder(
            "bankops_canary_share_ratio", membership, m -> m.snapshot().canaryBasisPoints() / 1e4)
        .description("Share of client buckets routed to the canary pool")
        .register(registry);
    for (PoolName p : PoolName.values()) {
      for (BackendState st : BackendState.values()) {
        Gauge.builder("bankops_backends", membership, m -> count(m, p, st))
            .tag("pool", p.wire())
            .tag("state", st.wire())
            .description("Backends per pool and state")
            .register(registry);
      }
      Gauge.builder("bankops_pool_in_flight", membership, m -> inFlight(m, p))
          .tag("pool", p.wire())
          .register(registry);
      Gauge.builder("bankops_pool_queued_requests", membership, m -> queued(m, p))
          .description("Requests waiting for a connection to a backend of the pool")
          .tag("pool", p.wire())
          .register(registry);
    }
    // Backends come and go with the autoscaler: a removed one takes its timers (and their
    // Prometheus series) with it, or both would grow for as long as the appliance runs.
    membership.addListener(
        new MembershipListener() {
          @Override
          public void removed(Member m) {
            Timer[] byClass = timers.remove(m.id());
            if (byClass != null) {
              for (Timer t : byClass) {
                if (t != null) {
                  registry.remove(t);
                }
              }
            }
          }
        });
    for (int i = 0; i < CLASSES.length; i++) {
      exchanges[i] =
          Counter.builder("bankops_proxy_exchanges_total")
              .tag("status_class", CLASSES[i])
              .description("Client requests answered by the proxy")
              .register(registry);
    }
    canaryFallbacks =
        Counter.builder("bankops_canary_fallbacks_total")
            .description(
                "Requests whose canary attempt failed and that were resent to the stable pool")
            .register(registry);
  }

  /**
   * The {@link BatchingAsyncAppender} that is the only destination of the "access" logger, if the
   * configuration is the shipped one (logback.xml): then each line is rendered here as the encoder
   * would (see {@link AccessLogLine}) and handed over as text. With any other configuration the
   * lines go through the logger as before.
   */
  private static BatchingAsyncAppender accessAppender() {
    if (!(ACCESS instanceof ch.qos.logback.classic.Logger logger) || logger.isAdditive()) {
      return null;
    }
    BatchingAsyncAppender found = null;
    for (var it = logger.iteratorForAppenders(); it.hasNext(); ) {
      if (it.next() instanceof BatchingAsyncAppender a && found == null) {
        found = a;
      } else {
        return null;
      }
    }
    return found;
  }

  private static double count(Membership m, PoolName p, BackendState st) {
    return m.snapshot().pool(p).members().stream().filter(x -> x.state() == st).count();
  }

  private static double queued(Membership m, PoolName p) {
    return m.snapshot().pool(p).members().stream().mapToInt(Member::queued).sum();
  }

  private static double inFlight(Membership m, PoolName p) {
    return m.snapshot().pool(p).members().stream().mapToInt(Member::inFlight).sum();
  }

  @Override
  public void attemptEnded(Member member, long latencyNanos, int status, Outcome outcome) {
    long micros = latencyNanos / 1000;
    boolean error = outcome.isFailure();
    member.stats().record(micros, error);
    membership.poolStats(member.backend().pool()).record(micros, error);
    health.onResult(member, !error);
    timer(member, status).record(latencyNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void canaryFellBack(Member canary) {
    canaryFallbacks.increment();
  }

  @Override
  public void exchangeEnded(ExchangeRecord r) {
    exchanges[statusClass(r.status())].increment();
    if (accessLog && ACCESS.isInfoEnabled()) {
      BatchingAsyncAppender direct = directAppender;
      if (direct != null && direct.acceptsLines()) {
        LINES.get().renderTo(r, Instant.now(), rings.get());
        return;
      }
      ACCESS.info(
          "{} {} {}",
          r.method(),
          r.uri(),
          r.status(),
          net.logstash.logback.argument.StructuredArguments.kv("requestId", r.requestId()),
          net.logstash.logback.argument.StructuredArguments.kv("method", r.method()),
          net.logstash.logback.argument.StructuredArguments.kv("path", r.uri()),
          net.logstash.logback.argument.StructuredArguments.kv("status", r.status()),
          net.logstash.logback.argument.StructuredArguments.kv("pool", r.pool().wire()),
          net.logstash.logback.argument.StructuredArguments.kv("backend", r.backend()),
          net.logstash.logback.argument.StructuredArguments.kv("version", r.version()),
          net.logstash.logback.argument.StructuredArguments.kv("attempts", r.attempts()),
          net.logstash.logback.argument.StructuredArguments.kv(
              "latencyMicros", r.latencyNanos() / 1000),
          net.logstash.logback.argument.StructuredArguments.kv("bytesOut", r.bytesOut()));
    }
  }

  private Timer timer(Member m, int status) {
    Timer[] byClass = timers.get(m.id());
    if (byClass == null) {
      byClass = timers.computeIfAbsent(m.id(), id -> new Timer[CLASSES.length]);
    }
    int c = statusClass(status);
    Timer t = byClass[c];
    if (t == null) {
      t =
          Timer.builder("bankops_upstream_request_duration")
              .description("Latency of attempts against each backend")
              .tag("pool", m.backend().pool().wire())
              .tag("backend", m.id())
              .tag("version", m.backend().version())
              .tag("status_class", CLASSES[c])
              .serviceLevelObjectives(BUCKETS)
              .register(registry);
      byClass[c] = t;
    }
    return t;
  }

  private static int statusClass(int status) {
    int c = status / 100;
    return c >= 1 && c <= 5 ? c : 0;
  }
}
