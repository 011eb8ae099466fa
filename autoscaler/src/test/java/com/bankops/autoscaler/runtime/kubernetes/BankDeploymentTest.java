package com.bankops.autoscaler.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BankDeploymentTest {

  @ParameterizedTest(name = "{0} {1} {2} -> {3}")
  @CsvSource({
    "bankops-bank, stable, 1.0.0,       bankops-bank-stable-1-0-0",
    "bankops-bank, canary, 2.0.0-RC1,   bankops-bank-canary-2-0-0-rc1",
    "bk,           stable, v1__x..y,    bk-stable-v1-x-y",
    "bk,           stable, 1.0.0-,      bk-stable-1-0-0",
  })
  void namesAreDns1035Labels(String prefix, String pool, String version, String expected) {
    assertThat(BankDeployment.name(prefix, pool, version)).isEqualTo(expected);
  }

  @Test
  void longNamesAreCutToSixtyThreeWithAHashThatKeepsThemApart() {
    // The two versions differ only after the cut.
    String a = BankDeployment.name("bankops-bank", "stable", "1".repeat(60) + "a");
    String b = BankDeployment.name("bankops-bank", "stable", "1".repeat(60) + "b");

    assertThat(a).hasSizeLessThanOrEqualTo(63).matches("[a-z]([-a-z0-9]*[a-z0-9])?");
    assertThat(b).hasSizeLessThanOrEqualTo(63);
    assertThat(a).isNotEqualTo(b);
  }
}
