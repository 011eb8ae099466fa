package com.bankops.balancer.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class TargetDiscoveryModuleTest {

  @Test
  void theApplianceComesFirstThenEveryBackendWithItsPoolVersionAndId() {
    JsonArray backends =
        new JsonArray()
            .add(backend("stable-8101-1", "stable", "127.0.0.1", 8101, "1.0.0", "active"))
            .add(backend("canary-8105-5", "canary", "::1", 8105, "1.1.0", "ejected"));

    JsonArray groups = TargetDiscoveryModule.targetGroups("127.0.0.1:9090", backends);

    assertThat(groups).hasSize(3);
    assertThat(groups.getJsonObject(0))
        .isEqualTo(
            new JsonObject(
                "{\"targets\":[\"127.0.0.1:9090\"],"
                    + "\"labels\":{\"job\":\"bankops-appliance\",\"instance\":\"appliance\"}}"));
    assertThat(groups.getJsonObject(1))
        .isEqualTo(
            new JsonObject(
                "{\"targets\":[\"127.0.0.1:8101\"],\"labels\":{\"job\":\"bankops-bank\","
                    + "\"instance\":\"stable-8101-1\",\"pool\":\"stable\",\"version\":\"1.0.0\"}}"));
    // an ejected backend still runs: it is scraped; an IPv6 host is bracketed
    assertThat(groups.getJsonObject(2).getJsonArray("targets").getString(0))
        .isEqualTo("[::1]:8105");
    assertThat(groups.getJsonObject(2).getJsonObject("labels").getString("pool"))
        .isEqualTo("canary");
  }

  @Test
  void withoutBackendsOnlyTheApplianceIsListed() {
    assertThat(TargetDiscoveryModule.targetGroups("127.0.0.1:9090", new JsonArray())).hasSize(1);
  }

  @Test
  void aBackendWithoutVersionIsLabelledUnknown() {
    JsonObject b = backend("s-1", "stable", "127.0.0.1", 8101, "x", "active");
    b.remove("version");
    JsonArray groups = TargetDiscoveryModule.targetGroups("h:1", new JsonArray().add(b));
    assertThat(groups.getJsonObject(1).getJsonObject("labels").getString("version"))
        .isEqualTo("unknown");
  }

  private static JsonObject backend(
      String id, String pool, String host, int port, String version, String state) {
    return new JsonObject()
        .put("id", id)
        .put("pool", pool)
        .put("host", host)
        .put("port", port)
        .put("version", version)
        .put("state", state);
  }
}
