package com.bankops.bank.app;

import static com.bankops.bank.app.TestHttp.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * BankMain as a real child process; SIGTERM ({@code Process.destroy()}) arrives while requests are
 * held in flight by the latency fault. Timeline:
 *
 * <pre>
 * t=0      workers start sending transfers (each held 300 ms by BANK_FAULT_LATENCY_MS)
 * t≈1.5s   SIGTERM: listener closes, in-flight transfers finish, pool closes, exit 0
 * after    new connections are refused; a request either got a 2xx or was never done
 * </pre>
 */
class GracefulShutdownIT {
  private static final Pattern PORT = Pattern.compile("\"event\":\"listening\".*\"port\":(\\d+)");
  private static final int WORKERS = 24;
  private static final int MAX_PER_WORKER = 40;
  private static final int ACCOUNTS = 8;
  private static final long OPENING = 1_000_000;
  private static final long AMOUNT = 7;

  private Process process;
  private Vertx vertx;

  @AfterEach
  void cleanUp() throws Exception {
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (vertx != null) {
      await(vertx.close());
    }
  }

  record Outcome(String key, int status, long endedNanos, String failure) {}

  @Test
  @Timeout(120)
  void sigtermCompletesEveryAcceptedRequest(@TempDir Path dir) throws Exception {
    EmbeddedDatabase db = SharedDatabase.get();
    Path log = dir.resolve("bank.log");
    process = launch(db.url(), log);
    int port = awaitPort(process, log);
    vertx = Vertx.vertx();
    TestHttp http = new TestHttp(vertx, port, WORKERS);

    List<String> ids = new ArrayList<>();
    List<Future<TestHttp.Res>> opening = new ArrayList<>();
    for (int i = 0; i < ACCOUNTS; i++) {
      opening.add(
          http.postJson(
              "/accounts",
              new JsonObject().put("owner", "sigterm-" + i).put("initialBalance", OPENING),
              Map.of()));
    }
    for (Future<TestHttp.Res> f : opening) {
      ids.add(await(f).json().getString("id"));
    }

    String run = "sigterm-" + UUID.randomUUID() + "-";
    ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    List<Future<Void>> workers = new ArrayList<>();
    for (int w = 0; w < WORKERS; w++) {
      Promise<Void> done = Promise.promise();
      work(http, ids, run + w + "-", w, 0, outcomes, done);
      workers.add(done.future());
    }

    Thread.sleep(1_500);
    long sigterm = System.nanoTime();
    process.destroy(); // SIGTERM
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
    await(Future.join(workers));
    http.close();

    List<String> lines = lines(log);
    assertThat(process.exitValue()).as("exit status; log:%n%s", String.join("\n", lines)).isZero();
    List<Outcome> answered = outcomes.stream().filter(o -> o.status() > 0).toList();
    assertThat(answered).as("requests answered").isNotEmpty();
    assertThat(answered).allSatisfy(o -> assertThat(o.status()).as(o.toString()).isEqualTo(201));
    assertThat(answered.stream().filter(o -> o.endedNanos() > sigterm))
        .as("requests in flight at SIGTERM that still completed")
        .isNotEmpty();
    assertThat(outcomes.stream().filter(o -> o.status() == 0))
        .as("requests after the listener closed fail to connect")
        .isNotEmpty();

    // Nothing accepted was dropped: the keys the database holds are exactly the answered ones.
    Set<String> stored =
        new HashSet<>(
            Sql.queryStrings(
                db.target(), "SELECT key FROM idempotency_keys WHERE key LIKE ?", run + "%"));
    Set<String> succeeded = new HashSet<>(answered.stream().map(Outcome::key).toList());
    assertThat(stored).isEqualTo(succeeded);
    long total =
        Sql.queryLong(db.target(), "SELECT sum(balance) FROM accounts WHERE id = ANY(?)", ids);
    assertThat(total).isEqualTo(ACCOUNTS * OPENING);
    long moved =
        Sql.queryLong(
            db.target(), "SELECT count(*) FROM transfers WHERE from_account = ANY(?)", ids);
    assertThat(moved).isEqualTo(succeeded.size());
    assertThat(lines).anyMatch(l -> l.contains("\"event\":\"draining\""));
    assertThat(lines)
        .anyMatch(l -> l.contains("\"event\":\"exit\"") && l.contains("\"clean\":true"));
    System.out.printf(
        "sigterm: %d answered 201 (%d after SIGTERM), %d refused connection%n",
        answered.size(),
        answered.stream().filter(o -> o.endedNanos() > sigterm).count(),
        outcomes.size() - answered.size());
  }

  /** One worker: transfers in sequence until a request fails or the bound is reached. */
  private static void work(
      TestHttp http,
      List<String> ids,
      String keyPrefix,
      int worker,
      int n,
      ConcurrentLinkedQueue<Outcome> outcomes,
      Promise<Void> done) {
    if (n >= MAX_PER_WORKER) {
      done.complete();
      return;
    }
    String key = keyPrefix + n;
    String from = ids.get((worker + n) % ids.size());
    String to = ids.get((worker + n + 1) % ids.size());
    http.postJson(
            "/transfers",
            new JsonObject().put("from", from).put("to", to).put("amount", AMOUNT),
            Map.of("Idempotency-Key", key))
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                outcomes.add(new Outcome(key, ar.result().status(), System.nanoTime(), null));
                work(http, ids, keyPrefix, worker, n + 1, outcomes, done);
              } else {
                outcomes.add(new Outcome(key, 0, System.nanoTime(), ar.cause().toString()));
                done.complete();
              }
            });
  }

  /**
   * Starts BankMain with its output going to {@code log}: a file, because {@code Process.destroy()}
   * closes the parent's ends of the child's pipes and the child's last lines (written while
   * draining) would be lost.
   */
  private static Process launch(String dbUrl, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String jar = System.getProperty("bank.shadedJar", "");
    if (!jar.isEmpty() && Files.isRegularFile(Path.of(jar))) {
      command.add("-jar");
      command.add(jar);
    } else {
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(BankMain.class.getName());
    }
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = builder.environment();
    env.put("BANK_PORT", "0");
    env.put("BANK_HOST", "127.0.0.1");
    env.put("BANK_DB_URL", dbUrl);
    env.put("BANK_INSTANCE_ID", "sigterm-child");
    env.put("BANK_FAULT_LATENCY_MS", "300");
    env.put("BANK_ACCESS_LOG_LEVEL", "WARN");
    return builder.start();
  }

  private static List<String> lines(Path log) throws IOException {
    return Files.readAllLines(log, StandardCharsets.UTF_8);
  }

  private static int awaitPort(Process p, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && p.isAlive()) {
      for (String line : lines(log)) {
        Matcher m = PORT.matcher(line);
        if (m.find()) {
          return Integer.parseInt(m.group(1));
        }
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(
        "bank did not report its port; output:\n" + String.join("\n", lines(log)));
  }
}
