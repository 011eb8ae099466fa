package com.bankops.balancer.routing;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Sticky canary split. A client key hashes to a bucket in 0..9999; buckets below the canary share
 * (in basis points) go to the canary pool:
 *
 * <pre>
 * share 100 bp (1%)   : buckets    0..99   → canary
 * share 1000 bp (10%) : buckets    0..999  → canary   (0..99 stay canary: nobody bounces back)
 * </pre>
 *
 * The bucket of a key never changes (fixed hash and seed), so raising the share only moves new
 * buckets in. Changing {@link #SEED} or the hash would reshuffle every user: a golden test pins it.
 */
public final class CanarySplit {
  /** Number of buckets; equal to the basis points of 100%. */
  public static final int BUCKETS = 10_000;

  /** Fixed murmur3 seed; part of the contract with clients already holding a cookie. */
  static final int SEED = 0;

  private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  private CanarySplit() {}

  /** The bucket 0..9999 of a client key (murmur3 x86 32-bit over its UTF-8 bytes). */
  public static int bucketOf(String clientKey) {
    Objects.requireNonNull(clientKey, "clientKey");
    // ASCII keys (cookies we set, most X-Client-Ids) hash from their chars: the same bytes as
    // UTF-8, without a byte[] per request
    int hash =
        isAscii(clientKey)
            ? murmur3x86_32(clientKey, SEED)
            : murmur3x86_32(clientKey.getBytes(StandardCharsets.UTF_8), SEED);
    // Multiply-shift maps the unsigned 32-bit hash onto 0..BUCKETS-1 without a modulo's skew
    // towards low buckets (here under 1e-6 anyway) and uses the best-mixed high bits.
    return (int) (((hash & 0xFFFF_FFFFL) * BUCKETS) >>> 32);
  }

  /** Whether a bucket belongs to the canary at the given share. */
  public static boolean inCanary(int bucket, int canaryBasisPoints) {
    if (bucket < 0 || bucket >= BUCKETS) {
      throw new IllegalArgumentException("bucket: " + bucket + " (expected: 0..9999)");
    }
    if (canaryBasisPoints < 0 || canaryBasisPoints > BUCKETS) {
      throw new IllegalArgumentException(
          "canaryBasisPoints: " + canaryBasisPoints + " (expected: 0..10000)");
    }
    return bucket < canaryBasisPoints;
  }

  /** Convenience: {@code inCanary(bucketOf(clientKey), canaryBasisPoints)}. */
  public static boolean inCanary(String clientKey, int canaryBasisPoints) {
    return inCanary(bucketOf(clientKey), canaryBasisPoints);
  }

  /** A fresh client key for the {@code bank_canary} cookie: 128 random bits as 32 hex digits. */
  public static String newClientKey(RandomGenerator random) {
    Objects.requireNonNull(random, "random");
    // the same 32 digits HexFormat would give (high nibble first), one byte[] and one String
    byte[] digits = new byte[32];
    long hi = random.nextLong();
    long lo = random.nextLong();
    for (int i = 15; i >= 0; i--) {
      digits[i] = HEX_DIGITS[(int) (hi & 0xf)];
      digits[16 + i] = HEX_DIGITS[(int) (lo & 0xf)];
      hi >>>= 4;
      lo >>>= 4;
    }
    return new String(digits, StandardCharsets.ISO_8859_1);
  }

  private static boolean isAscii(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** {@link #murmur3x86_32(byte[], int)} over an ASCII string's chars (each one byte). */
  static int murmur3x86_32(String ascii, int seed) {
    final int c1 = 0xcc9e2d51;
    final int c2 = 0x1b873593;
    int h1 = seed;
    int len = ascii.length();
    int i = 0;
    for (; i + 4 <= len; i += 4) {
      int k1 =
          ascii.charAt(i)
              | ascii.charAt(i + 1) << 8
              | ascii.charAt(i + 2) << 16
              | ascii.charAt(i + 3) << 24;
      k1 *= c1;
      k1 = Integer.rotateLeft(k1, 15);
      k1 *= c2;
      h1 ^= k1;
      h1 = Integer.rotateLeft(h1, 13);
      h1 = h1 * 5 + 0xe6546b64;
    }
    int k1 = 0;
    int tail = len & 3;
    if (tail == 3) {
      k1 ^= ascii.charAt(i + 2) << 16;
    }
    if (tail >= 2) {
      k1 ^= ascii.charAt(i + 1) << 8;
    }
    if (tail >= 1) {
      k1 ^= ascii.charAt(i);
      k1 *= c1;
      k1 = Integer.rotateLeft(k1, 15);
      k1 *= c2;
      h1 ^= k1;
    }
    return fmix(h1, len);
  }

  /** MurmurHash3 x86 32-bit (Austin Appleby, public domain), little-endian blocks. */
  static int murmur3x86_32(byte[] data, int seed) {
    final int c1 = 0xcc9e2d51;
    final int c2 = 0x1b873593;
    int h1 = seed;
    int len = data.length;
    int i = 0;
    for (; i + 4 <= len; i += 4) {
      int k1 =
          (data[i] & 0xff)
              | (data[i + 1] & 0xff) << 8
              | (data[i + 2] & 0xff) << 16
              | (data[i + 3] & 0xff) << 24;
      k1 *= c1;
      k1 = Integer.rotateLeft(k1, 15);
      k1 *= c2;
      h1 ^= k1;
      h1 = Integer.rotateLeft(h1, 13);
      h1 = h1 * 5 + 0xe6546b64;
    }
    int k1 = 0;
    int tail = len & 3;
    if (tail == 3) {
      k1 ^= (data[i + 2] & 0xff) << 16;
    }
    if (tail >= 2) {
      k1 ^= (data[i + 1] & 0xff) << 8;
    }
    if (tail >= 1) {
      k1 ^= data[i] & 0xff;
      k1 *= c1;
      k1 = Integer.rotateLeft(k1, 15);
      k1 *= c2;
      h1 ^= k1;
    }
    return fmix(h1, len);
  }

  private static int fmix(int h1, int len) {
    h1 ^= len;
    h1 ^= h1 >>> 16;
    h1 *= 0x85ebca6b;
    h1 ^= h1 >>> 13;
    h1 *= 0xc2b2ae35;
    h1 ^= h1 >>> 16;
    return h1;
  }
}
