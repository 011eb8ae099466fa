package com.bankops.balancer.admin;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.bankops.balancer.config.AdminConfig;
import com.bankops.balancer.console.ConsoleFeed;
import com.bankops.balancer.console.ConsoleModule;
import com.bankops.balancer.console.RolloutSource;
import com.bankops.balancer.scaling.Autoscaling;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/** The admin API over real sockets on an ephemeral port, against a fake control plane. */
class AdminApiIT {
  static final String TOKEN = "test-token-0123456789abcdef";
  static final String GOOD = "Bearer " + TOKEN;

  static Vertx vertx;
  static FakeControlPlane control;
  static AdminServer server;
  static WebClient client;
  static ListAppender<ILoggingEvent> audit;

  @BeforeAll
  static void startServer() throws Exception {
    vertx = Vertx.vertx();
    control = new FakeControlPlane();
    server =
        AdminServer.start(
                vertx,
                new AdminConfig("127.0.0.1", 0, TOKEN),
                control,
                () -> "# TYPE bankops_up gauge\nbankops_up 1\n",
                // the contract's autoscaler operations must have handlers; their own IT is
                // scaling.AutoscalerIT
                List.of(
                    Autoscaling.unavailableAdminModule(),
                    // the console's stream has its own IT (ConsoleStreamIT)
                    new ConsoleModule(
                        new ConsoleFeed(
                            vertx,
                            control,
                            Autoscaling::unavailableView,
                            RolloutSource.none(),
                            id -> 0,
                            Clock.systemUTC()))))
            // generous: building the router from the OpenAPI document took >10 s on a machine at
            // load 14; it takes well under a second normally
            .await(60, TimeUnit.SECONDS);
    client =
        WebClient.create(
            vertx,
            new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(server.port()));
    audit = new ListAppender<>();
    audit.start();
    ((Logger) LoggerFactory.getLogger(AuditLog.LOGGER_NAME)).addAppender(audit);
  }

