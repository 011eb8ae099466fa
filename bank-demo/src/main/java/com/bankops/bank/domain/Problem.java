package com.bankops.bank.domain;

/**
 * Why a request was refused. The api layer maps each to one HTTP status; the domain never speaks
 * HTTP.
 */
public enum Problem {
  /** A field is present but its value breaks a rule (400). */
  INVALID_FIELD("invalid_field"),
  /** A required field is absent or null (400). */
  MISSING_FIELD("missing_field"),
  /** The named account does not exist (404). */
  ACCOUNT_NOT_FOUND("account_not_found"),
  /** The debit would take the balance below zero (422). */
  INSUFFICIENT_FUNDS("insufficient_funds"),
  /** The credit would take the balance above {@link MinorUnits#MAX_BALANCE} (422). */
  BALANCE_LIMIT_EXCEEDED("balance_limit_exceeded"),
  /** The same Idempotency-Key was sent before with a different request (422). */
  IDEMPOTENCY_KEY_REUSED("idempotency_key_reused");

  private final String code;

  Problem(String code) {
    this.code = code;
  }

  /** The stable machine-readable code clients see in the {@code error} field. */
  public String code() {
    return code;
  }
}
