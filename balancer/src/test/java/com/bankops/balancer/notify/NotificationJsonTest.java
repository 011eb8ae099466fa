package com.bankops.balancer.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NotificationJsonTest {
  private static final Notification ROLLBACK =
      new Notification(
          "rollout.rolled_back",
          Instant.parse("2026-11-25T20:00:00Z"),
          "Rolled back 2.1.0: canary error rate 19.8% vs stable 0.1%",
          Map.of(
              "version",
              "2.1.0",
              "canaryErrorRate",
              0.198,
              "steps",
              List.of(1, 5),
              "when",
              Instant.parse("2026-11-25T19:59:58Z")));

  @Test
  void genericShapeCarriesEveryFieldAsJson() {
    JsonObject j = NotificationJson.generic(ROLLBACK);

    assertThat(j.getString("source")).isEqualTo("bankops");
    assertThat(j.getString("type")).isEqualTo("rollout.rolled_back");
    assertThat(j.getString("at")).isEqualTo("2026-11-25T20:00:00Z");
    assertThat(j.getString("summary")).startsWith("Rolled back 2.1.0");
    JsonObject f = j.getJsonObject("fields");
    assertThat(f.getDouble("canaryErrorRate")).isEqualTo(0.198);
    assertThat(f.getJsonArray("steps")).isEqualTo(new JsonArray().add(1).add(5));
    assertThat(f.getString("when")).isEqualTo("2026-11-25T19:59:58Z"); // odd types as text
    // and it survives an encode/decode round trip
    assertThat(new JsonObject(j.encode())).isEqualTo(j);
  }

  @Test
  void slackShapeHasFallbackTextAndEscapedBlocks() {
    Notification n =
        new Notification(
            "rollout.paused", Instant.EPOCH, "Paused <2.1.0> & waiting", Map.of("by", "ops"));

    JsonObject j = NotificationJson.slack(n);

    assertThat(j.getString("text")).isEqualTo("rollout.paused: Paused <2.1.0> & waiting");
    JsonArray blocks = j.getJsonArray("blocks");
    assertThat(blocks.getJsonObject(0).getJsonObject("text").getString("text"))
        .isEqualTo("*rollout.paused*  Paused &lt;2.1.0&gt; &amp; waiting");
    assertThat(blocks.getJsonObject(1).getJsonArray("fields").getJsonObject(0).getString("text"))
        .isEqualTo("*by*\nops");
    assertThat(blocks.getJsonObject(2).getString("type")).isEqualTo("context");
  }

  @Test
  void slackShowsAtMostTenFields() {
    Map<String, Object> many = new LinkedHashMap<>();
    IntStream.range(0, 25).forEach(i -> many.put("f" + i, i));

    JsonObject j = NotificationJson.slack(new Notification("x", Instant.EPOCH, "s", many));

    assertThat(j.getJsonArray("blocks").getJsonObject(1).getJsonArray("fields")).hasSize(10);
  }

  @Test
  void mailSubjectIsOneBoundedLineAndTheTextListsFields() {
    Notification n =
        new Notification("scaling.scaled_out", Instant.EPOCH, "a\r\nb" + "x".repeat(300), Map.of());

    String subject = NotificationJson.mailSubject("[bankops]", n);

    assertThat(subject).startsWith("[bankops] scaling.scaled_out: a b").doesNotContain("\n");
    assertThat(subject).hasSize(200);
    assertThat(NotificationJson.mailText(ROLLBACK))
        .startsWith("Rolled back 2.1.0")
        .contains("canaryErrorRate: 0.198\n", "steps: [1,5]\n", "event: rollout.rolled_back");
  }
}
