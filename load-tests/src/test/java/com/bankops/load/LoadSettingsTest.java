package com.bankops.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatling.javaapi.core.OpenInjectionStep;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LoadSettingsTest {

  private static LoadSettings read(Map<String, String> props) {
    return LoadSettings.from(props::get);
  }

  @Test
  void absentPropertiesTakeTheProfilesDefaults() {
    LoadSettings smoke = read(Map.of());
    assertThat(smoke.profile()).isEqualTo(LoadProfile.SMOKE);
    assertThat(smoke.target().toString()).isEqualTo("http://127.0.0.1:8080");
    assertThat(smoke.baselineRps()).isEqualTo(20);
    assertThat(smoke.sloP99Ms()).isEqualTo(500);

    LoadSettings surge = read(Map.of("load.profile", "SURGE", "load.target", "http://[::1]:9/"));
    assertThat(surge.profile()).isEqualTo(LoadProfile.SURGE);
    assertThat(surge.target().toString()).isEqualTo("http://[::1]:9");
    assertThat(surge.sloP99Ms()).isEqualTo(2000);
  }

  @Test
  void blankPropertiesCountAsAbsent() {
    // the pom hands every property over, empty when the caller set none
    assertThat(read(Map.of("load.baselineRps", "", "load.profile", " ")).baselineRps())
        .isEqualTo(20);
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "load.profile,      soak,        'load.profile: soak (expected: smoke | surge)'",
    "load.baselineRps,  0,           'load.baselineRps: 0 (expected: 1..10000)'",
    "load.baselineRps,  ten,         'load.baselineRps: ten (expected: an integer)'",
    "load.sloP99Ms,     60001,       'load.sloP99Ms: 60001 (expected: 1..60000)'",
    "load.accounts,     1,           'load.accounts: 1 (expected: 2..100000)'",
    "load.target,       ftp://h/x,   'load.target: ftp://h/x (expected: an http:// or https:// URL)'",
    "load.target,       'http://a b', 'load.target: http://a b (expected: a URL)'",
  })
  void badValuesAreRefusedNamingTheProperty(String name, String value, String message) {
    assertThatThrownBy(() -> read(Map.of(name, value)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void profilesHaveTheirPhases() {
    List<OpenInjectionStep> steps = LoadProfile.SURGE.injection(3);
    // base, ramp up, hold, ramp down, base
    assertThat(steps).hasSize(5);
    assertThat(LoadProfile.SURGE_FACTOR).isEqualTo(10);
    assertThat(LoadProfile.SMOKE.injection(20)).hasSize(2);
  }
}
