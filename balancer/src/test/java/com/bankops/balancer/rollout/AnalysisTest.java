package com.bankops.balancer.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Defaults: max error-rate increase 0.01, p99 ratio 1.5 with 25 ms slack, 100 requests. */
class AnalysisTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // case                          | canary n, err, p99µs | stable n, err, p99µs | baseline n,
        // err, p99 | result        | reason has
        "too few canary requests         |   99,  50, 900000 | 5000, 0,  5000 |    0, 0,     0 | INCONCLUSIVE | 99 requests",
        "healthy: same rates             |  200,   1,   6000 | 5000, 25,  5000 |    0, 0,     0 | PASS         | canary 200",
        "error rate +1 point exactly     |  200,   3,   5000 | 5000, 25,  5000 |    0, 0,     0 | PASS         | canary",
        "error rate +20 points           |  200,  41,   5000 | 5000, 25,  5000 |    0, 0,     0 | FAIL         | error rate 20.50% vs stable 0.50%",
        "p99 +200 ms                     |  200,   0, 210000 | 5000, 0,  8000 |    0, 0,     0 | FAIL         | p99 210.0 ms vs stable 8.0 ms",
        "p99 ratio 3 but within slack    |  200,   0,   6000 | 5000, 0,  2000 |    0, 0,     0 | PASS         | canary",
        "p99 slower by 30 ms, ratio 1.4  |  200,   0, 105000 | 5000, 0, 75000 |    0, 0,     0 | PASS         | canary",
        "stable idle at 100%: baseline   |  500,   0, 300000 |    0, 0,     0 | 5000, 0,  9000 | FAIL         | vs baseline 9.0 ms",
        "stable idle, baseline healthy   |  500,   1,  10000 |    3, 0,  5000 | 5000, 0,  9000 | PASS         | baseline",
        "no reference: errors against 0  |  500,  10, 900000 |    0, 0,     0 |    0, 0,     0 | FAIL         | vs zero 0.00%",
        "no reference: latency unjudged  |  500,   0, 900000 |    0, 0,     0 |    0, 0,     0 | PASS         | zero",
      })
  void judgesCanaryAgainstStableOverTheSameWindow(
      String name,
      String canary,
      String stable,
      String baseline,
      Verdict.Result expected,
      String reasonHas) {
    Verdict v =
        Analysis.judge(
            figures(canary), figures(stable), figures(baseline), AnalysisThresholds.DEFAULTS);
    assertThat(v.result()).as(v.reason()).isEqualTo(expected);
    assertThat(v.reason()).contains(reasonHas);
  }

  /** "n, errors[, p99µs]" from a table cell. */
  static PoolFigures figures(String cell) {
    long[] v =
        Arrays.stream(cell.split(",")).map(String::trim).mapToLong(Long::parseLong).toArray();
    return new PoolFigures(v[0], v[1], v.length > 2 ? v[2] : 1000);
  }
}
