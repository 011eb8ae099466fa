package com.bankops.load;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.percent;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * A bank's traffic mix through the balancer: 70% balance reads, 25% transfers with an {@code
 * Idempotency-Key} (one in ten is retried with the same key, as a client does after a timeout, and
 * must replay the first answer), 5% account openings. Each virtual user is one request of a client
 * named by {@code X-Client-Id}, so the canary split sees stable users.
 *
 * <p>Profiles (smoke, surge) and the SLO come from {@code -Dload.*} properties ({@link
 * LoadSettings}). The run fails when more than 0.1% of requests fail or p99 passes the SLO.
 */
public class BankMixSimulation extends Simulation {
  /** Share of transfers a client sends twice with the same key. */
  static final double REPLAY_SHARE = 0.1;

  private final LoadSettings settings = LoadSettings.from(System::getProperty);
  private final List<String> accounts = new CopyOnWriteArrayList<>();

  private final HttpProtocolBuilder protocol =
      http.baseUrl(settings.target().toString())
          .acceptHeader("application/json")
          .userAgentHeader("bankops-load/gatling")
          // balances must be read each time, never from a client cache
          .disableCaching()
          // the warm-up goes to the target, never to the default public URL
          .warmUp(settings.target() + "/health/live")
          // one pool of keep-alive connections, as the edge proxy in front of many users keeps;
          // a new connection per one-request user would measure TCP set-up and exhaust ports
          .shareConnections();

  private final ChainBuilder readBalance =
      exec(
          http("balance")
              .get("/accounts/#{from}")
              .header("X-Client-Id", "#{client}")
              .check(status().is(200), jsonPath("$.balance").ofLong().exists()));

  private final ChainBuilder transfer =
      exec(http("transfer")
              .post("/transfers")
              .header("X-Client-Id", "#{client}")
              .header("Idempotency-Key", "#{key}")
              .body(StringBody("{\"from\":\"#{from}\",\"to\":\"#{to}\",\"amount\":#{amount}}"))
              .asJson()
              .check(status().is(201), jsonPath("$.id").saveAs("transferId")))
          // only a transfer that was answered can be checked for its replay
          .exitHereIfFailed()
          .doIf(session -> session.getBoolean("replay"))
          .then(
              exec(
                  http("transfer replay")
                      .post("/transfers")
                      .header("X-Client-Id", "#{client}")
                      .header("Idempotency-Key", "#{key}")
                      .body(
                          StringBody(
                              "{\"from\":\"#{from}\",\"to\":\"#{to}\",\"amount\":#{amount}}"))
                      .asJson()
                      .check(
                          status().is(201),
                          header("Idempotency-Replayed").is("true"),
                          jsonPath("$.id").isEL("#{transferId}"))));

  private final ChainBuilder openAccount =
      exec(
          http("open account")
              .post("/accounts")
              .header("X-Client-Id", "#{client}")
              .header("Idempotency-Key", "#{key}")
              .body(StringBody("{\"owner\":\"load-#{client}\",\"initialBalance\":#{amount}}"))
              .asJson()
              .check(status().is(201), jsonPath("$.id").exists()));

  private final ScenarioBuilder bankMix =
      scenario("bank mix " + settings.profile().name().toLowerCase())
          .feed(this::requests)
          .randomSwitch()
          .on(
              percent(70.0).then(readBalance),
              percent(25.0).then(transfer),
              percent(5.0).then(openAccount));

  {
    System.out.printf(
        "load: profile %s, target %s, baseline %d rps (peak %d), SLO p99 < %d ms%n",
        settings.profile().name().toLowerCase(),
        settings.target(),
        settings.baselineRps(),
        settings.profile() == LoadProfile.SURGE
            ? LoadProfile.SURGE_FACTOR * settings.baselineRps()
            : settings.baselineRps(),
        settings.sloP99Ms());
    setUp(bankMix.injectOpen(settings.profile().injection(settings.baselineRps())))
        .protocols(protocol)
        .assertions(
            global().failedRequests().percent().lt(0.1),
            global().responseTime().percentile(99.0).lt(settings.sloP99Ms()));
  }

  @Override
  public void before() {
    accounts.addAll(AccountSetup.open(settings.target(), settings.accounts()));
  }

  /** One request's data: a client, two distinct accounts, an amount of 0.01..1.00, a fresh key. */
  private Iterator<Map<String, Object>> requests() {
    return Stream.generate(
            () -> {
              ThreadLocalRandom random = ThreadLocalRandom.current();
              int n = accounts.size();
              int from = random.nextInt(n);
              int to = (from + 1 + random.nextInt(n - 1)) % n;
              Map<String, Object> row = new HashMap<>();
              row.put("client", "client-" + random.nextInt(settings.clients()));
              row.put("from", accounts.get(from));
              row.put("to", accounts.get(to));
              row.put("amount", 1 + random.nextInt(100));
              row.put("key", UUID.randomUUID().toString());
              row.put("replay", random.nextDouble() < REPLAY_SHARE);
              return row;
            })
        .iterator();
  }
}
