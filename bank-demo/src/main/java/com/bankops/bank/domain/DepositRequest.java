package com.bankops.bank.domain;

import java.util.Map;

/** A validated request to credit {@code amount} to account {@code accountId}. */
public record DepositRequest(String accountId, long amount) {

  public static DepositRequest from(String accountId, Map<String, ?> body) {
    return new DepositRequest(accountId, MinorUnits.positive(body, "amount"));
  }

  public String fingerprint() {
    return "POST /accounts/" + accountId + "/deposits amount=" + amount;
  }
}
