package com.bankops.bank.domain;

import java.util.Optional;

/** The client's token that makes a write happen at most once. */
public record IdempotencyKey(String value) {
  public static final String HEADER = "Idempotency-Key";
  public static final int MAX_LENGTH = 255;

  /**
   * Parses the header value; absent means the request is not idempotent.
   *
   * @throws BankException INVALID_FIELD naming the header when the value is empty, too long or not
   *     visible ASCII
   */
  public static Optional<IdempotencyKey> parse(String header) {
    if (header == null) {
      return Optional.empty();
    }
    if (header.isEmpty() || header.length() > MAX_LENGTH) {
      throw BankException.invalid(
          HEADER, HEADER + " must be 1.." + MAX_LENGTH + " visible ASCII characters");
    }
    for (int i = 0; i < header.length(); i++) {
      char c = header.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw BankException.invalid(
            HEADER, HEADER + " must be 1.." + MAX_LENGTH + " visible ASCII characters");
      }
    }
    return Optional.of(new IdempotencyKey(header));
  }

  /** The answer when a key is replayed with a request that differs from the first. */
  public static BankException reusedWithDifferentRequest() {
    return new BankException(
        Problem.IDEMPOTENCY_KEY_REUSED,
        HEADER,
        HEADER + " was already used with a different request");
  }
}
