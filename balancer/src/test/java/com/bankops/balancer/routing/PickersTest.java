package com.bankops.balancer.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PickersTest {
  private static final long NOW = 0;
  private static final int PICKS = 20_000;

  /** A fixed candidate: in-flight, cost in µs, weight. */
  record Fixed(int inFlight, double cost, double weight) implements Candidate {
    static Fixed of(int inFlight, double cost) {
      return new Fixed(inFlight, cost, 1.0);
    }

    @Override
    public double latencyCost(long nowNanos) {
      return cost;
    }

    @Override
    public double weight(long nowNanos) {
      return weight;
    }
  }

  private static int[] counts(Picker picker, List<Fixed> candidates) {
    int[] counts = new int[candidates.size()];
    for (int i = 0; i < PICKS; i++) {
      counts[picker.pick(candidates, NOW)]++;
    }
    return counts;
  }

  private static double share(int[] counts, int index) {
    return (double) counts[index] / PICKS;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {Pickers.P2C_PEAK_EWMA, Pickers.ROUND_ROBIN, Pickers.LEAST_REQUEST})
  void emptyGivesMinusOneAndASingleCandidateIsChosen(String name) {
    Picker picker = Pickers.byName(name, new SplittableRandom(1));
    assertThat(picker.pick(List.of(), NOW)).isEqualTo(-1);
    assertThat(picker.pick(List.of(Fixed.of(100, 1e6)), NOW)).isZero();
    assertThat(picker).hasToString(name);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"p2c-peak-ewma", "ROUND-ROBIN", " least-request "})
  void byNameIsLenientAboutCaseAndSpaces(String name) {
    assertThat(Pickers.byName(name).pick(List.of(Fixed.of(0, 1), Fixed.of(0, 1)), NOW))
        .isBetween(0, 1);
  }

  @Test
  void byNameRejectsUnknownNamesListingTheKnownOnes() {
    assertThatThrownBy(() -> Pickers.byName("random"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "picker: 'random' (expected: one of p2c-peak-ewma, round-robin, least-request)");
  }

  @Test
  void p2cTakesTheLessLoadedOfTwo() {
    Picker p2c = Pickers.powerOfTwoChoices(new SplittableRandom(1));
    int[] counts = counts(p2c, List.of(Fixed.of(10, 1000), Fixed.of(0, 1000)));
    assertThat(counts[1]).isEqualTo(PICKS);
  }

  @Test
  void p2cPrefersTheFasterBackend() {
    Picker p2c = Pickers.powerOfTwoChoices(new SplittableRandom(2));
    List<Fixed> five =
        List.of(
            Fixed.of(0, 10_000),
            Fixed.of(0, 10_000),
            Fixed.of(0, 1_000),
            Fixed.of(0, 10_000),
            Fixed.of(0, 10_000));
    // The fast one wins whenever it is among the two sampled: 1 − (4/5)(3/4) = 0.4.
    assertThat(share(counts(p2c, five), 2)).isBetween(0.38, 0.42);
  }

  @Test
  void p2cPrefersTheLessLoadedBackend() {
    Picker p2c = Pickers.powerOfTwoChoices(new SplittableRandom(3));
    List<Fixed> five =
        List.of(
            Fixed.of(5, 1_000),
            Fixed.of(0, 1_000),
            Fixed.of(5, 1_000),
            Fixed.of(5, 1_000),
            Fixed.of(5, 1_000));
    assertThat(share(counts(p2c, five), 1)).isBetween(0.38, 0.42);
  }

  @Test
  void p2cSamplesTwoDistinctCandidates() {
    // The worst candidate could only win against itself.
    Picker p2c = Pickers.powerOfTwoChoices(new SplittableRandom(4));
    int[] counts = counts(p2c, List.of(Fixed.of(0, 1), Fixed.of(0, 2), Fixed.of(0, 3)));
    assertThat(counts[2]).isZero();
    assertThat(counts[0]).isGreaterThan(counts[1]);
  }

  @Test
  void p2cGivesAWarmingBackendLessThanItsShare() {
    Picker p2c = Pickers.powerOfTwoChoices(new SplittableRandom(5));
    List<Fixed> pool = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      pool.add(Fixed.of(2, 1_000));
    }
    pool.add(new Fixed(0, 1_000, 0.1)); // idle but warming: score 1000·1/0.1 vs 1000·3/1
    assertThat(share(counts(p2c, pool), 4)).isLessThan(0.05);
  }

  @Test
  void p2cBreaksTiesAtRandom() {
    Picker p2c = Pickers.powerOfTwoChoices(new SplittableRandom(6));
    int[] counts = counts(p2c, List.of(Fixed.of(0, 0), Fixed.of(0, 0)));
    assertThat(share(counts, 0)).isBetween(0.47, 0.53);
  }

  @Test
  void roundRobinCycles() {
    Picker rr = Pickers.roundRobin();
    List<Fixed> three = List.of(Fixed.of(0, 1), Fixed.of(9, 9), Fixed.of(0, 1));
    List<Integer> seq = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      seq.add(rr.pick(three, NOW));
    }
    assertThat(seq).containsExactly(0, 1, 2, 0, 1, 2, 0);
  }

  @Test
  void roundRobinGivesAHalfWeightCandidateEveryOtherRound() {
    Picker rr = Pickers.roundRobin();
    List<Fixed> pool = List.of(Fixed.of(0, 1), Fixed.of(0, 1), new Fixed(0, 1, 0.5));
    List<Integer> seq = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      seq.add(rr.pick(pool, NOW));
    }
    // round 0: 0 1 –   round 1: 0 1 2   round 2: 0 1 –   round 3: 0 1 2
    assertThat(seq).containsExactly(0, 1, 0, 1, 2, 0, 1, 0, 1, 2);
  }

  @Test
  void roundRobinStillPicksWhenEveryoneIsWarming() {
    Picker rr = Pickers.roundRobin();
    List<Fixed> pool = List.of(new Fixed(0, 1, 0.01), new Fixed(0, 1, 0.01));
    for (int i = 0; i < 100; i++) {
      assertThat(rr.pick(pool, NOW)).isBetween(0, 1);
    }
  }

  @Test
  void leastRequestTakesTheLessBusy() {
    Picker lr = Pickers.leastRequest(new SplittableRandom(7));
    // Latency does not matter to least-request.
    int[] counts = counts(lr, List.of(Fixed.of(3, 1), Fixed.of(1, 1_000_000)));
    assertThat(counts[1]).isEqualTo(PICKS);
  }

  @Test
  void leastRequestBreaksTiesAtRandomAndWeighsSlowStart() {
    Picker lr = Pickers.leastRequest(new SplittableRandom(8));
    assertThat(share(counts(lr, List.of(Fixed.of(2, 1), Fixed.of(2, 1))), 0)).isBetween(0.47, 0.53);
    // Warming at 0.5: (0+1)/0.5 = 2 loses to (0+1)/1 = 1 but beats (2+1)/1 = 3.
    assertThat(counts(lr, List.of(Fixed.of(0, 1), new Fixed(0, 1, 0.5)))[0]).isEqualTo(PICKS);
    assertThat(counts(lr, List.of(Fixed.of(2, 1), new Fixed(0, 1, 0.5)))[1]).isEqualTo(PICKS);
  }

  @Test
  void picksWithRealTrackers() {
    long now = 0;
    LoadTracker fast = new LoadTracker(LoadTrackerConfig.DEFAULTS, -3_600_000_000_000L);
    LoadTracker slow = new LoadTracker(LoadTrackerConfig.DEFAULTS, -3_600_000_000_000L);
    fast.onStart();
    fast.onEnd(2_000_000, false, now);
    slow.onStart();
    slow.onEnd(50_000_000, false, now);
    assertThat(Pickers.powerOfTwoChoices(new SplittableRandom(9)).pick(List.of(slow, fast), now))
        .isEqualTo(1);
  }
}
