package com.bankops.autoscaler.runtime;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The last lines of an instance's log, for failure messages. */
final class LogTail {
  private static final int MAX_BYTES = 8192;

  private LogTail() {}

  static String lastLines(Path file, int maxLines) {
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long length = in.length();
      int size = (int) Math.min(length, MAX_BYTES);
      byte[] bytes = new byte[size];
      in.seek(length - size);
      in.readFully(bytes);
      List<String> lines = Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\n"));
      if (size < length && !lines.isEmpty()) {
        lines = lines.subList(1, lines.size()); // first line is cut
      }
      List<String> tail = lines.subList(Math.max(0, lines.size() - maxLines), lines.size());
      return tail.isEmpty() ? "(log is empty)" : String.join("\n", tail);
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }
}
