package com.bankops.balancer.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RolloutStoreTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void whatIsSavedIsReadBackAndNoTemporaryFileIsLeft(@TempDir Path dir) throws Exception {
    RolloutStore store = new RolloutStore(dir.resolve("state/rollouts.json"));
    assertThat(store.load()).isEmpty();
    Rollout r =
        RolloutMachine.canaryReady(
            RolloutMachine.start("r1", "1.1.0", Map.of("K", "v"), RolloutPlan.defaults(), T0),
            List.of("canary-1"),
            T0.plusSeconds(5));
    store.save(List.of(r));
    List<Rollout> read = store.load();
    assertThat(read).hasSize(1);
    assertThat(RolloutJson.toJson(read.get(0))).isEqualTo(RolloutJson.toJson(r));
    assertThat(read.get(0).shareBasisPoints()).isEqualTo(100);
    try (var files = Files.list(dir.resolve("state"))) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("rollouts.json");
    }
  }

  @Test
  void keepsTheNewestFifty(@TempDir Path dir) {
    RolloutStore store = new RolloutStore(dir.resolve("rollouts.json"));
    List<Rollout> many = new ArrayList<>();
    for (int i = 0; i < RolloutStore.KEPT + 5; i++) {
      many.add(RolloutMachine.start("r" + i, "1.1.0", Map.of(), RolloutPlan.defaults(), T0));
    }
    store.save(many);
    List<Rollout> read = store.load();
    assertThat(read).hasSize(RolloutStore.KEPT);
    assertThat(read.get(0).id()).isEqualTo("r5");
    assertThat(read.get(read.size() - 1).id()).isEqualTo("r54");
  }
}
