package com.bankops.bank.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BankConfigTest {
  private static final String URL = "postgresql://bank:s3cret@db.local:6543/bankdb";

  @Test
  void defaults() {
    BankConfig config = BankConfig.fromEnv(Map.of("BANK_DB_URL", URL));
    assertThat(config.port()).isEqualTo(8081);
    assertThat(config.host()).isEqualTo("127.0.0.1");
    assertThat(config.version()).isEqualTo("1.0.0");
    assertThat(config.instanceId()).isEqualTo("bank-8081");
    assertThat(config.dbPoolSize()).isEqualTo(10);
    assertThat(config.faultErrorRate()).isZero();
    assertThat(config.faultLatencyMs()).isZero();
    assertThat(config.db().host()).isEqualTo("db.local");
    assertThat(config.db().port()).isEqualTo(6543);
    assertThat(config.db().database()).isEqualTo("bankdb");
    assertThat(config.db().user()).isEqualTo("bank");
    assertThat(config.db().password()).isEqualTo("s3cret");
    assertThat(config.toString()).doesNotContain("s3cret");
  }

  @Test
  void everyVariableIsRead() {
    BankConfig config =
        BankConfig.fromEnv(
            Map.of(
                "BANK_DB_URL", URL,
                "BANK_PORT", "9000",
                "BANK_HOST", "0.0.0.0",
                "BANK_VERSION", "2.0.0-canary",
                "BANK_INSTANCE_ID", "canary-1",
                "BANK_DB_POOL_SIZE", "4",
                "BANK_FAULT_ERROR_RATE", "0.25",
                "BANK_FAULT_LATENCY_MS", "150"));
    assertThat(config)
        .isEqualTo(
            new BankConfig("0.0.0.0", 9000, config.db(), "2.0.0-canary", "canary-1", 4, 0.25, 150));
  }

  @Test
  void portZeroLeavesTheInstanceIdToTheBoundPort() {
    assertThat(BankConfig.fromEnv(Map.of("BANK_DB_URL", URL, "BANK_PORT", "0")).instanceId())
        .isEmpty();
  }

  /** one bad variable → the message names it. */
  static Stream<Arguments> badEnvironments() {
    return Stream.of(
        Arguments.of(Map.of(), "BANK_DB_URL"),
        Arguments.of(Map.of("BANK_DB_URL", "mysql://u@h/db"), "BANK_DB_URL"),
        Arguments.of(Map.of("BANK_DB_URL", "postgresql://u@h:5432/"), "BANK_DB_URL"),
        Arguments.of(Map.of("BANK_DB_URL", "postgresql://h:5432/db"), "BANK_DB_URL"),
        Arguments.of(Map.of("BANK_DB_URL", URL, "BANK_PORT", "http"), "BANK_PORT"),
        Arguments.of(Map.of("BANK_DB_URL", URL, "BANK_PORT", "70000"), "BANK_PORT"),
        Arguments.of(Map.of("BANK_DB_URL", URL, "BANK_DB_POOL_SIZE", "0"), "BANK_DB_POOL_SIZE"),
        Arguments.of(
            Map.of("BANK_DB_URL", URL, "BANK_FAULT_ERROR_RATE", "1.5"), "BANK_FAULT_ERROR_RATE"),
        Arguments.of(
            Map.of("BANK_DB_URL", URL, "BANK_FAULT_ERROR_RATE", "lots"), "BANK_FAULT_ERROR_RATE"),
        Arguments.of(
            Map.of("BANK_DB_URL", URL, "BANK_FAULT_LATENCY_MS", "-3"), "BANK_FAULT_LATENCY_MS"),
        Arguments.of(
            Map.of("BANK_DB_URL", URL, "BANK_FAULT_LATENCY_MS", "1.5"), "BANK_FAULT_LATENCY_MS"));
  }

  @ParameterizedTest(name = "{0} → names {1}")
  @MethodSource("badEnvironments")
  void refusesNamingTheVariable(Map<String, String> env, String variable) {
    assertThatThrownBy(() -> BankConfig.fromEnv(env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(variable + ":");
  }

  @Test
  void listsEveryBadVariableAtOnce() {
    Map<String, String> env = new HashMap<>();
    env.put("BANK_PORT", "-1");
    env.put("BANK_FAULT_ERROR_RATE", "2");
    assertThatThrownBy(() -> BankConfig.fromEnv(env))
        .hasMessageContaining("BANK_PORT")
        .hasMessageContaining("BANK_FAULT_ERROR_RATE")
        .hasMessageContaining("BANK_DB_URL");
  }

  @Test
  void passwordsNeverAppearInErrors() {
    assertThatThrownBy(
            () -> BankConfig.fromEnv(Map.of("BANK_DB_URL", "postgresql://u:hunter2@h:5432/")))
        .message()
        .doesNotContain("hunter2");
  }

  @Test
  void urlRoundTripsThroughTheTarget() {
    BankConfig config = BankConfig.forDatabase("postgresql://u%40x:p%3Aw@127.0.0.1:5433/db");
    assertThat(config.db().user()).isEqualTo("u@x");
    assertThat(config.db().password()).isEqualTo("p:w");
    assertThat(BankConfig.forDatabase(config.db().url()).db()).isEqualTo(config.db());
    assertThat(config.db().jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5433/db");
  }
}
