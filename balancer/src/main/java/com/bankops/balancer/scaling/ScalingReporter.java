package com.bankops.balancer.scaling;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.bankops.autoscaler.loop.Decision;
import com.bankops.autoscaler.loop.Direction;
import com.bankops.autoscaler.loop.PoolStatus;
import com.bankops.autoscaler.loop.ReconcileLoop;
import com.bankops.autoscaler.loop.ScalingListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decisions as JSON log lines (logger {@code decisions}, one per pool and tick, with every input as
 * a field) and the autoscaler's metrics, all declared here:
 *
 * <pre>
 * bankops_autoscaler_desired_replicas{pool}              gauge, the last decision
 * bankops_autoscaler_ready_replicas{pool}                gauge, taking traffic at the balancer
 * bankops_autoscaler_scale_events_total{pool,direction}  counter, one per scale action (up|down)
 * bankops_autoscaler_min_replicas{pool}, _max_replicas   gauges, the configured bounds (alerts
 *                                                        compare desired with max)
 * bankops_autoscaler_observed_rps{pool}                  gauge, the last decision's request rate
 * bankops_autoscaler_forecast_rps{pool}                  gauge, its forecast (dashboards: forecast
 *                                                        vs actual)
 * </pre>
 */
final class ScalingReporter implements ScalingListener {
  static final String LOGGER_NAME = "decisions";
  private static final Logger DECISIONS = LoggerFactory.getLogger(LOGGER_NAME);

  private final MeterRegistry registry;
  private final Map<String, Decision> last = new ConcurrentHashMap<>();

  ScalingReporter(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Registers the gauges of the managed pools, read from the loop's last tick. */
  void bind(Set<String> pools, ReconcileLoop loop) {
    for (String pool : pools) {
      Gauge.builder("bankops_autoscaler_desired_replicas", loop, l -> find(l, pool).desired())
          .description("Replicas the autoscaler's last decision asked for")
          .tag("pool", pool)
          .strongReference(true)
          .register(registry);
      Gauge.builder("bankops_autoscaler_ready_replicas", loop, l -> find(l, pool).ready())
          .description("Instances of the pool taking traffic at the balancer")
          .tag("pool", pool)
          .strongReference(true)
          .register(registry);
      Gauge.builder("bankops_autoscaler_min_replicas", loop, l -> l.config().minReplicas())
          .description("The autoscaler's configured minimum of instances")
          .tag("pool", pool)
          .strongReference(true)
          .register(registry);
      Gauge.builder("bankops_autoscaler_max_replicas", loop, l -> l.config().maxReplicas())
          .description("The autoscaler's configured maximum of instances")
          .tag("pool", pool)
          .strongReference(true)
          .register(registry);
      Gauge.builder("bankops_autoscaler_observed_rps", last, m -> rps(m.get(pool), false))
          .description("Requests per second the autoscaler's last decision observed")
          .tag("pool", pool)
          .strongReference(true)
          .register(registry);
      Gauge.builder("bankops_autoscaler_forecast_rps", last, m -> rps(m.get(pool), true))
          .description("Requests per second the autoscaler's last decision forecast")
          .tag("pool", pool)
          .strongReference(true)
          .register(registry);
      for (Direction d : Direction.values()) {
        counter(pool, d);
      }
    }
  }

  private static double rps(Decision d, boolean forecast) {
    if (d == null) {
      return Double.NaN; // no decision yet: no sample rather than a false zero
    }
    return forecast ? d.forecastRequestsPerSecond() : d.requestsPerSecond();
  }

  private static PoolStatus find(ReconcileLoop loop, String pool) {
    return loop.status().stream()
        .filter(s -> s.pool().equals(pool))
        .findFirst()
        .orElse(new PoolStatus(pool, 0, 0, 0, 0, "none"));
  }

  private Counter counter(String pool, Direction direction) {
    return Counter.builder("bankops_autoscaler_scale_events")
        .description("Scale actions started (up: instances started, down: drained and stopped)")
        .tag("pool", pool)
        .tag("direction", direction.wire())
        .register(registry);
  }

  @Override
  public void decided(Decision d) {
    last.put(d.pool(), d);
    DECISIONS.info(
        "{} desired {} ({}): {}",
        d.pool(),
        d.desired(),
        d.action(),
        d.reason(),
        kv("pool", d.pool()),
        kv("signals", d.signals()),
        kv("current", d.current()),
        kv("ready", d.ready()),
        kv("inFlight", d.inFlight()),
        kv("rps", DecisionJson.round(d.requestsPerSecond())),
        kv("meanLatencyMs", DecisionJson.round(d.meanLatencyMillis())),
        kv("p99LatencyMs", DecisionJson.round(d.p99LatencyMillis())),
        kv("errorRate", DecisionJson.round(d.errorRate())),
        kv("queueDepth", d.queueDepth()),
        kv("stableConcurrency", DecisionJson.round(d.stableConcurrency())),
        kv("panicConcurrency", DecisionJson.round(d.panicConcurrency())),
        kv("alertFloor", d.alertFloor()),
        kv("forecastRps", DecisionJson.round(d.forecastRequestsPerSecond())),
        kv(
            "forecastErrorRps",
            Double.isFinite(d.forecastErrorRequestsPerSecond())
                ? DecisionJson.round(d.forecastErrorRequestsPerSecond())
                : null),
        kv("forecastDesired", d.forecastDesired()),
        kv("desired", d.desired()),
        kv("mode", d.mode()),
        kv("reason", d.reason()),
        kv("action", d.action()));
  }

  @Override
  public void scaled(String pool, Direction direction, int instances) {
    counter(pool, direction).increment();
    DECISIONS.info(
        "{} scale {} by {}",
        pool,
        direction.wire(),
        instances,
        kv("event", "scale"),
        kv("pool", pool),
        kv("direction", direction.wire()),
        kv("instances", instances));
  }

  @Override
  public void failed(String pool, String what) {
    DECISIONS.warn("{}: {}", pool, what, kv("event", "action_failed"), kv("pool", pool));
  }
}