  @AfterAll
  static void stopServer() throws Exception {
    ((Logger) LoggerFactory.getLogger(AuditLog.LOGGER_NAME)).detachAppender(audit);
    server.close().await(5, TimeUnit.SECONDS);
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  @BeforeEach
  void clearAudit() {
    audit.list.clear();
  }

  static HttpResponse<Buffer> send(
      HttpMethod method, String path, String authorization, String contentType, String body)
      throws Exception {
    HttpRequest<Buffer> req = client.request(method, path);
    if (authorization != null) {
      req.putHeader("Authorization", authorization);
    }
    if (contentType != null) {
      req.putHeader("Content-Type", contentType);
    }
    return (body == null ? req.send() : req.sendBuffer(Buffer.buffer(body)))
        .await(10, TimeUnit.SECONDS);
  }

  static HttpResponse<Buffer> json(HttpMethod method, String path, String body) throws Exception {
    return send(method, path, GOOD, "application/json", body);
  }

  @Nested
  class RefusedInputLeavesStateUnchanged {
    JsonObject before;

    @BeforeEach
    void seed() throws Exception {
      if (control.backends().getJsonArray("backends").isEmpty()) {
        json(
            HttpMethod.POST,
            "/admin/backends",
            "{\"pool\":\"stable\",\"host\":\"127.0.0.1\",\"port\":8101}");
      }
      audit.list.clear();
      before = control.snapshot();
    }

    @AfterEach
    void unchanged() {
      assertThat(control.snapshot()).isEqualTo(before);
      assertThat(audit.list).isEmpty();
    }

    /**
     * Each row: method, path, Authorization (GOOD = the right token, NONE = absent), Content-Type
     * (NONE = absent), body (NONE = no body), expected status, expected field.
     */
    @ParameterizedTest(name = "[{index}] {0} {1} auth={2} type={3} body={4} → {5} {6}")
    @CsvSource(
        delimiter = '|',
        quoteCharacter = '`',
        nullValues = "NONE",
        textBlock =
            """
            GET    | /admin/status         | NONE                | NONE             | NONE                         | 401 | Authorization
            PUT    | /admin/canary         | NONE                | application/json | {"percent": 5}               | 401 | Authorization
            GET    | /admin/status         | Bearer wrong-token  | NONE             | NONE                         | 401 | Authorization
            GET    | /admin/status         | Basic dXNlcjpwYXNz  | NONE             | NONE                         | 401 | Authorization
            GET    | /admin/status         | Bearer              | NONE             | NONE                         | 401 | Authorization
            GET    | /admin/status         | `Bearer a b`        | NONE             | NONE                         | 401 | Authorization
            DELETE | /admin/backends/b1    | NONE                | NONE             | NONE                         | 401 | Authorization
            PUT    | /admin/canary         | GOOD                | application/json | {"percent": -1}              | 400 | percent
            PUT    | /admin/canary         | GOOD                | application/json | {"percent": 100.01}          | 400 | percent
            PUT    | /admin/canary         | GOOD                | application/json | {"percent": "ten"}           | 400 | percent
            PUT    | /admin/canary         | GOOD                | application/json | {"percent": 12.345}          | 400 | percent
            PUT    | /admin/canary         | GOOD                | application/json | {"percent": null}            | 400 | percent
            PUT    | /admin/canary         | GOOD                | application/json | {"percent": true}            | 400 | percent
            PUT    | /admin/canary         | GOOD                | application/json | NONE                         | 400 | body
            PUT    | /admin/canary         | GOOD                | application/json | {}                           | 400 | percent
            PUT    | /admin/canary         | GOOD                | application/json | [50]                         | 400 | body
            PUT    | /admin/canary         | GOOD                | text/plain       | {"percent": 5}               | 415 | Content-Type
            PUT    | /admin/canary         | GOOD                | NONE             | {"percent": 5}               | 415 | Content-Type
            PUT    | /admin/canary         | GOOD                | application/json | {"percent": 5                | 400 | body
            PUT    | /admin/canary         | GOOD                | application/json | {"percent": 5, "force": true} | 400 | force
            DELETE | /admin/backends/b999  | GOOD                | NONE             | NONE                         | 404 | id
            DELETE | /admin/backends/a%20b | GOOD                | NONE             | NONE                         | 400 | id
            POST   | /admin/backends       | GOOD                | application/json | {"pool":"blue","host":"h","port":1}       | 400 | pool
            POST   | /admin/backends       | GOOD                | application/json | {"pool":"stable","host":"h","port":0}     | 400 | port
            POST   | /admin/backends       | GOOD                | application/json | {"pool":"stable","host":"h","port":70000} | 400 | port
            POST   | /admin/backends       | GOOD                | application/json | {"pool":"stable","host":"h","port":"80"}  | 400 | port
            POST   | /admin/backends       | GOOD                | application/json | {"pool":"stable","host":"h","port":1.5}   | 400 | port
            POST   | /admin/backends       | GOOD                | application/json | {"pool":"stable","port":8102}             | 400 | host
            POST   | /admin/backends       | GOOD                | application/json | {"pool":"stable","host":"a/b","port":1}   | 400 | host
            POST   | /admin/backends       | GOOD                | application/json | {"pool":"stable","host":"","port":1}      | 400 | host
            POST   | /admin/backends       | GOOD                | application/json | {"pool":"stable","host":"h","port":1,"weight":3} | 400 | weight
            POST   | /admin/backends       | GOOD                | application/json | {"pool":"stable","host":"h","port":1,"version":""} | 400 | version
            POST   | /admin/backends       | GOOD                | application/json | {"pool":"stable","host":"127.0.0.1","port":8101} | 409 | NONE
            PATCH  | /admin/canary         | GOOD                | application/json | {"percent": 5}               | 405 | method
            GET    | /admin/canary         | GOOD                | NONE             | NONE                         | 405 | method
            GET    | /admin/nope           | GOOD                | NONE             | NONE                         | 404 | path
            GET    | /admin/nope           | NONE                | NONE             | NONE                         | 401 | Authorization
            GET    | /nope                 | NONE                | NONE             | NONE                         | 404 | path
            """)
    void isRefusedWithJsonNamingTheField(
        String method,
        String path,
        String authorization,
        String contentType,
        String body,
        int status,
        String field)
        throws Exception {
      String auth = "GOOD".equals(authorization) ? GOOD : authorization;

      HttpResponse<Buffer> r = send(HttpMethod.valueOf(method), path, auth, contentType, body);

      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
      assertThat(r.getHeader("Content-Type")).startsWith("application/json");
      JsonObject error = r.bodyAsJsonObject();
      assertThat(error.getString("message")).isNotBlank();
      if (field != null) {
        assertThat(error.getString("field")).as(error.encode()).isEqualTo(field);
      }
      if (status == 401) {
        assertThat(error.getString("error")).isEqualTo("unauthorized");
        assertThat(r.getHeader("WWW-Authenticate")).startsWith("Bearer");
      }
    }

    @Test
    void messagesSayWhatIsWrong() throws Exception {
      assertThat(
              json(HttpMethod.PUT, "/admin/canary", "{\"percent\": 100.01}")
                  .bodyAsJsonObject()
                  .getString("message"))
          .isEqualTo("percent: 100.01 is greater than 100");
      assertThat(
              json(HttpMethod.PUT, "/admin/canary", "{\"percent\": 12.345}")
                  .bodyAsJsonObject()
                  .getString("message"))
          .isEqualTo("percent: 12.345 is not a multiple of 0.01");
      assertThat(
              json(HttpMethod.PUT, "/admin/canary", "{}").bodyAsJsonObject().getString("message"))
          .isEqualTo("percent: missing (required)");
      assertThat(
              json(HttpMethod.PUT, "/admin/canary", "{\"percent\": 1, \"x\": 2}")
                  .bodyAsJsonObject()
                  .getString("message"))
          .startsWith("x: unknown property");
    }

    @Test
    void hugeBodyIs413() throws Exception {
      String huge =
          "{\"percent\": 5, \"pad\": \"" + "x".repeat(AdminRouter.BODY_LIMIT_BYTES) + "\"}";

      HttpResponse<Buffer> r = json(HttpMethod.PUT, "/admin/canary", huge);

      assertThat(r.statusCode()).isEqualTo(413);
      assertThat(r.bodyAsJsonObject().getString("field")).isEqualTo("body");
    }
  }

  @Nested
  class HappyPaths {
    @Test
    void canaryInBasisPointSteps() throws Exception {
      for (String[] row :
          new String[][] {
            {"0.01", "1"},
            {"12.34", "1234"},
            {"0.07", "7"},
            {"99.99", "9999"},
            {"100", "10000"},
            {"33", "3300"},
            {"0", "0"}
          }) {
        HttpResponse<Buffer> r =
            json(HttpMethod.PUT, "/admin/canary", "{\"percent\": " + row[0] + "}");

        assertThat(r.statusCode()).as(row[0] + " " + r.bodyAsString()).isEqualTo(200);
        assertThat(r.bodyAsJsonObject().getInteger("canaryBasisPoints"))
            .isEqualTo(Integer.parseInt(row[1]));
        assertThat(control.canaryBasisPoints()).isEqualTo(Integer.parseInt(row[1]));
      }
    }

    @Test
    void charsetInContentTypeAndLowerCaseSchemeAreAccepted() throws Exception {
      HttpResponse<Buffer> r =
          send(
              HttpMethod.PUT,
              "/admin/canary",
              "bearer " + TOKEN,
              "application/json; charset=utf-8",
              "{\"percent\": 5}");

      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      assertThat(control.canaryBasisPoints()).isEqualTo(500);
    }

    @Test
    void canaryChangeIsAudited() throws Exception {
      json(HttpMethod.PUT, "/admin/canary", "{\"percent\": 0}");
      audit.list.clear();

      HttpResponse<Buffer> r = json(HttpMethod.PUT, "/admin/canary", "{\"percent\": 0.01}");

      assertThat(r.bodyAsJsonObject())
          .isEqualTo(new JsonObject().put("canaryPercent", 0.01).put("canaryBasisPoints", 1));
      assertThat(audit.list).hasSize(1);
      String line = audit.list.get(0).toString();
      assertThat(audit.list.get(0).getMessage()).isEqualTo("canary.set");
      assertThat(audit.list.get(0).getMarkerList().toString())
          .contains("who=token:")
          .contains("\"canaryBasisPoints\":0")
          .contains("\"canaryBasisPoints\":1");
      assertThat(line).doesNotContain(TOKEN);
    }

    @Test
    void addListAndRemoveBackend() throws Exception {
      HttpResponse<Buffer> added =
          json(
              HttpMethod.POST,
              "/admin/backends",
              "{\"pool\":\"canary\",\"host\":\"localhost\",\"port\":8201,\"version\":\"2.0\"}");
      assertThat(added.statusCode()).as(added.bodyAsString()).isEqualTo(201);
      String id = added.bodyAsJsonObject().getString("id");
      assertThat(added.getHeader("Location")).isEqualTo("/admin/backends/" + id);
      assertThat(added.bodyAsJsonObject().getString("version")).isEqualTo("2.0");

      HttpResponse<Buffer> list = send(HttpMethod.GET, "/admin/backends", GOOD, null, null);
      assertThat(list.statusCode()).isEqualTo(200);
      assertThat(list.bodyAsJsonObject().getJsonArray("backends").encode()).contains(id);

      HttpResponse<Buffer> removed =
          send(HttpMethod.DELETE, "/admin/backends/" + id, GOOD, null, null);
      assertThat(removed.statusCode()).isEqualTo(202);
      assertThat(removed.bodyAsJsonObject().getString("state")).isEqualTo("draining");

      assertThat(audit.list)
          .extracting(ILoggingEvent::getMessage)
          .containsExactly("backend.add", "backend.remove");
    }

    @Test
    void statusAndStats() throws Exception {
      HttpResponse<Buffer> status = send(HttpMethod.GET, "/admin/status", GOOD, null, null);
      assertThat(status.statusCode()).isEqualTo(200);
      assertThat(status.bodyAsJsonObject().getJsonObject("pools").fieldNames())
          .contains("stable", "canary");

      HttpResponse<Buffer> stats = send(HttpMethod.GET, "/admin/stats", GOOD, null, null);
      assertThat(stats.statusCode()).isEqualTo(200);
      assertThat(stats.bodyAsJsonObject().containsKey("pools")).isTrue();
    }

    @Test
    void contractIsServedVerbatimWithoutToken() throws Exception {
      HttpResponse<Buffer> r = send(HttpMethod.GET, "/admin/openapi.yaml", null, null, null);

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.getHeader("Content-Type")).startsWith("application/yaml");
      assertThat(r.body().getBytes()).isEqualTo(AdminRouter.contractBytes());
    }

    @Test
    void serviceDiscoveryListsTheApplianceAndEveryBackendWithoutToken() throws Exception {
      HttpResponse<Buffer> r = send(HttpMethod.GET, "/sd/targets", null, null, null);

      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.getHeader("Content-Type")).startsWith("application/json");
      io.vertx.core.json.JsonArray groups = r.bodyAsJsonArray();
      assertThat(groups).hasSize(1 + control.backends().getJsonArray("backends").size());
      assertThat(groups.getJsonObject(0).getJsonObject("labels").getString("job"))
          .isEqualTo("bankops-appliance");
    }

