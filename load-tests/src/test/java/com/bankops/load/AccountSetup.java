package com.bankops.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opens the accounts the run reads and transfers between, before any load starts, so that the
 * measured mix holds only the traffic it claims. Balances are large enough that the run's transfers
 * (at most a few hundred thousand of at most 1.00 each) never hit 422.
 */
final class AccountSetup {
  static final long INITIAL_BALANCE = 1_000_000_000L;
  private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

  private AccountSetup() {}

  static List<String> open(URI target, int count) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    List<String> ids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String body =
          "{\"owner\":\"load-setup-" + i + "\",\"initialBalance\":" + INITIAL_BALANCE + "}";
      HttpRequest request =
          HttpRequest.newBuilder(target.resolve("/accounts"))
              .timeout(Duration.ofSeconds(15))
              .header("Content-Type", "application/json")
              .header("Idempotency-Key", "load-setup-" + System.nanoTime() + "-" + i)
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build();
      HttpResponse<String> response;
      try {
        response = client.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        throw new IllegalStateException(
            "account setup: " + target + " did not answer (" + e + "); is the appliance up?", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("account setup interrupted", e);
      }
      Matcher m = ID.matcher(response.body());
      if (response.statusCode() != 201 || !m.find()) {
        throw new IllegalStateException(
            "account setup: POST /accounts answered "
                + response.statusCode()
                + " "
                + response.body());
      }
      ids.add(m.group(1));
    }
    System.out.printf("account setup: opened %d accounts on %s%n", count, target);
    return ids;
  }
}
