package com.bankops.balancer.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import com.bankops.autoscaler.runtime.BankJvm;
import com.bankops.autoscaler.runtime.ProcessRuntimeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The process runtime's AppCDS archive of the real bank jar: training writes it, the launch command
 * uses it only while it is current, and a JVM told to require it ({@code -Xshare:on}, which fails
 * instead of falling back) starts the bank with it.
 */
class BankJvmIT {
  private static final Path BANK_JAR =
      Path.of(
          System.getProperty("bank.jar", "../bank-demo/target/bank-demo-0.1.0-SNAPSHOT-all.jar"));

  @Test
  @Timeout(180)
  void trainingWritesAnArchiveThatTheBankStartsWith(@TempDir Path dir) throws Exception {
    assertThat(BANK_JAR).as("bank-demo shaded jar").exists();
    Path jar = Files.copy(BANK_JAR, dir.resolve("bank.jar"));
    Path java = ProcessRuntimeConfig.currentJavaBinary();
    assertThat(BankJvm.command(java, jar)).noneMatch(a -> a.startsWith("-XX:SharedArchiveFile"));

    assertThat(BankJvm.ensureArchive(java, jar, Duration.ofSeconds(120)))
        .contains(BankJvm.archiveOf(jar));
    assertThat(BankJvm.archiveOf(jar)).isNotEmptyFile();
    List<String> command = BankJvm.command(java, jar);
    assertThat(command)
        .contains("-XX:SharedArchiveFile=" + BankJvm.archiveOf(jar), "-XX:TieredStopAtLevel=1");

    // the same start-up path once more, now required to map the archive
    List<String> strict = new ArrayList<>(command);
    strict.add(1, "-Xshare:on");
    strict.add("--cds-training");
    Process p = new ProcessBuilder(strict).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();

    // a rebuilt jar makes the archive stale: launched without it until trained again
    Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(5)));
    assertThat(BankJvm.archiveCurrent(jar)).isFalse();
    assertThat(BankJvm.command(java, jar)).noneMatch(a -> a.startsWith("-XX:SharedArchiveFile"));
  }
}
