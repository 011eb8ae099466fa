package com.bankops.bank.domain;

import java.util.Map;

/** A validated request to move {@code amount} from one account to another. */
public record TransferRequest(String from, String to, long amount) {

  public static TransferRequest from(Map<String, ?> body) {
    String from = Fields.text(body, "from");
    String to = Fields.text(body, "to");
    long amount = MinorUnits.positive(body, "amount");
    if (from.equals(to)) {
      throw BankException.invalid("to", "to must name a different account than from");
    }
    return new TransferRequest(from, to, amount);
  }

  public String fingerprint() {
    return "POST /transfers from=" + from + " to=" + to + " amount=" + amount;
  }
}
