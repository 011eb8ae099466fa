package com.bankops.bank.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SchemaMigratorTest {
  private static final Pattern VERSIONED = Pattern.compile("V(\\d+)__.*\\.sql");

  @Test
  void latestVersionIsTheNewestMigrationShipped() throws Exception {
    Path dir = Path.of(SchemaMigrator.class.getClassLoader().getResource("db/migration").toURI());
    int newest;
    try (Stream<Path> files = Files.list(dir)) {
      newest =
          files
              .map(f -> VERSIONED.matcher(f.getFileName().toString()))
              .filter(Matcher::matches)
              .mapToInt(m -> Integer.parseInt(m.group(1)))
              .max()
              .orElseThrow();
    }
    // a new V<n>__*.sql without raising LATEST_VERSION would let instances skip applying it
    assertThat(SchemaMigrator.LATEST_VERSION).isEqualTo(Integer.toString(newest));
  }

  @Test
  void currentOnlyWhenTheNewestMigrationIsRecorded() {
    assertThat(SchemaMigrator.isCurrent(Optional.of(SchemaMigrator.LATEST_VERSION))).isTrue();
    assertThat(SchemaMigrator.isCurrent(Optional.of("1"))).isFalse();
    assertThat(SchemaMigrator.isCurrent(Optional.of("3"))).isFalse();
    assertThat(SchemaMigrator.isCurrent(Optional.empty())).isFalse();
  }
}
