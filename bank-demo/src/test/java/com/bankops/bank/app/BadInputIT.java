package com.bankops.bank.app;

import static com.bankops.bank.app.TestHttp.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each bad request gets its 4xx, a JSON body naming the field, and changes nothing. */
class BadInputIT {
  private static final long A_OPENING = 1_000;
  private static final long B_OPENING = 500;

  private static Vertx vertx;
  private static BankServer server;
  private static TestHttp http;
  private static String a;
  private static String b;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    server =
        await(
            BankServer.start(
                vertx, BankConfig.forDatabase(SharedDatabase.get().url()).withVersion("9.9.9")));
    http = new TestHttp(vertx, server.port(), 4);
    a = http.openAccount("alice", A_OPENING);
    b = http.openAccount("bob", B_OPENING);
  }

  @AfterAll
  static void stop() {
    http.close();
    await(server.close());
    await(vertx.close());
  }

  /** A request template: {A} and {B} become the two accounts' ids. */
  record Case(
      String method, String path, String contentType, String body, Map<String, String> headers) {
    @Override
    public String toString() {
      String shown = body == null ? "" : body.length() > 60 ? body.substring(0, 60) + "…" : body;
      return method + " " + path + " [" + contentType + "] " + shown + " " + headers;
    }
  }

  private static final String JSON = "application/json";

  static Stream<Arguments> badRequests() {
    String big = "{\"owner\":\"" + "x".repeat(17 * 1024) + "\",\"initialBalance\":1}";
    return Stream.of(
        bad(
            "POST",
            "/transfers",
            JSON,
            "{\"from\":\"{A}\",\"to\":\"{B}\",\"amount\":-5}",
            400,
            "invalid_field",
            "amount"),
        bad(
            "POST",
            "/transfers",
            JSON,
            "{\"from\":\"{A}\",\"to\":\"{B}\",\"amount\":0}",
            400,
            "invalid_field",
            "amount"),
        bad(
            "POST",
            "/transfers",
            JSON,
            "{\"from\":\"{A}\",\"to\":\"{B}\",\"amount\":1.5}",
            400,
            "invalid_field",
            "amount"),
        bad(
            "POST",
            "/transfers",
            JSON,
            "{\"from\":\"{A}\",\"to\":\"{B}\",\"amount\":\"10\"}",
            400,
            "invalid_field",
            "amount"),
        bad(
            "POST",
            "/transfers",
            JSON,
            "{\"from\":\"{A}\",\"to\":\"{B}\",\"amount\":1e2}",
            400,
            "invalid_field",
            "amount"),
        bad(
            "POST",
            "/transfers",
            JSON,
            "{\"from\":\"{A}\",\"to\":\"{A}\",\"amount\":10}",
            400,
            "invalid_field",
            "to"),
        bad(
            "POST",
            "/transfers",
            JSON,
            "{\"from\":\"{A}\",\"to\":\"no-such-account\",\"amount\":10}",
            404,
            "account_not_found",
            "to"),
        bad(
            "POST",
            "/transfers",
            JSON,
            "{\"from\":\"no-such-account\",\"to\":\"{B}\",\"amount\":10}",
            404,
            "account_not_found",
            "from"),
        bad(
            "POST",
            "/transfers",
            JSON,
            "{\"from\":\"{A}\",\"to\":\"{B}\",",
            400,
            "malformed_json",
            "body"),
        bad("POST", "/transfers", JSON, "[1,2]", 400, "malformed_json", "body"),
        bad("POST", "/transfers", JSON, "", 400, "malformed_json", "body"),
        bad(
            "POST",
            "/transfers",
            JSON,
            "{\"from\":\"{A}\",\"to\":\"{B}\"}",
            400,
            "missing_field",
            "amount"),
        bad(
            "POST",
            "/transfers",
            JSON,
            "{\"to\":\"{B}\",\"amount\":10}",
            400,
            "missing_field",
            "from"),
        bad(
            "POST",
            "/transfers",
            JSON,
            "{\"from\":\"{A}\",\"to\":\"{B}\",\"amount\":1001}",
            422,
            "insufficient_funds",
            "amount"),
        bad(
            "POST",
            "/transfers",
            "text/plain",
            "{\"from\":\"{A}\",\"to\":\"{B}\",\"amount\":10}",
            415,
            "unsupported_media_type",
            "Content-Type"),
        bad(
            "POST",
            "/transfers",
            null,
            "{\"from\":\"{A}\",\"to\":\"{B}\",\"amount\":10}",
            415,
            "unsupported_media_type",
            "Content-Type"),
        bad("POST", "/accounts", JSON, big, 413, "payload_too_large", "body"),
        bad(
            "POST",
            "/transfers",
            JSON,
            "{\"from\":\"{A}\",\"to\":\"{B}\",\"amount\":10,\"pad\":\""
                + "y".repeat(17 * 1024)
                + "\"}",
            413,
            "payload_too_large",
            "body"),
        bad(
            "POST",
            "/accounts",
            JSON,
            "{\"owner\":\"carol\",\"initialBalance\":-1}",
            400,
            "invalid_field",
            "initialBalance"),
        bad(
            "POST",
            "/accounts",
            JSON,
            "{\"owner\":\"carol\",\"initialBalance\":2.5}",
            400,
            "invalid_field",
            "initialBalance"),
        bad("POST", "/accounts", JSON, "{\"initialBalance\":5}", 400, "missing_field", "owner"),
        bad(
            "POST",
            "/accounts/{A}/deposits",
            JSON,
            "{\"amount\":-1}",
            400,
            "invalid_field",
            "amount"),
        bad(
            "POST",
            "/accounts/{A}/deposits",
            JSON,
            "{\"amount\":0.01}",
            400,
            "invalid_field",
            "amount"),
        bad("POST", "/accounts/{A}/deposits", JSON, "{}", 400, "missing_field", "amount"),
        bad(
            "POST",
            "/accounts/no-such-account/deposits",
            JSON,
            "{\"amount\":5}",
            404,
            "account_not_found",
            "id"),
        bad("GET", "/accounts/no-such-account", null, null, 404, "account_not_found", "id"),
        bad(
            "GET",
            "/accounts/no-such-account/transactions",
            null,
            null,
            404,
            "account_not_found",
            "id"),
        bad("GET", "/accounts/{A}/transactions?limit=0", null, null, 400, "invalid_field", "limit"),
        Arguments.of(
            new Case(
                "POST",
                "/transfers",
                JSON,
                "{\"from\":\"{A}\",\"to\":\"{B}\",\"amount\":10}",
                Map.of("Idempotency-Key", "has space")),
            400,
            "invalid_field",
            "Idempotency-Key"));
  }

  private static Arguments bad(
      String method,
      String path,
      String type,
      String body,
      int status,
      String error,
      String field) {
    return Arguments.of(new Case(method, path, type, body, Map.of()), status, error, field);
  }

  @ParameterizedTest(name = "{0} → {1} {2} {3}")
  @MethodSource("badRequests")
  void refusedNamingTheFieldAndNothingChanges(Case c, int status, String error, String field) {
    long transfersBefore = transfersOfAAndB();
    String path = c.path().replace("{A}", a).replace("{B}", b);
    String body = c.body() == null ? null : c.body().replace("{A}", a).replace("{B}", b);

    TestHttp.Res res =
        await(http.send(HttpMethod.valueOf(c.method()), path, body, c.contentType(), c.headers()));

    assertThat(res.status()).as(res.body()).isEqualTo(status);
    assertThat(res.headers().get("Content-Type")).startsWith("application/json");
    assertThat(res.json().getString("error")).isEqualTo(error);
    assertThat(res.json().getString("field")).isEqualTo(field);
    assertThat(res.json().getString("message")).isNotBlank();
    assertThat(res.headers().get("X-Bank-Version")).isEqualTo("9.9.9");
    assertThat(res.headers().get("X-Bank-Instance")).isEqualTo("bank-" + server.port());
    assertThat(transfersOfAAndB()).isEqualTo(transfersBefore);
    assertThat(
            Sql.queryLong(
                SharedDatabase.get().target(),
                "SELECT count(*) FROM accounts WHERE owner = 'carol'"))
        .as("no account was opened")
        .isZero();
  }

  @AfterEach
  void balancesAreUnchanged() {
    assertThat(http.balance(a)).isEqualTo(A_OPENING);
    assertThat(http.balance(b)).isEqualTo(B_OPENING);
  }

  private static long transfersOfAAndB() {
    return Sql.queryLong(
        SharedDatabase.get().target(),
        "SELECT count(*) FROM transfers WHERE from_account IN (?, ?) OR to_account IN (?, ?)",
        a,
        b,
        a,
        b);
  }
}
