package com.bankops.bank.domain;

import java.util.Map;

/** A validated request to open an account. */
public record NewAccount(String owner, long initialBalance) {

  public static NewAccount from(Map<String, ?> body) {
    String owner = Fields.text(body, "owner");
    long initialBalance = MinorUnits.nonNegative(body, "initialBalance");
    return new NewAccount(owner, initialBalance);
  }

  /** What an Idempotency-Key is bound to: a replay must carry the same request. */
  public String fingerprint() {
    return "POST /accounts owner=" + owner + " initialBalance=" + initialBalance;
  }
}
