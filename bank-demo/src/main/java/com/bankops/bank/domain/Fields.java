package com.bankops.bank.domain;

import java.util.Map;

/**
 * Reads non-money fields of a decoded JSON body with the same error shape as {@link MinorUnits}.
 */
final class Fields {
  static final int MAX_TEXT_LENGTH = 200;

  private Fields() {}

  static String text(Map<String, ?> body, String field) {
    Object raw = body.get(field);
    if (raw == null) {
      throw BankException.missing(field);
    }
    if (!(raw instanceof String)) {
      throw BankException.invalid(field, field + " must be a string");
    }
    String value = ((String) raw).strip();
    if (value.isEmpty()) {
      throw BankException.invalid(field, field + " must not be blank");
    }
    if (value.length() > MAX_TEXT_LENGTH) {
      throw BankException.invalid(
          field, field + " must be at most " + MAX_TEXT_LENGTH + " characters");
    }
    return value;
  }
}
