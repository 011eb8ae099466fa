package com.bankops.balancer.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.bankops.autoscaler.loop.Decision;
import com.bankops.autoscaler.loop.Direction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScalingNotificationsTest {
  private final List<Notification> sent = new ArrayList<>();
  private final ScalingNotifications adapter = new ScalingNotifications(sent::add);

  private static Decision decision(String pool, int current, int desired, String reason) {
    return new Decision(
        Instant.parse("2026-11-25T20:00:00Z"),
        pool,
        "ok",
        current,
        current,
        37,
        412.3456,
        12.5,
        48.0,
        0.0012,
        0,
        30,
        40,
        0,
        0,
        Double.NaN,
        0,
        desired,
        "panic",
        reason,
        "start " + (desired - current));
  }

  @Test
  void aScaleOutIsSentWithTheDecisionThatCausedIt() {
    adapter.scaled("stable", Direction.UP, 2);
    adapter.decided(decision("stable", 2, 4, "panic: concurrency 40 needs 4"));

    assertThat(sent).hasSize(1);
    Notification n = sent.get(0);
    assertThat(n.type()).isEqualTo("scaling.scaled_out");
    assertThat(n.summary())
        .isEqualTo("Scaling out pool stable: 2 → 4 instances (panic: concurrency 40 needs 4)");
    assertThat(n.at()).isEqualTo(Instant.parse("2026-11-25T20:00:00Z"));
    assertThat(n.fields())
        .containsEntry("instances", 2)
        .containsEntry("desired", 4)
        .containsEntry("rps", 412.346)
        .containsEntry("direction", "up");
  }

  @Test
  void aScaleInIsSentAsScaledIn() {
    adapter.scaled("stable", Direction.DOWN, 1);
    adapter.decided(decision("stable", 3, 2, "stable window"));

    assertThat(sent).extracting(Notification::type).containsExactly("scaling.scaled_in");
  }

  @Test
  void decisionsWithoutAnActionSendNothing() {
    adapter.decided(decision("stable", 2, 2, "within tolerance"));
    adapter.failed("stable", "start failed: boom");
    adapter.scaled("canary", Direction.UP, 1);
    adapter.decided(decision("stable", 2, 2, "within tolerance")); // another pool's decision

    assertThat(sent).isEmpty();
  }
}
