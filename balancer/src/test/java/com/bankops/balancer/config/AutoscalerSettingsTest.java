package com.bankops.balancer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.bankops.autoscaler.policy.AutoscalerConfig;
import com.bankops.autoscaler.policy.ForecastMode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AutoscalerSettingsTest {

  @Test
  void defaultsRunTheStablePoolFromTwoInstancesInShadowMode() {
    AutoscalerSettings s = ApplianceConfig.defaults().autoscaler();
    assertThat(s.enabled()).isTrue();
    AutoscalerConfig policy = s.policy();
    assertThat(policy.minReplicas()).isEqualTo(2);
    assertThat(policy.maxReplicas()).isEqualTo(8);
    assertThat(policy.forecastMode()).isEqualTo(ForecastMode.SHADOW);
    assertThat(policy.stableWindow()).isEqualTo(Duration.ofSeconds(60));
    assertThat(policy.panicWindow()).isEqualTo(Duration.ofSeconds(6));
    assertThat(s.tickMs()).isEqualTo(1000);
  }

  @Test
  void aFileOverridesSomeKeys() {
    AutoscalerSettings s =
        ApplianceConfig.fromYaml(
                "autoscaler: {minReplicas: 1, maxReplicas: 3, forecast: active, tickMs: 500}\n",
                Map.of())
            .autoscaler();
    assertThat(s.policy().maxReplicas()).isEqualTo(3);
    assertThat(s.policy().forecastMode()).isEqualTo(ForecastMode.ACTIVE);
    assertThat(s.tickMs()).isEqualTo(500);
    assertThat(s.targetConcurrency()).isEqualTo(10.0);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{minReplicas: -1}                  | autoscaler.minReplicas: -1 (expected: 0..64)",
        "{maxReplicas: 65}                  | autoscaler.maxReplicas: 65",
        "{minReplicas: 5, maxReplicas: 3}   | autoscaler.maxReplicas: 3 (expected: >= minReplicas = 5)",
        "{targetConcurrency: 0}             | autoscaler.targetConcurrency: 0",
        "{panicWindowMs: 70000}             | autoscaler.panicWindowMs: 70000 (expected: <= stableWindowMs",
        "{forecast: sometimes}              | autoscaler.forecast",
        "{tickMs: 0}                        | autoscaler.tickMs: 0",
        "{enabled: maybe}                   | autoscaler.enabled",
        "{minReplica: 1}                    | autoscaler.minReplica: unknown key",
      })
  void badValuesAreRefusedNamingTheField(String yaml, String message) {
    assertThatThrownBy(() -> ApplianceConfig.fromYaml("autoscaler: " + yaml + "\n", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(message);
  }
}
