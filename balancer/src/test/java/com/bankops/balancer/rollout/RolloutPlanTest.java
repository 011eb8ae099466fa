package com.bankops.balancer.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RolloutPlanTest {

  @Test
  void defaultsAreOneFiveTwentyFiveFiftyHundredAtThirtySeconds() {
    RolloutPlan p = RolloutJson.plan(new JsonObject().put("version", "1.1.0"));
    assertThat(p.stepsBasisPoints()).containsExactly(100, 500, 2500, 5000, 10_000);
    assertThat(p.stepDuration()).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.analysis()).isEqualTo(AnalysisThresholds.DEFAULTS);
    assertThat(p.approvalBeforeBasisPoints()).isEmpty();
    assertThat(p.warmup()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void fractionalPercentsBecomeBasisPoints() {
    RolloutPlan p =
        RolloutJson.plan(
            new JsonObject(
                "{\"steps\":[0.5,12.5,100],\"stepSeconds\":1.5,\"approvalBefore\":[100]}"));
    assertThat(p.stepsBasisPoints()).isEqualTo(List.of(50, 1250, 10_000));
    assertThat(p.stepDuration()).isEqualTo(Duration.ofMillis(1500));
    assertThat(p.needsApproval(2)).isTrue();
    assertThat(p.needsApproval(1)).isFalse();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"steps\": [5, 1]}                          | steps: [5.0, 1.0] (expected: strictly increasing",
        "{\"steps\": [5, 5]}                          | steps: [5.0, 5.0]",
        "{\"steps\": [1, 150]}                        | steps[1]: 150.0 (expected: 0 < percent <= 100)",
        "{\"steps\": [0, 50]}                         | steps[0]: 0.0",
        "{\"steps\": []}                              | steps: [] (expected: 1..20 steps)",
        "{\"steps\": [\"ten\"]}                       | steps[0]: ten (expected: a number)",
        "{\"stepSeconds\": 0.1}                       | stepSeconds: 0.1 (expected: 0.5..3600)",
        "{\"warmupSeconds\": -1}                      | warmupSeconds: -1.0 (expected: 0..600)",
        "{\"approvalBefore\": [7]}                    | approvalBefore: 7.0 (expected: one of the steps",
        "{\"analysis\": {\"maxP99Ratio\": 0.5}}       | analysis.maxP99Ratio: 0.5",
        "{\"analysis\": {\"minRequests\": 0}}         | analysis.minRequests: 0",
        "{\"analysis\": {\"maxErrorRateIncrease\": 2}} | analysis.maxErrorRateIncrease: 2.0",
        "{\"killSwitch\": {\"errorRateIncrease\": 0}} | killSwitch.errorRateIncrease: 0.0",
      })
  void refusesNamingTheField(String body, String message) {
    assertThatThrownBy(() -> RolloutJson.plan(new JsonObject(body)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  @ParameterizedTest
  @CsvSource({"1.1.0,true", "2.0.0-rc.1,true", "latest,false", "1.1,false", "01.1.0,false"})
  void knownVersionsAreSemanticLabelsUnlessListed(String version, boolean known) {
    assertThat(RolloutSettings.of(java.util.Map.of()).knows(version)).isEqualTo(known);
    assertThat(
            RolloutSettings.of(java.util.Map.of())
                .withKnownVersions(java.util.Set.of("1.1.0"))
                .knows(version))
        .isEqualTo(version.equals("1.1.0"));
  }
}
