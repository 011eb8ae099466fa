package com.bankops.balancer.config;

import com.bankops.balancer.pool.PoolName;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A static backend from the file (an element of {@code backends}); version may be empty. */
public record BackendConfig(PoolName pool, String host, int port, String version) {

  static BackendConfig read(ConfigNode n) {
    Map<String, PoolName> pools = new LinkedHashMap<>();
    for (PoolName p : PoolName.values()) {
      pools.put(p.wire(), p);
    }
    return new BackendConfig(
        n.oneOf("pool", pools, PoolName.STABLE),
        n.host("host"),
        n.intIn("port", 1, HttpConfig.MAX_PORT),
        n.optionalString(
            "version", v -> v.length() <= 128, "a version label of at most 128 characters"));
  }

  /** The declared version, if any. */
  public Optional<String> declaredVersion() {
    return version.isEmpty() ? Optional.empty() : Optional.of(version);
  }

  public String authority() {
    return host + ":" + port;
  }
}
