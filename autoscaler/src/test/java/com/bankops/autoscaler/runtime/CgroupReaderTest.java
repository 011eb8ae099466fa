package com.bankops.autoscaler.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three cgroup layouts dockerd uses, as files in a temporary root. */
class CgroupReaderTest {
  private static final String ID = "abc123";
  @TempDir Path root;

  @Test
  void readsCgroupV1WithTheCgroupfsDriver() throws Exception {
    write("cpuacct/docker/" + ID + "/cpuacct.usage", "1500000000\n");
    write("memory/docker/" + ID + "/memory.usage_in_bytes", "104857600\n");

    assertThat(new CgroupReader(root).read(ID, 7))
        .contains(new CgroupSample(1_500_000_000L, 104_857_600L, 7));
  }

  @Test
  void readsCgroupV2WithEitherDriver() throws Exception {
    write("docker/" + ID + "/cpu.stat", "usage_usec 2500\nuser_usec 2000\nsystem_usec 500\n");
    write("docker/" + ID + "/memory.current", "4096\n");
    assertThat(new CgroupReader(root).read(ID, 1)).contains(new CgroupSample(2_500_000L, 4096, 1));

    String other = "def456";
    write("system.slice/docker-" + other + ".scope/cpu.stat", "usage_usec 10\n");
    write("system.slice/docker-" + other + ".scope/memory.current", "8\n");
    assertThat(new CgroupReader(root).read(other, 2)).contains(new CgroupSample(10_000L, 8, 2));
  }

  @Test
  void missingOrGarbledFilesGiveNoSample() throws Exception {
    assertThat(new CgroupReader(root).read(ID, 1)).isEmpty();
    write("cpuacct/docker/" + ID + "/cpuacct.usage", "lots\n");
    assertThat(new CgroupReader(root).read(ID, 1)).isEmpty();
  }

  private void write(String relative, String content) throws Exception {
    Path file = root.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }
}
