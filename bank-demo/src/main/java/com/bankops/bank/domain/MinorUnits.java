package com.bankops.bank.domain;

import java.util.Map;

/**
 * Money as a {@code long} count of minor units (cents). Amounts arrive as decoded JSON values and
 * only integral JSON numbers are accepted: {@code 1.5}, {@code 1.0}, {@code "10"} and {@code true}
 * are refused, never rounded or coerced.
 */
public final class MinorUnits {
  /**
   * Largest amount one request may move: 10^15 minor units (ten trillion in a 2-decimal currency).
   */
  public static final long MAX_AMOUNT = 1_000_000_000_000_000L;

  /**
   * Largest balance an account may hold; far below {@code Long.MAX_VALUE}, so sums cannot overflow.
   */
  public static final long MAX_BALANCE = 100 * MAX_AMOUNT;

  private MinorUnits() {}

  /** A strictly positive amount, as for deposits and transfers. */
  public static long positive(Map<String, ?> body, String field) {
    long value = integral(body, field);
    if (value <= 0) {
      throw BankException.invalid(field, field + " must be a positive integer (minor units)");
    }
    return value;
  }

  /** A zero or positive amount, as for an opening balance. */
  public static long nonNegative(Map<String, ?> body, String field) {
    long value = integral(body, field);
    if (value < 0) {
      throw BankException.invalid(field, field + " must be a non-negative integer (minor units)");
    }
    return value;
  }

  private static long integral(Map<String, ?> body, String field) {
    Object raw = body.get(field);
    if (raw == null) {
      throw BankException.missing(field);
    }
    // Integer and Long are what a JSON decoder yields for integral literals that fit a long;
    // Double/BigDecimal (a fraction or exponent) and BigInteger (too large) are refused.
    if (!(raw instanceof Integer || raw instanceof Long || raw instanceof Short)) {
      throw BankException.invalid(field, field + " must be an integer number of minor units");
    }
    long value = ((Number) raw).longValue();
    if (value > MAX_AMOUNT) {
      throw BankException.invalid(field, field + " must be at most " + MAX_AMOUNT + " minor units");
    }
    return value;
  }
}