    @Test
    void metricsAndHealthNeedNoToken() throws Exception {
      HttpResponse<Buffer> metrics = send(HttpMethod.GET, "/metrics", null, null, null);
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.getHeader("Content-Type")).startsWith("text/plain");
      assertThat(metrics.bodyAsString()).contains("bankops_up 1");

      assertThat(send(HttpMethod.GET, "/health/live", null, null, null).statusCode())
          .isEqualTo(200);
      assertThat(send(HttpMethod.GET, "/health/ready", null, null, null).statusCode())
          .isEqualTo(200);
      control.ready = false;
      try {
        HttpResponse<Buffer> notReady = send(HttpMethod.GET, "/health/ready", null, null, null);
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.bodyAsJsonObject().getString("status")).isEqualTo("not_ready");
      } finally {
        control.ready = true;
      }
    }
  }

  @Test
  void extraModulesMustNameDeclaredOperations() {
    AdminModule bogus = ops -> ops.on("noSuchOperation", rc -> rc.end());

    Throwable failure =
        AdminRouter.create(vertx, TOKEN, control, () -> "", List.of(bogus))
            .toCompletionStage()
            .toCompletableFuture()
            .handle((router, error) -> error)
            .join();

    assertThat(failure).hasMessageContaining("operationId: noSuchOperation");
  }
}
