package com.bankops.bank.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.bankops.bank.domain.BankException;
import com.bankops.bank.domain.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ErrorMapperTest {
  private final ErrorMapper mapper = new ErrorMapper();

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource({
    "INVALID_FIELD, 400, invalid_field",
    "MISSING_FIELD, 400, missing_field",
    "ACCOUNT_NOT_FOUND, 404, account_not_found",
    "INSUFFICIENT_FUNDS, 422, insufficient_funds",
    "BALANCE_LIMIT_EXCEEDED, 422, balance_limit_exceeded",
    "IDEMPOTENCY_KEY_REUSED, 422, idempotency_key_reused",
  })
  void domainRefusals(Problem problem, int status, String code) {
    ErrorMapper.ErrorReply reply = mapper.map(new BankException(problem, "amount", "why"));
    assertThat(reply.status()).isEqualTo(status);
    assertThat(reply.body().getString("error")).isEqualTo(code);
    assertThat(reply.body().getString("field")).isEqualTo("amount");
    assertThat(reply.body().getString("message")).isEqualTo("why");
  }

  @ParameterizedTest(name = "router {0} → {1}")
  @CsvSource({
    "404, 404, not_found",
    "405, 405, method_not_allowed",
    "413, 413, payload_too_large",
    "415, 415, unsupported_media_type",
    "500, 500, internal_error",
    "-1, 500, internal_error",
  })
  void routerStatuses(int in, int status, String code) {
    ErrorMapper.ErrorReply reply = mapper.map(in);
    assertThat(reply.status()).isEqualTo(status);
    assertThat(reply.body().getString("error")).isEqualTo(code);
  }

  @org.junit.jupiter.api.Test
  void unexpectedFailuresHideTheirDetails() {
    ErrorMapper.ErrorReply reply = mapper.map(new IllegalStateException("password=hunter2"));
    assertThat(reply.status()).isEqualTo(500);
    assertThat(reply.body().encode()).doesNotContain("hunter2");
  }

  @Test
  void aFullDatabasePoolIsAnOverloadNotAnInternalError() {
    assertThat(mapper.map(new io.vertx.core.http.ConnectionPoolTooBusyException("full")).status())
        .isEqualTo(503);
    ErrorMapper.ErrorReply waited =
        mapper.map(
            new io.vertx.core.impl.NoStackTraceTimeoutException("Timeout waiting for connection"));
    assertThat(waited.status()).isEqualTo(503);
    assertThat(waited.body().getString("error")).isEqualTo("overloaded");
    assertThat(mapper.map(new IllegalStateException("boom")).status()).isEqualTo(500);
  }

  /**
   * The two shapes vertx-sql-client 5.0.7 fails a connection wait with (seen in a surge's logs).
   */
  @Test
  void vertx5PoolWaitTimeoutsAreOverloads() {
    ErrorMapper.ErrorReply waited =
        mapper.map(new io.vertx.core.VertxException("Timeout waiting for connection", true));
    assertThat(waited.status()).isEqualTo(503);
    assertThat(waited.body().getString("error")).isEqualTo("overloaded");
    assertThat(mapper.map(new io.vertx.core.impl.NoStackTraceThrowable("Timeout")).status())
        .isEqualTo(503);
    // other timeouts are not the pool's: a statement that timed out may have written something
    assertThat(mapper.map(new io.vertx.core.VertxException("Timeout 2000 (ms) fired")).status())
        .isEqualTo(500);
    assertThat(mapper.map(new io.vertx.core.impl.NoStackTraceThrowable("boom")).status())
        .isEqualTo(500);
  }
}
