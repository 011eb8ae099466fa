package com.bankops.balancer.rollout;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The rollouts, newest last, in one JSON file ({@code {"rollouts": [...]}}). Each save writes a
 * temporary file beside it, forces it to disk and renames it over the old one, so a crash leaves
 * either the old or the new file, never half of one. Blocking: call it off the event loops.
 */
public final class RolloutStore {
  /** How many finished rollouts are kept for {@code GET /admin/rollouts}. */
  public static final int KEPT = 50;

  private final Path file;

  public RolloutStore(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  public List<Rollout> load() {
    if (!Files.exists(file)) {
      return List.of();
    }
    try {
      JsonObject o = new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
      List<Rollout> out = new ArrayList<>();
      for (Object x : o.getJsonArray("rollouts", new JsonArray())) {
        out.add(RolloutJson.fromJson((JsonObject) x));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("rollout state " + file, e);
    }
  }

  public void save(List<Rollout> rollouts) {
    List<Rollout> kept =
        rollouts.size() > KEPT
            ? rollouts.subList(rollouts.size() - KEPT, rollouts.size())
            : rollouts;
    JsonArray list = new JsonArray();
    kept.forEach(r -> list.add(RolloutJson.toJson(r)));
    byte[] bytes =
        new JsonObject().put("rollouts", list).encodePrettily().getBytes(StandardCharsets.UTF_8);
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("rollout state " + file, e);
    }
  }
}
