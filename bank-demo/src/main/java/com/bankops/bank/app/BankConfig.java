package com.bankops.bank.app;

import com.bankops.bank.store.DbTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Everything a bank instance is told at start, validated once. Immutable; change a value with the
 * {@code with…} methods, which validate again.
 *
 * <p>Environment (defaults in brackets): {@code BANK_PORT} [8081], {@code BANK_HOST} [127.0.0.1],
 * {@code BANK_DB_URL} (required, {@code postgresql://user:pass@host:port/db}), {@code BANK_VERSION}
 * [1.0.0], {@code BANK_INSTANCE_ID} [bank-&lt;port&gt;], {@code BANK_DB_POOL_SIZE} [10], {@code
 * BANK_FAULT_ERROR_RATE} [0], {@code BANK_FAULT_LATENCY_MS} [0].
 *
 * @param instanceId empty means "bank-&lt;actual port&gt;", resolved once the server listens
 */
public record BankConfig(
    String host,
    int port,
    DbTarget db,
    String version,
    String instanceId,
    int dbPoolSize,
    double faultErrorRate,
    long faultLatencyMs) {

  public static final int DEFAULT_PORT = 8081;
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final String DEFAULT_VERSION = "1.0.0";
  public static final int DEFAULT_DB_POOL_SIZE = 10;
  public static final int MAX_DB_POOL_SIZE = 200;
  public static final long MAX_FAULT_LATENCY_MS = 60_000;

  public BankConfig {
    Objects.requireNonNull(db, "db");
    List<String> errors =
        rangeErrors(host, port, version, instanceId, dbPoolSize, faultErrorRate, faultLatencyMs);
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", errors));
    }
  }

  private static List<String> rangeErrors(
      String host,
      int port,
      String version,
      String instanceId,
      int dbPoolSize,
      double faultErrorRate,
      long faultLatencyMs) {
    List<String> errors = new ArrayList<>();
    if (host == null || host.isBlank()) {
      errors.add("BANK_HOST: '" + host + "' (expected: a host name or address)");
    }
    if (port < 0 || port > 65535) {
      errors.add("BANK_PORT: " + port + " (expected: 0..65535, 0 picks a free port)");
    }
    if (version == null || version.isBlank()) {
      errors.add("BANK_VERSION: '" + version + "' (expected: non-empty)");
    }
    if (instanceId == null) {
      errors.add("BANK_INSTANCE_ID: null (expected: a string, empty for bank-<port>)");
    }
    if (dbPoolSize < 1 || dbPoolSize > MAX_DB_POOL_SIZE) {
      errors.add("BANK_DB_POOL_SIZE: " + dbPoolSize + " (expected: 1.." + MAX_DB_POOL_SIZE + ")");
    }
    if (!(faultErrorRate >= 0.0 && faultErrorRate <= 1.0)) {
      errors.add("BANK_FAULT_ERROR_RATE: " + faultErrorRate + " (expected: 0..1)");
    }
    if (faultLatencyMs < 0 || faultLatencyMs > MAX_FAULT_LATENCY_MS) {
      errors.add(
          "BANK_FAULT_LATENCY_MS: "
              + faultLatencyMs
              + " (expected: 0.."
              + MAX_FAULT_LATENCY_MS
              + ")");
    }
    return errors;
  }

  /** Defaults for everything but the database; port 0 (a free port), as tests want. */
  public static BankConfig forDatabase(String dbUrl) {
    return new BankConfig(
        DEFAULT_HOST, 0, DbTarget.parse(dbUrl), DEFAULT_VERSION, "", DEFAULT_DB_POOL_SIZE, 0.0, 0);
  }

  /**
   * Reads and validates the environment.
   *
   * @throws IllegalArgumentException listing every bad variable by name
   */
  public static BankConfig fromEnv(Map<String, String> env) {
    List<String> errors = new ArrayList<>();
    int port =
        parse(env, "BANK_PORT", DEFAULT_PORT, Integer::parseInt, "an integer 0..65535", errors);
    String host = env.getOrDefault("BANK_HOST", DEFAULT_HOST).strip();
    String version = env.getOrDefault("BANK_VERSION", DEFAULT_VERSION).strip();
    String instanceId = env.getOrDefault("BANK_INSTANCE_ID", "").strip();
    int poolSize =
        parse(
            env,
            "BANK_DB_POOL_SIZE",
            DEFAULT_DB_POOL_SIZE,
            Integer::parseInt,
            "an integer 1.." + MAX_DB_POOL_SIZE,
            errors);
    double errorRate =
        parse(env, "BANK_FAULT_ERROR_RATE", 0.0, Double::parseDouble, "a number 0..1", errors);
    long latency =
        parse(
            env,
            "BANK_FAULT_LATENCY_MS",
            0L,
            Long::parseLong,
            "an integer 0.." + MAX_FAULT_LATENCY_MS,
            errors);
    DbTarget db = null;
    String url = env.get("BANK_DB_URL");
    if (url == null || url.isBlank()) {
      errors.add("BANK_DB_URL: missing (expected: postgresql://user:pass@host:port/db)");
    } else {
      try {
        db = DbTarget.parse(url);
      } catch (IllegalArgumentException e) {
        errors.add("BANK_DB_URL: " + e.getMessage());
      }
    }
    errors.addAll(rangeErrors(host, port, version, instanceId, poolSize, errorRate, latency));
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", errors));
    }
    if (instanceId.isEmpty() && port != 0) {
      instanceId = "bank-" + port;
    }
    return new BankConfig(host, port, db, version, instanceId, poolSize, errorRate, latency);
  }

  public BankConfig withPort(int port) {
    return new BankConfig(
        host, port, db, version, instanceId, dbPoolSize, faultErrorRate, faultLatencyMs);
  }

  public BankConfig withVersion(String version) {
    return new BankConfig(
        host, port, db, version, instanceId, dbPoolSize, faultErrorRate, faultLatencyMs);
  }

  public BankConfig withInstanceId(String instanceId) {
    return new BankConfig(
        host, port, db, version, instanceId, dbPoolSize, faultErrorRate, faultLatencyMs);
  }

  public BankConfig withDbPoolSize(int dbPoolSize) {
    return new BankConfig(
        host, port, db, version, instanceId, dbPoolSize, faultErrorRate, faultLatencyMs);
  }

  public BankConfig withFaults(double faultErrorRate, long faultLatencyMs) {
    return new BankConfig(
        host, port, db, version, instanceId, dbPoolSize, faultErrorRate, faultLatencyMs);
  }

  private static <T> T parse(
      Map<String, String> env,
      String name,
      T fallback,
      Function<String, T> parser,
      String expected,
      List<String> errors) {
    String raw = env.get(name);
    if (raw == null || raw.isBlank()) {
      return fallback;
    }
    try {
      return parser.apply(raw.strip());
    } catch (NumberFormatException e) {
      errors.add(name + ": '" + raw + "' (expected: " + expected + ")");
      return fallback;
    }
  }
}
