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
