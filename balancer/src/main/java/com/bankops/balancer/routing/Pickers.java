package com.bankops.balancer.routing;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/** Factories for the {@link Picker}s, by code or by their configuration name. */
public final class Pickers {
  public static final String P2C_PEAK_EWMA = "p2c-peak-ewma";
  public static final String ROUND_ROBIN = "round-robin";
  public static final String LEAST_REQUEST = "least-request";

  /** Configuration names, the default first. */
  public static final List<String> NAMES = List.of(P2C_PEAK_EWMA, ROUND_ROBIN, LEAST_REQUEST);

  private Pickers() {}

  /**
   * Power of two choices on peak-EWMA: samples two distinct candidates (chance proportional to
   * their slow-start weight) and takes the lower {@code latencyCost × (inFlight + 1) ÷ weight}.
   */
  public static Picker powerOfTwoChoices(RandomGenerator random) {
    return new P2cPeakEwmaPicker(Objects.requireNonNull(random, "random"));
  }

  /**
   * Round robin over the list order; a warming candidate of weight w takes its turn in a fraction w
   * of the rounds.
   */
  public static Picker roundRobin() {
    return new RoundRobinPicker();
  }

  /**
   * Power of two choices on in-flight requests: two distinct candidates sampled uniformly, the
   * lower {@code (inFlight + 1) ÷ weight} wins, ties broken at random.
   */
  public static Picker leastRequest(RandomGenerator random) {
    return new LeastRequestPicker(Objects.requireNonNull(random, "random"));
  }

  /** The picker of a configuration name (one of {@link #NAMES}, case-insensitive). */
  public static Picker byName(String name, RandomGenerator random) {
    Objects.requireNonNull(name, "name");
    switch (name.trim().toLowerCase(Locale.ROOT)) {
      case P2C_PEAK_EWMA:
        return powerOfTwoChoices(random);
      case ROUND_ROBIN:
        return roundRobin();
      case LEAST_REQUEST:
        return leastRequest(random);
      default:
        throw new IllegalArgumentException(
            "picker: '" + name + "' (expected: one of " + String.join(", ", NAMES) + ")");
    }
  }

  /** {@link #byName(String, RandomGenerator)} with {@link #threadLocalRandom()}. */
  public static Picker byName(String name) {
    return byName(name, threadLocalRandom());
  }

  /**
   * A generator for production use from any thread: each call goes to the calling thread's {@link
   * ThreadLocalRandom}, so event loops never contend on a shared seed.
   */
  public static RandomGenerator threadLocalRandom() {
    return ThreadLocalRandomGenerator.INSTANCE;
  }

  private enum ThreadLocalRandomGenerator implements RandomGenerator {
    INSTANCE;

    @Override
    public long nextLong() {
      return ThreadLocalRandom.current().nextLong();
    }

    @Override
    public int nextInt(int bound) {
      return ThreadLocalRandom.current().nextInt(bound);
    }

    @Override
    public double nextDouble() {
      return ThreadLocalRandom.current().nextDouble();
    }

    @Override
    public boolean nextBoolean() {
      return ThreadLocalRandom.current().nextBoolean();
    }
  }
}
