package com.bankops.autoscaler.loop;

/**
 * What the loop reports: every decision, every action started, every action that failed. The
 * balancer turns them into JSON log lines and metrics. Called on the loop's or the runtime's
 * threads; implementations must be quick and must not throw.
 */
public interface ScalingListener {

  /** Reports nothing. */
  ScalingListener NOOP =
      new ScalingListener() {
        @Override
        public void decided(Decision decision) {}

        @Override
        public void scaled(String pool, Direction direction, int instances) {}

        @Override
        public void failed(String pool, String what) {}
      };

  /** Once per pool and tick. */
  void decided(Decision decision);

  /** A scale action started: {@code instances} to start or to drain and stop. */
  void scaled(String pool, Direction direction, int instances);

  /** A start, add, drain or stop failed; the loop carries on. */
  void failed(String pool, String what);
}
