package com.bankops.balancer.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Defaults: trips at +10 points of error rate with at least 10 canary requests in 2 s. */
class KillSwitchTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // case                          | canary n, err | stable n, err | members, routable | trips
        // | reason has
        "healthy                         |  40,  0 | 400,  1 | 1, 1 | false | ''",
        "20 % errors                     |  40,  8 | 400,  1 | 1, 1 | true  | canary error rate 20.0% (8 of 40)",
        "9 points above: not far enough  | 100, 10 | 400,  4 | 1, 1 | false | ''",
        "too few requests to judge       |   9,  5 | 400,  0 | 1, 1 | false | ''",
        "all failing                     |  10, 10 | 400, 40 | 1, 1 | true  | all 10 canary requests failed",
        "every backend ejected           |   0,  0 | 400,  0 | 2, 0 | true  | none of 2 canary backends",
        "no canary members yet           |   0,  0 | 400,  0 | 0, 0 | false | ''",
        "stable as bad as canary         |  40,  8 | 400, 80 | 1, 1 | false | ''",
      })
  void tripsOnlyOnClearEvidence(
      String name, String canary, String stable, String pool, boolean trips, String reasonHas) {
    var reason =
        KillSwitch.DEFAULTS.check(
            figures(canary),
            figures(stable),
            (int) figures(pool).count(),
            (int) figures(pool).errors());
    assertThat(reason).as(name).matches(r -> r.isPresent() == trips);
    reason.ifPresent(r -> assertThat(r).contains(reasonHas));
  }

  /** "n, errors[, p99µs]" from a table cell. */
  static PoolFigures figures(String cell) {
    long[] v =
        Arrays.stream(cell.split(",")).map(String::trim).mapToLong(Long::parseLong).toArray();
    return new PoolFigures(v[0], v[1], v.length > 2 ? v[2] : 1000);
  }
}
