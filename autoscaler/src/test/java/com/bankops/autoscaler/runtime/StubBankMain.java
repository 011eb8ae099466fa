package com.bankops.autoscaler.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A stand-in for the bank, launched by the process runtime's tests as {@code java -cp
 * target/test-classes}. Serves {@code /health/ready} on {@code 127.0.0.1:$BANK_PORT}.
 *
 * <p>Behaviour from the environment: {@code STUB_READY_AFTER_MS} answers 503 until then; {@code
 * STUB_CRASH=<code>} prints a message and exits with that code before listening; {@code
 * STUB_IGNORE_TERM=1} makes SIGTERM hang for a minute (only SIGKILL ends it).
 */
public final class StubBankMain {
  private StubBankMain() {}

  public static void main(String[] args) throws IOException {
    String id = System.getenv().getOrDefault("BANK_INSTANCE_ID", "unknown");
    String version = System.getenv().getOrDefault("BANK_VERSION", "unknown");
    String crash = System.getenv("STUB_CRASH");
    if (crash != null) {
      System.err.println("stub " + id + ": boom, simulated crash before ready");
      System.exit(Integer.parseInt(crash));
    }
    if ("1".equals(System.getenv("STUB_IGNORE_TERM"))) {
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      Thread.sleep(60_000);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }));
    }
    long readyAt =
        System.nanoTime()
            + Long.parseLong(System.getenv().getOrDefault("STUB_READY_AFTER_MS", "0")) * 1_000_000;
    int port = Integer.parseInt(System.getenv("BANK_PORT"));
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 50);
    server.createContext(
        "/health/ready",
        exchange -> answer(exchange, System.nanoTime() - readyAt >= 0 ? 200 : 503, "ready"));
    server.createContext(
        "/",
        exchange ->
            answer(
                exchange,
                200,
                "{\"instance\":\""
                    + id
                    + "\",\"version\":\""
                    + version
                    + "\",\"parent\":\""
                    + System.getenv("BANK_PARENT_PID")
                    + "\",\"extra\":\""
                    + System.getenv("STUB_EXTRA")
                    + "\"}"));
    server.start();
    System.out.println("stub " + id + " listening on 127.0.0.1:" + port);
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("X-Bank-Instance", System.getenv("BANK_INSTANCE_ID"));
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
