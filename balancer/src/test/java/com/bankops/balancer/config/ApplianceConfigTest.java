package com.bankops.balancer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.bankops.balancer.pool.PoolName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ApplianceConfigTest {

  @Test
  void defaultsMatchTheDocumentedValues() {
    ApplianceConfig c = ApplianceConfig.defaults();

    assertThat(c.http())
        .isEqualTo(new HttpConfig("127.0.0.1", 8080, 8192, 1_048_576, 60_000, true));
    assertThat(c.admin().host()).isEqualTo("127.0.0.1");
    assertThat(c.admin().port()).isEqualTo(9090);
    assertThat(c.admin().configuredToken()).isEmpty();
    assertThat(c.proxy())
        .isEqualTo(
            new ProxyConfig(
                1000, 15_000, 60_000, 256, 1024, 0.2, 3, 3, false, ProxyConfig.Engine.NETTY));
    assertThat(c.routing().picker()).isEqualTo(PickerKind.P2C_PEAK_EWMA);
    assertThat(c.routing().canaryBasisPoints()).isZero();
    assertThat(c.routing().overrideHeader())
        .isEqualTo(new RoutingConfig.OverrideHeader(false, "X-Canary"));
    assertThat(c.routing().slowStartMs()).isEqualTo(10_000);
    assertThat(c.routing().canaryFallback()).as("canary shield on by default").isTrue();
    assertThat(c.health()).isEqualTo(new HealthConfig(2000, 1000, "/health/ready", 3, 2));
    assertThat(c.outlier())
        .isEqualTo(new OutlierConfig(5, 50, 20, 10_000, 30_000, 300_000, 50, 50));
    assertThat(c.drain().deadlineMs()).isEqualTo(30_000);
    assertThat(c.backends()).isEmpty();
    assertThat(c.runtime().kind()).isEqualTo(RuntimeKind.PROCESS);
    assertThat(c.demo()).isEqualTo(new DemoConfig(2, 8101, ".bankops"));
  }

  @Test
  void fileOverlaysDefaultsKeyByKey() {
    ApplianceConfig c =
        ApplianceConfig.fromYaml(
            """
            proxy:
              maxAttempts: 2
              upstreamPipelining: true
              engine: vertx
            routing:
              picker: least-request
              canaryPercent: 12.34
              overrideHeader: {enabled: true}
            backends:
              - {pool: stable, host: 127.0.0.1, port: 8101, version: "1.0"}
              - {pool: canary, host: localhost, port: 8102}
            """,
            Map.of());

    assertThat(c.proxy().maxAttempts()).isEqualTo(2);
    assertThat(c.proxy().upstreamPipelining()).isTrue();
    assertThat(c.proxy().engine()).isEqualTo(ProxyConfig.Engine.VERTX);
    assertThat(c.proxy().connectTimeoutMs()).isEqualTo(1000); // untouched default
    assertThat(c.routing().picker()).isEqualTo(PickerKind.LEAST_REQUEST);
    assertThat(c.routing().canaryBasisPoints()).isEqualTo(1234);
    assertThat(c.routing().overrideHeader().enabled()).isTrue();
    assertThat(c.routing().overrideHeader().name()).isEqualTo("X-Canary");
    assertThat(c.backends())
        .containsExactly(
            new BackendConfig(PoolName.STABLE, "127.0.0.1", 8101, "1.0"),
            new BackendConfig(PoolName.CANARY, "localhost", 8102, ""));
    assertThat(c.backends().get(1).declaredVersion()).isEmpty();
  }

  @Test
  void environmentOverridesTheFile() {
    Map<String, String> env =
        Map.of(
            "BANKOPS_HTTP_PORT", "18080",
            "BANKOPS_ADMIN_PORT", "19090",
            "BANKOPS_ADMIN_HOST", "0.0.0.0",
            "BANKOPS_ADMIN_TOKEN", "0123456789abcdef0123",
            "BANKOPS_RUNTIME", "docker");

    ApplianceConfig c = ApplianceConfig.fromYaml("http: {port: 7000}\nadmin: {port: 7001}\n", env);

    assertThat(c.http().port()).isEqualTo(18080);
    assertThat(c.admin().port()).isEqualTo(19090);
    assertThat(c.admin().host()).isEqualTo("0.0.0.0");
    assertThat(c.admin().configuredToken()).contains("0123456789abcdef0123");
    assertThat(c.runtime().kind()).isEqualTo(RuntimeKind.DOCKER);
  }

  @Test
  void proxyEngineComesFromTheEnvironmentAndAWrongOneIsNamed() {
    assertThat(
            ApplianceConfig.fromYaml("", Map.of("BANKOPS_PROXY_ENGINE", "vertx")).proxy().engine())
        .isEqualTo(ProxyConfig.Engine.VERTX);
    assertThat(ApplianceConfig.fromYaml("", Map.of()).proxy().engine())
        .isEqualTo(ProxyConfig.Engine.NETTY);
    assertThatThrownBy(() -> ApplianceConfig.fromYaml("", Map.of("BANKOPS_PROXY_ENGINE", "envoy")))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .containsExactly(
                        "proxy.engine: \"envoy\" (expected one of: netty, vertx)"
                            + " [from BANKOPS_PROXY_ENGINE]"));
  }

  @Test
  void blankEnvironmentValuesAreIgnored() {
    ApplianceConfig c =
        ApplianceConfig.fromYaml("", Map.of("BANKOPS_HTTP_PORT", " ", "BANKOPS_ADMIN_TOKEN", ""));

    assertThat(c.http().port()).isEqualTo(8080);
    assertThat(c.admin().configuredToken()).isEmpty();
  }

  @Test
  void badEnvironmentValueNamesFieldAndVariable() {
    assertThatThrownBy(
            () ->
                ApplianceConfig.fromYaml(
                    "", Map.of("BANKOPS_ADMIN_PORT", "nine", "BANKOPS_RUNTIME", "podman")))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .containsExactly(
                        "admin.port: \"nine\" (expected: an integer in 0..65535)"
                            + " [from BANKOPS_ADMIN_PORT]",
                        "runtime.kind: \"podman\" (expected one of: process, docker, kubernetes)"
                            + " [from BANKOPS_RUNTIME]"));
  }

  @Test
  void configFileComesFromBankopsConfig(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bankops.yaml");
    Files.writeString(file, "drain:\n  deadlineMs: 5000\n");

    ApplianceConfig c = ApplianceConfig.load(Map.of("BANKOPS_CONFIG", file.toString()));

    assertThat(c.drain().deadlineMs()).isEqualTo(5000);
  }

  @Test
  void missingConfigFileIsNamed(@TempDir Path dir) {
    String missing = dir.resolve("nope.yaml").toString();

    assertThatThrownBy(() -> ApplianceConfig.load(Map.of("BANKOPS_CONFIG", missing)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("BANKOPS_CONFIG: " + missing);
  }

  @Test
  void unknownKeysAreRejectedWithTheirPath() {
    assertThatThrownBy(
            () ->
                ApplianceConfig.fromYaml(
                    """
                    proxy:
                      conectTimeoutMs: 10
                    routing:
                      overrideHeader: {colour: red}
                    backends:
                      - {pool: stable, host: localhost, port: 8101, weight: 3}
                    extra: true
                    """,
                    Map.of()))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .extracting(p -> p.substring(0, p.indexOf(':')))
                    .containsExactly(
                        "proxy.conectTimeoutMs",
                        "routing.overrideHeader.colour",
                        "backends[0].weight",
                        "extra"))
        .hasMessageContaining("proxy.conectTimeoutMs: unknown key (expected one of: ")
        .hasMessageContaining("connectTimeoutMs");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    assertThatThrownBy(
            () ->
                ApplianceConfig.fromYaml(
                    "proxy: {connectTimeoutMs: 0, maxAttempts: 0}\nhttp: {port: -1}\n", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("invalid configuration (3 problems):")
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .containsExactly(
                        "http.port: -1 (expected: 0..65535)",
                        "proxy.connectTimeoutMs: 0 (expected: 1..60000)",
                        "proxy.maxAttempts: 0 (expected: 1..10)"));
  }

  /** Each row: a YAML snippet with one bad value, and the start of the one expected problem. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          http: {port: 65536}                        | http.port: 65536 (expected: 0..65535)
          http: {port: "80a"}                        | http.port: "80a" (expected: an integer in 0..65535)
          http: {port: 1.5}                          | http.port: 1.5 (expected: an integer in 0..65535)
          http: {host: ""}                           | http.host: "" (expected: a host name or IP address)
          http: {host: "http://x"}                   | http.host: "http://x" (expected: a host name
          http: {maxHeaderBytes: 10}                 | http.maxHeaderBytes: 10 (expected: 1024..1048576)
          http: {maxBodyBytes: 0}                    | http.maxBodyBytes: 0 (expected: 1..1073741824)
          http: {idleTimeoutMs: 0}                   | http.idleTimeoutMs: 0 (expected: 1..3600000)
          http: null                                 | http: null (expected: a mapping)
          admin: {port: 70000}                       | admin.port: 70000 (expected: 0..65535)
          admin: {token: short}                      | admin.token: <redacted, 5 characters> (expected: empty, or 16..512
          admin: {token: "has a space in it........"} | admin.token: <redacted, 25 characters>
          proxy: {connectTimeoutMs: 0}               | proxy.connectTimeoutMs: 0 (expected: 1..60000)
          proxy: {connectTimeoutMs: null}            | proxy.connectTimeoutMs: null (expected: an integer in 1..60000)
          proxy: {responseTimeoutMs: 600001}         | proxy.responseTimeoutMs: 600001 (expected: 1..600000)
          proxy: {idleTimeoutMs: -5}                 | proxy.idleTimeoutMs: -5 (expected: 1..3600000)
          proxy: {maxConnectionsPerBackend: 0}       | proxy.maxConnectionsPerBackend: 0 (expected: 1..65536)
          proxy: {maxWaitQueue: -1}                  | proxy.maxWaitQueue: -1 (expected: 0..1000000)
          proxy: {retryBudgetRatio: 1.5}             | proxy.retryBudgetRatio: 1.5 (expected: 0.0..1.0)
          proxy: {retryBudgetRatio: -0.1}            | proxy.retryBudgetRatio: -0.1 (expected: 0.0..1.0)
          proxy: {retryBudgetRatio: lots}            | proxy.retryBudgetRatio: "lots" (expected: a number in 0.0..1.0)
          proxy: {minRetriesPerSecond: -1}           | proxy.minRetriesPerSecond: -1 (expected: 0..10000)
          proxy: {maxAttempts: 11}                   | proxy.maxAttempts: 11 (expected: 1..10)
          proxy: {upstreamPipelining: often}         | proxy.upstreamPipelining: "often" (expected: true or false)
          proxy: {upstreamPipelining: true}          | proxy.upstreamPipelining: true (expected: false unless proxy.engine is vertx)
          proxy: {engine: nginx}                     | proxy.engine: "nginx" (expected one of: netty, vertx)
          routing: {picker: random}                  | routing.picker: "random" (expected one of: p2c-peak-ewma, round-robin, least-request)
          routing: {canaryPercent: 100.01}           | routing.canaryPercent: 100.01 (expected: 0..100 in steps of 0.01)
          routing: {canaryPercent: 12.345}           | routing.canaryPercent: 12.345 (expected: 0..100 in steps of 0.01)
          routing: {canaryPercent: -1}               | routing.canaryPercent: -1 (expected: 0..100 in steps of 0.01)
          routing: {canaryPercent: ten}              | routing.canaryPercent: "ten" (expected: a number in 0..100)
          routing: {overrideHeader: {enabled: yes please}} | routing.overrideHeader.enabled: "yes please" (expected: true or false)
          routing: {overrideHeader: {name: "X Canary"}} | routing.overrideHeader.name: "X Canary" (expected: an HTTP header name
          routing: {slowStartMs: -1}                 | routing.slowStartMs: -1 (expected: 0..3600000)
          routing: {canaryFallback: sometimes}       | routing.canaryFallback: "sometimes" (expected: true or false)
          health: {intervalMs: 50, timeoutMs: 10}    | health.intervalMs: 50 (expected: 100..3600000)
          health: {timeoutMs: 5000}                  | health.timeoutMs: 5000 (expected: 1..health.intervalMs (2000))
          health: {path: health}                     | health.path: "health" (expected: a path starting with /)
          health: {unhealthyThreshold: 0}            | health.unhealthyThreshold: 0 (expected: 1..100)
          health: {healthyThreshold: 101}            | health.healthyThreshold: 101 (expected: 1..100)
          outlier: {consecutiveFailures: 0}          | outlier.consecutiveFailures: 0 (expected: 1..1000)
          outlier: {failurePercent: 101}             | outlier.failurePercent: 101 (expected: 1..100)
          outlier: {minimumVolume: 0}                | outlier.minimumVolume: 0 (expected: 1..1000000)
          outlier: {intervalMs: 10}                  | outlier.intervalMs: 10 (expected: 100..86400000)
          outlier: {baseEjectionMs: 0}               | outlier.baseEjectionMs: 0 (expected: 1..86400000)
          outlier: {maxEjectionMs: 1000}             | outlier.maxEjectionMs: 1000 (expected: outlier.baseEjectionMs (30000)..86400000)
          outlier: {maxEjectionPercent: 101}         | outlier.maxEjectionPercent: 101 (expected: 0..100)
          outlier: {panicThresholdPercent: -1}       | outlier.panicThresholdPercent: -1 (expected: 0..100)
          drain: {deadlineMs: -1}                    | drain.deadlineMs: -1 (expected: 0..3600000)
          backends: {pool: stable}                   | backends: a mapping (expected: a list)
          backends: [{pool: blue, host: h, port: 1}] | backends[0].pool: "blue" (expected one of: stable, canary)
          backends: [{pool: stable, port: 1}]        | backends[0].host: null (expected: a host name or IP address)
          backends: [{pool: stable, host: h, port: 0}] | backends[0].port: 0 (expected: 1..65535)
          backends: [{pool: stable, host: h, port: 1}, {pool: canary, host: h, port: 1}] | backends[1]: h:1 (expected: each host:port listed once)
          runtime: {kind: podman}                    | runtime.kind: "podman" (expected one of: process, docker, kubernetes)
          demo: {stableInstances: 65}                | demo.stableInstances: 65 (expected: 0..64)
          demo: {bankBasePort: 65500}                | demo.bankBasePort: 65500 (expected: 1..65471)
          demo: {dataDir: " "}                       | demo.dataDir: " " (expected: a directory path)
          """)
  void badValueIsNamedWithItsExpectedRange(String yaml, String expectedStart) {
    assertThatThrownBy(() -> ApplianceConfig.fromYaml(yaml, Map.of()))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .singleElement()
                    .asString()
                    .startsWith(expectedStart));
  }

  @Test
  void tokenNeverAppearsInMessagesOrToString() {
    String secret = "tiny-secret";
    assertThatThrownBy(() -> ApplianceConfig.fromYaml("admin: {token: " + secret + "}", Map.of()))
        .hasMessageNotContaining(secret);

    ApplianceConfig c =
        ApplianceConfig.fromYaml("", Map.of("BANKOPS_ADMIN_TOKEN", "0123456789abcdef-secret"));
    assertThat(c.toString()).doesNotContain("0123456789abcdef-secret").contains("<redacted>");
  }

  @Test
  void yamlSyntaxErrorsAndDuplicateKeysAreReported() {
    assertThatThrownBy(() -> ApplianceConfig.fromYaml("http: [unclosed", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("not valid YAML");
    assertThatThrownBy(() -> ApplianceConfig.fromYaml("http: {port: 1, port: 2}", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("port");
    assertThatThrownBy(() -> ApplianceConfig.fromYaml("- just\n- a list\n", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("expected a YAML mapping");
  }

  @Test
  void canaryPercentIsWholeBasisPoints() {
    assertThat(
            ApplianceConfig.fromYaml("routing: {canaryPercent: 0.01}", Map.of())
                .routing()
                .canaryBasisPoints())
        .isEqualTo(1);
    assertThat(
            ApplianceConfig.fromYaml("routing: {canaryPercent: 100}", Map.of())
                .routing()
                .canaryBasisPoints())
        .isEqualTo(10_000);
    assertThat(
            ApplianceConfig.fromYaml("routing: {canaryPercent: 33.33}", Map.of())
                .routing()
                .canaryBasisPoints())
        .isEqualTo(3333);
  }
}
