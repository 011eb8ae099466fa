package com.bankops.balancer.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryPolicyTest {

  @ParameterizedTest(name = "{0} key={1} {2} sent={3} → {4} ({5})")
  @CsvSource({
    // method, Idempotency-Key, failure,   bytes sent, retry, reason
    "POST,    false, CONNECT_FAILED, false, true,  connect_failed",
    "PATCH,   false, CONNECT_FAILED, false, true,  connect_failed",
    "GET,     false, CONNECT_FAILED, false, true,  connect_failed",
    "GET,     false, RESET,          false, true,  idempotent_method",
    "HEAD,    false, STATUS_502,     false, true,  idempotent_method",
    "OPTIONS, false, STATUS_503,     false, true,  idempotent_method",
    "PUT,     false, STATUS_504,     false, true,  idempotent_method",
    "DELETE,  false, STATUS_503,     false, true,  idempotent_method",
    "TRACE,   false, RESET,          false, true,  idempotent_method",
    "POST,    false, STATUS_503,     false, false, not_idempotent",
    "POST,    false, RESET,          false, false, not_idempotent",
    "PATCH,   false, STATUS_502,     false, false, not_idempotent",
    "POST,    true,  STATUS_503,     false, true,  idempotency_key",
    "POST,    true,  RESET,          false, true,  idempotency_key",
    "get,     false, STATUS_503,     false, false, not_idempotent", // methods are case-sensitive
    "GET,     false, TIMEOUT,        false, false, timeout",
    "POST,    true,  TIMEOUT,        false, false, timeout",
    "GET,     false, STATUS_503,     true,  false, response_started",
    "POST,    true,  CONNECT_FAILED, true,  false, response_started",
    "GET,     false, STATUS_5XX,     false, false, server_error", // a 500 within a pool: never
    "POST,    true,  STATUS_5XX,     false, false, server_error",
  })
  void decides(
      String method,
      boolean key,
      FailureKind kind,
      boolean bytesSent,
      boolean retry,
      String reason) {
    assertThat(RetryPolicy.decide(method, key, kind, bytesSent))
        .isEqualTo(new RetryPolicy.Decision(retry, reason));
    assertThat(RetryPolicy.mayRetry(method, key, kind, bytesSent)).isEqualTo(retry);
  }

  @ParameterizedTest(name = "canary shield={0} {1} key={2} {3} sent={4} → {5} ({6})")
  @CsvSource({
    // shield, method, Idempotency-Key, failure, bytes sent, fall back, reason
    "true,  GET,    false, STATUS_5XX,     false, true,  idempotent_method",
    "true,  HEAD,   false, STATUS_5XX,     false, true,  idempotent_method",
    "true,  PUT,    false, STATUS_503,     false, true,  idempotent_method",
    "true,  DELETE, false, RESET,          false, true,  idempotent_method",
    "true,  POST,   true,  STATUS_5XX,     false, true,  idempotency_key",
    "true,  POST,   true,  RESET,          false, true,  idempotency_key",
    "true,  POST,   false, STATUS_5XX,     false, false, not_idempotent", // never a keyless POST
    "true,  POST,   false, RESET,          false, false, not_idempotent",
    "true,  PATCH,  false, STATUS_502,     false, false, not_idempotent",
    "true,  POST,   false, CONNECT_FAILED, false, true,  connect_failed",
    "true,  GET,    false, TIMEOUT,        false, false, timeout",
    "true,  POST,   true,  TIMEOUT,        false, false, timeout",
    "true,  GET,    false, STATUS_5XX,     true,  false, response_started",
    "true,  POST,   true,  STATUS_5XX,     true,  false, response_started",
    "false, GET,    false, STATUS_5XX,     false, false, shield_disabled",
    "false, GET,    false, CONNECT_FAILED, false, false, shield_disabled",
    "false, POST,   true,  STATUS_503,     false, false, shield_disabled",
  })
  void decidesTheCanaryFallback(
      boolean shield,
      String method,
      boolean key,
      FailureKind kind,
      boolean bytesSent,
      boolean retry,
      String reason) {
    assertThat(RetryPolicy.decideCanaryFallback(shield, method, key, kind, bytesSent))
        .isEqualTo(new RetryPolicy.Decision(retry, reason));
  }

  @ParameterizedTest(name = "server error {0} → {1}")
  @CsvSource({
    "500, STATUS_5XX",
    "501, STATUS_5XX",
    "599, STATUS_5XX",
    "502, STATUS_502",
    "503, STATUS_503",
    "504, STATUS_504"
  })
  void serverErrorsMapToKinds(int status, FailureKind kind) {
    assertThat(FailureKind.ofServerError(status)).contains(kind);
  }

  @ParameterizedTest(name = "status {0} → no server error")
  @CsvSource({"200", "404", "499", "600"})
  void otherStatusesAreNoServerErrors(int status) {
    assertThat(FailureKind.ofServerError(status)).isEmpty();
  }

  @ParameterizedTest(name = "status {0} → {1}")
  @CsvSource({"502, STATUS_502", "503, STATUS_503", "504, STATUS_504"})
  void gatewayStatusesMapToKinds(int status, FailureKind kind) {
    assertThat(FailureKind.ofStatus(status)).contains(kind);
  }

  @ParameterizedTest(name = "status {0} → none")
  @CsvSource({"200", "500", "501", "429"})
  void otherStatusesAreNotRetryKinds(int status) {
    assertThat(FailureKind.ofStatus(status)).isEmpty();
  }
}
