package com.bankops.balancer.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CanarySplitTest {

  private static List<String> randomKeys(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<String> keys = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      keys.add(CanarySplit.newClientKey(random));
    }
    return keys;
  }

  @ParameterizedTest(name = "murmur3(\"{0}\", seed {1}) = {2}")
  @CsvSource({
    "'', 0, 0x00000000",
    "'', 1, 0x514E28B7",
    "'The quick brown fox jumps over the lazy dog', 0, 0x2E4FF723",
    "'Hello, world!', 1234, 0xFAF6CDB3",
  })
  void murmur3MatchesReferenceVectors(String input, int seed, String expectedHex) {
    int expected = Integer.parseUnsignedInt(expectedHex.substring(2), 16);
    assertThat(CanarySplit.murmur3x86_32(input.getBytes(StandardCharsets.UTF_8), seed))
        .isEqualTo(expected);
  }

  /** Changing these moves users between versions: the hash is part of the contract. */
  @ParameterizedTest(name = "bucketOf({0}) = {1}")
  @CsvSource({"alice, 2981", "bob, 6576", "'', 0", "ünïcode-ключ, 1464"})
  void bucketsAreStable(String key, String expected) {
    assertThat(CanarySplit.bucketOf(key)).isEqualTo(Integer.parseInt(expected));
  }

  @ParameterizedTest(name = "{0} bp of 100,000 random keys")
  @CsvSource({"1", "100", "1000", "5000", "9000", "10000"})
  void shareIsWithinThreeTenthsOfAPointOfTheTarget(int basisPoints) {
    List<String> keys = randomKeys(100_000, 42);
    long inCanary = keys.stream().filter(k -> CanarySplit.inCanary(k, basisPoints)).count();
    double sharePercent = inCanary * 100.0 / keys.size();
    assertThat(sharePercent).isCloseTo(basisPoints / 100.0, offset(0.3));
  }

  @Test
  void sequentialIdsSpreadLikeRandomOnes() {
    // Client ids such as "user-1", "user-2" must not cluster into neighbouring buckets.
    int inCanary = 0;
    for (int i = 0; i < 100_000; i++) {
      if (CanarySplit.inCanary("user-" + i, 1000)) {
        inCanary++;
      }
    }
    assertThat(inCanary / 1000.0).isBetween(9.7, 10.3);
  }

  @Test
  void oneBasisPointSelectsBucketZeroOnly() {
    assertThat(CanarySplit.inCanary(0, 1)).isTrue();
    assertThat(CanarySplit.inCanary(1, 1)).isFalse();
    long inCanary = randomKeys(100_000, 7).stream().filter(k -> CanarySplit.inCanary(k, 1)).count();
    // Binomial(100000, 1e-4): mean 10, sd 3.2.
    assertThat(inCanary).isBetween(1L, 25L);
  }

  @Test
  void raisingTheShareNeverMovesAKeyBackToStable() {
    int[] shares = {0, 1, 2, 10, 50, 100, 250, 500, 1000, 2500, 5000, 7500, 9999, 10000};
    for (String key : randomKeys(20_000, 3)) {
      boolean wasCanary = false;
      for (int share : shares) {
        boolean canary = CanarySplit.inCanary(key, share);
        assertThat(!wasCanary || canary).as("key %s at share %d", key, share).isTrue();
        wasCanary = canary;
      }
      assertThat(wasCanary).isTrue(); // 100% takes everyone
    }
  }

  @Test
  void bucketsCoverTheWholeRange() {
    boolean[] seen = new boolean[CanarySplit.BUCKETS];
    int distinct = 0;
    for (String key : randomKeys(200_000, 11)) {
      int b = CanarySplit.bucketOf(key);
      assertThat(b).isBetween(0, 9999);
      if (!seen[b]) {
        seen[b] = true;
        distinct++;
      }
    }
    assertThat(distinct).isEqualTo(CanarySplit.BUCKETS);
  }

  @Test
  void newClientKeysAreThirtyTwoHexDigitsAndDiffer() {
    SplittableRandom random = new SplittableRandom(1);
    String a = CanarySplit.newClientKey(random);
    String b = CanarySplit.newClientKey(random);
    assertThat(a).matches("[0-9a-f]{32}");
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void newClientKeysAreTheDigitsHexFormatGivesForTheSameTwoLongs() {
    SplittableRandom keys = new SplittableRandom(7);
    SplittableRandom longs = new SplittableRandom(7);
    java.util.HexFormat hex = java.util.HexFormat.of();
    for (int i = 0; i < 1000; i++) {
      String expected = hex.toHexDigits(longs.nextLong()) + hex.toHexDigits(longs.nextLong());
      assertThat(CanarySplit.newClientKey(keys)).isEqualTo(expected);
    }
  }

  @Test
  void asciiKeysHashFromTheirCharsAsFromTheirUtf8Bytes() {
    SplittableRandom random = new SplittableRandom(3);
    for (int len = 0; len <= 70; len++) {
      for (int round = 0; round < 50; round++) {
        char[] chars = new char[len];
        for (int i = 0; i < len; i++) {
          chars[i] = (char) random.nextInt(0x80);
        }
        String key = new String(chars);
        assertThat(CanarySplit.murmur3x86_32(key, 99))
            .as("key of length %d", len)
            .isEqualTo(CanarySplit.murmur3x86_32(key.getBytes(StandardCharsets.UTF_8), 99));
      }
    }
  }

  @ParameterizedTest(name = "inCanary({0}, {1}) → {2}")
  @CsvSource({
    "-1, 0, bucket",
    "10000, 0, bucket",
    "0, -1, canaryBasisPoints",
    "0, 10001, canaryBasisPoints",
  })
  void rejectsOutOfRangeArgumentsNamingTheField(int bucket, int share, String field) {
    assertThatThrownBy(() -> CanarySplit.inCanary(bucket, share))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(field + ":");
  }
}
