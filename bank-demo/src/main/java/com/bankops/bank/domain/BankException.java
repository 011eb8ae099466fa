package com.bankops.bank.domain;

import java.util.Objects;

/** A refused request: what went wrong, which field it concerns and a human message. */
public final class BankException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Problem problem;
  private final String field;

  public BankException(Problem problem, String field, String message) {
    super(message, null, false, false);
    this.problem = Objects.requireNonNull(problem, "problem");
    this.field = Objects.requireNonNull(field, "field");
  }

  public Problem problem() {
    return problem;
  }

  /** The request field (or header) the problem is about, e.g. {@code amount}. */
  public String field() {
    return field;
  }

  static BankException invalid(String field, String message) {
    return new BankException(Problem.INVALID_FIELD, field, message);
  }

  static BankException missing(String field) {
    return new BankException(Problem.MISSING_FIELD, field, field + " is required");
  }
}
