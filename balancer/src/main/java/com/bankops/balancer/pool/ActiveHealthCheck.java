package com.bankops.balancer.pool;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.HashMap;
import java.util.Map;

/**
 * Probes every member's readiness path on a timer and reports each backend's health after a run of
 * consecutive results crosses a threshold (so one lost probe neither ejects nor restores). It only
 * reports; the {@link Listener} decides what a failed check does to membership.
 */
public final class ActiveHealthCheck {

  /** Told when a backend crosses a threshold. */
  public interface Listener {
    void healthChanged(Member member, boolean healthy, String reason);
  }

  private final Vertx vertx;
  private final Membership membership;
  private final String path;
  private final int timeoutMs;
  private final int unhealthyThreshold;
  private final int healthyThreshold;
  private final Listener listener;
  private final HttpClient client;
  private final Map<String, int[]> runs =
      new HashMap<>(); // id -> {consecutive ok, consecutive failed}
  private final Map<String, Boolean> healthy = new HashMap<>();
  private long timer = -1;

  public ActiveHealthCheck(
      Vertx vertx,
      Membership membership,
      String path,
      int timeoutMs,
      int unhealthyThreshold,
      int healthyThreshold,
      Listener listener) {
    this.vertx = vertx;
    this.membership = membership;
    this.path = path;
    this.timeoutMs = timeoutMs;
    this.unhealthyThreshold = unhealthyThreshold;
    this.healthyThreshold = healthyThreshold;
    this.listener = listener;
    this.client =
        vertx
            .httpClientBuilder()
            .with(new HttpClientOptions().setKeepAlive(true).setName("bankops-health"))
            .with(new PoolOptions().setHttp1MaxSize(1))
            .build();
  }

  /** Starts probing every {@code intervalMs}; call from the control context. */
  public void start(long intervalMs) {
    timer = vertx.setPeriodic(intervalMs, id -> probeAll());
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    client.close();
  }

  /** Whether the last threshold crossed for this backend was healthy (true until proven not). */
  public boolean isHealthy(String id) {
    return healthy.getOrDefault(id, Boolean.TRUE);
  }

  void probeAll() {
    ClusterSnapshot snapshot = membership.snapshot();
    snapshot.stable().members().forEach(this::probe);
    snapshot.canary().members().forEach(this::probe);
    runs.keySet().removeIf(id -> snapshot.member(id).isEmpty());
    healthy.keySet().removeIf(id -> snapshot.member(id).isEmpty());
  }

  private void probe(Member member) {
    if (member.state() == BackendState.DRAINING || member.state() == BackendState.STARTING) {
      return;
    }
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost(member.backend().host())
            .setPort(member.backend().port())
            .setURI(path)
            .setConnectTimeout(timeoutMs)
            .setIdleTimeout(timeoutMs);
    client
        .request(options)
        .compose(req -> req.send().compose(resp -> resp.body().map(b -> resp.statusCode())))
        .onComplete(ar -> record(member, ar.succeeded() && ar.result() / 100 == 2));
  }

  private void record(Member member, boolean ok) {
    int[] run = runs.computeIfAbsent(member.id(), k -> new int[2]);
    if (ok) {
      run[0]++;
      run[1] = 0;
    } else {
      run[1]++;
      run[0] = 0;
    }
    boolean wasHealthy = isHealthy(member.id());
    if (wasHealthy && run[1] >= unhealthyThreshold) {
      healthy.put(member.id(), false);
      listener.healthChanged(member, false, run[1] + " failed health checks in a row");
    } else if (!wasHealthy && run[0] >= healthyThreshold) {
      healthy.put(member.id(), true);
      listener.healthChanged(member, true, run[0] + " passed health checks in a row");
    }
  }
}
