package com.bankops.bank.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every refusal names its field; money is only ever an integral JSON number. */
class RequestValidationTest {

  /** amount value (as a JSON decoder yields it) → refusal, or null when accepted. */
  static Stream<Arguments> transferAmounts() {
    return Stream.of(
        Arguments.of(1, null, null),
        Arguments.of(250L, null, null),
        Arguments.of(MinorUnits.MAX_AMOUNT, null, null),
        Arguments.of(0, Problem.INVALID_FIELD, "amount"),
        Arguments.of(-5, Problem.INVALID_FIELD, "amount"),
        Arguments.of(1.5, Problem.INVALID_FIELD, "amount"),
        Arguments.of(1.0, Problem.INVALID_FIELD, "amount"),
        Arguments.of("10", Problem.INVALID_FIELD, "amount"),
        Arguments.of(true, Problem.INVALID_FIELD, "amount"),
        Arguments.of(new BigInteger("99999999999999999999"), Problem.INVALID_FIELD, "amount"),
        Arguments.of(MinorUnits.MAX_AMOUNT + 1, Problem.INVALID_FIELD, "amount"),
        Arguments.of(null, Problem.MISSING_FIELD, "amount"));
  }

  @ParameterizedTest(name = "amount {0} → {1} {2}")
  @MethodSource("transferAmounts")
  void transferAmount(Object amount, Problem problem, String field) {
    Map<String, Object> body = body("from", "a", "to", "b", "amount", amount);
    if (problem == null) {
      assertThat(TransferRequest.from(body).amount()).isEqualTo(((Number) amount).longValue());
    } else {
      assertRefused(() -> TransferRequest.from(body), problem, field);
    }
  }

  static Stream<Arguments> transferBodies() {
    return Stream.of(
        Arguments.of(body("to", "b", "amount", 1), Problem.MISSING_FIELD, "from"),
        Arguments.of(body("from", "a", "amount", 1), Problem.MISSING_FIELD, "to"),
        Arguments.of(body("from", "a", "to", "a", "amount", 1), Problem.INVALID_FIELD, "to"),
        Arguments.of(body("from", " a ", "to", "a", "amount", 1), Problem.INVALID_FIELD, "to"),
        Arguments.of(body("from", 7, "to", "b", "amount", 1), Problem.INVALID_FIELD, "from"),
        Arguments.of(body("from", "", "to", "b", "amount", 1), Problem.INVALID_FIELD, "from"),
        Arguments.of(
            body("from", "a", "to", "b".repeat(201), "amount", 1), Problem.INVALID_FIELD, "to"));
  }

  @ParameterizedTest(name = "{0} → {1} {2}")
  @MethodSource("transferBodies")
  void transferBody(Map<String, Object> body, Problem problem, String field) {
    assertRefused(() -> TransferRequest.from(body), problem, field);
  }

  static Stream<Arguments> newAccounts() {
    return Stream.of(
        Arguments.of(body("owner", "alice", "initialBalance", 0), null, null),
        Arguments.of(body("owner", "alice", "initialBalance", 100), null, null),
        Arguments.of(
            body("owner", "alice", "initialBalance", -1), Problem.INVALID_FIELD, "initialBalance"),
        Arguments.of(
            body("owner", "alice", "initialBalance", 0.5), Problem.INVALID_FIELD, "initialBalance"),
        Arguments.of(body("owner", "alice"), Problem.MISSING_FIELD, "initialBalance"),
        Arguments.of(body("initialBalance", 5), Problem.MISSING_FIELD, "owner"),
        Arguments.of(body("owner", "  ", "initialBalance", 5), Problem.INVALID_FIELD, "owner"));
  }

  @ParameterizedTest(name = "{0} → {1} {2}")
  @MethodSource("newAccounts")
  void newAccount(Map<String, Object> body, Problem problem, String field) {
    if (problem == null) {
      assertThat(NewAccount.from(body).owner()).isEqualTo("alice");
    } else {
      assertRefused(() -> NewAccount.from(body), problem, field);
    }
  }

  static Stream<Arguments> depositAmounts() {
    return Stream.of(
        Arguments.of(1, null),
        Arguments.of(0, Problem.INVALID_FIELD),
        Arguments.of(-1, Problem.INVALID_FIELD),
        Arguments.of(2.25, Problem.INVALID_FIELD),
        Arguments.of("3", Problem.INVALID_FIELD),
        Arguments.of(null, Problem.MISSING_FIELD));
  }

  @ParameterizedTest(name = "deposit {0} → {1}")
  @MethodSource("depositAmounts")
  void depositAmount(Object amount, Problem problem) {
    Map<String, Object> body = body("amount", amount);
    if (problem == null) {
      assertThat(DepositRequest.from("acc", body)).isEqualTo(new DepositRequest("acc", 1));
    } else {
      assertRefused(() -> DepositRequest.from("acc", body), problem, "amount");
    }
  }

  static Stream<Arguments> idempotencyKeys() {
    return Stream.of(
        Arguments.of("abc-123", true),
        Arguments.of("x".repeat(255), true),
        Arguments.of("", false),
        Arguments.of("x".repeat(256), false),
        Arguments.of("has space", false),
        Arguments.of("caf\u00e9", false));
  }

  @ParameterizedTest(name = "key ''{0}'' accepted={1}")
  @MethodSource("idempotencyKeys")
  void idempotencyKey(String header, boolean accepted) {
    if (accepted) {
      assertThat(IdempotencyKey.parse(header)).contains(new IdempotencyKey(header));
    } else {
      assertRefused(() -> IdempotencyKey.parse(header), Problem.INVALID_FIELD, "Idempotency-Key");
    }
  }

  @org.junit.jupiter.api.Test
  void absentKeyIsNotIdempotent() {
    assertThat(IdempotencyKey.parse(null)).isEmpty();
  }

  @org.junit.jupiter.api.Test
  void fingerprintsDifferWhenTheRequestDiffers() {
    assertThat(new TransferRequest("a", "b", 1).fingerprint())
        .isEqualTo(new TransferRequest("a", "b", 1).fingerprint())
        .isNotEqualTo(new TransferRequest("a", "b", 2).fingerprint())
        .isNotEqualTo(new TransferRequest("b", "a", 1).fingerprint());
    assertThat(new DepositRequest("a", 1).fingerprint())
        .isNotEqualTo(new DepositRequest("b", 1).fingerprint());
  }

  private static void assertRefused(Runnable call, Problem problem, String field) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            BankException.class,
            e -> {
              assertThat(e.problem()).isEqualTo(problem);
              assertThat(e.field()).isEqualTo(field);
              assertThat(e.getMessage()).contains(field);
            });
  }

  private static Map<String, Object> body(Object... keyValues) {
    Map<String, Object> body = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      body.put((String) keyValues[i], keyValues[i + 1]);
    }
    return body;
  }
}
