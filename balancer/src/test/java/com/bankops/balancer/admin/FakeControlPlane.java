package com.bankops.balancer.admin;

import com.bankops.balancer.pool.BackendState;
import com.bankops.balancer.pool.PoolName;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** An in-memory control plane: records every change so tests can see state left unchanged. */
final class FakeControlPlane implements ControlPlane {
  private final Map<String, JsonObject> backends = new LinkedHashMap<>();
  private int canaryBasisPoints;
  private int nextId = 1;
  private int changes;
  volatile boolean ready = true;

  @Override
  public synchronized JsonObject status() {
    return new JsonObject()
        .put("canaryPercent", canaryBasisPoints / 100.0)
        .put("canaryBasisPoints", canaryBasisPoints)
        .put(
            "pools",
            new JsonObject()
                .put("stable", new JsonObject().put("backends", count(PoolName.STABLE)))
                .put("canary", new JsonObject().put("backends", count(PoolName.CANARY))));
  }

  private long count(PoolName pool) {
    return backends.values().stream().filter(b -> b.getString("pool").equals(pool.wire())).count();
  }

  @Override
  public synchronized JsonObject backends() {
    return new JsonObject()
        .put("backends", new JsonArray(backends.values().stream().map(JsonObject::copy).toList()));
  }

  @Override
  public synchronized Future<JsonObject> addBackend(
      PoolName pool, String host, int port, Optional<String> version) {
    for (JsonObject b : backends.values()) {
      if (b.getString("host").equals(host) && b.getInteger("port") == port) {
        return Future.failedFuture(
            new IllegalStateException(host + ":" + port + " is already a backend"));
      }
    }
    String id = "b" + nextId++;
    JsonObject b =
        new JsonObject()
            .put("id", id)
            .put("pool", pool.wire())
            .put("host", host)
            .put("port", port)
            .put("version", version.orElse("unknown"))
            .put("state", BackendState.WARMING.wire());
    backends.put(id, b);
    changes++;
    return Future.succeededFuture(b.copy());
  }

  @Override
  public synchronized Future<Optional<JsonObject>> removeBackend(String id) {
    JsonObject b = backends.remove(id);
    if (b == null) {
      return Future.succeededFuture(Optional.empty());
    }
    changes++;
    return Future.succeededFuture(Optional.of(b.copy().put("state", BackendState.DRAINING.wire())));
  }

  @Override
  public synchronized int canaryBasisPoints() {
    return canaryBasisPoints;
  }

  @Override
  public synchronized void setCanaryBasisPoints(int basisPoints) {
    if (basisPoints < 0 || basisPoints > 10_000) {
      throw new IllegalArgumentException("basisPoints: " + basisPoints + " (expected: 0..10000)");
    }
    canaryBasisPoints = basisPoints;
    changes++;
  }

  @Override
  public JsonObject stats() {
    return new JsonObject()
        .put("pools", new JsonObject().put("stable", new JsonObject().put("count", 0)));
  }

  @Override
  public boolean ready() {
    return ready;
  }

  /** Everything a request could change, to compare before and after. */
  synchronized JsonObject snapshot() {
    return new JsonObject()
        .put("canary", canaryBasisPoints)
        .put("backends", backends().getJsonArray("backends"))
        .put("changes", changes);
  }
}
