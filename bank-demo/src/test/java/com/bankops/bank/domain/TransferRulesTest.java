package com.bankops.bank.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TransferRulesTest {

  @ParameterizedTest(name = "from {0} to {1} move {2} → from {3} to {4} ({5})")
  @CsvSource({
    // fromBalance, toBalance, amount, newFrom, newTo, refusal
    "100, 0, 100, 0, 100, ",
    "100, 5, 1, 99, 6, ",
    "100, 0, 101, , , INSUFFICIENT_FUNDS",
    "0, 0, 1, , , INSUFFICIENT_FUNDS",
    "1000000000000000, 99000000000000000, 1000000000000000, 0, 100000000000000000, ",
    "1000000000000000, 99000000000000001, 1000000000000000, , , BALANCE_LIMIT_EXCEEDED",
  })
  void transfer(long from, long to, long amount, Long newFrom, Long newTo, Problem refusal) {
    if (refusal == null) {
      assertThat(TransferRules.transfer(from, to, amount))
          .isEqualTo(new TransferRules.Balances(newFrom, newTo));
    } else {
      assertThatThrownBy(() -> TransferRules.transfer(from, to, amount))
          .isInstanceOfSatisfying(
              BankException.class,
              e -> {
                assertThat(e.problem()).isEqualTo(refusal);
                assertThat(e.field()).isEqualTo("amount");
              });
    }
  }

  @ParameterizedTest(name = "credit {0} + {1} → {2}")
  @CsvSource({"0, 1, 1", "5, 10, 15", "99999999999999999, 1, 100000000000000000"})
  void credit(long balance, long amount, long expected) {
    assertThat(TransferRules.credit(balance, amount)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "amount {0} is a programming error")
  @CsvSource({"0", "-1"})
  void nonPositiveAmountsAreRejectedBeforeTheRules(long amount) {
    assertThatThrownBy(() -> TransferRules.transfer(10, 10, amount))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("amount");
  }
}
