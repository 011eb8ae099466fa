package com.bankops.bank.domain;

/**
 * One line of an account's history. {@code amount} is signed: credits positive, debits negative.
 * {@code transferId} is empty for entries that belong to no transfer.
 */
public record LedgerEntry(
    String id, String kind, long amount, long balanceAfter, String transferId, String createdAt) {
  public static final String OPENING = "opening";
  public static final String DEPOSIT = "deposit";
  public static final String TRANSFER_IN = "transfer_in";
  public static final String TRANSFER_OUT = "transfer_out";
}
