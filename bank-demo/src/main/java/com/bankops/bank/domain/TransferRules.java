package com.bankops.bank.domain;

/**
 * The arithmetic of moving money, applied to balances read under row locks. Pure: the store reads
 * and writes, these rules decide.
 */
public final class TransferRules {
  private TransferRules() {}

  /** New balances after the transfer, or why it cannot happen. */
  public record Balances(long from, long to) {}

  /**
   * Debits {@code fromBalance} and credits {@code toBalance} by {@code amount}.
   *
   * @throws BankException INSUFFICIENT_FUNDS when the debit would go below zero, or
   *     BALANCE_LIMIT_EXCEEDED when the credit would pass {@link MinorUnits#MAX_BALANCE}
   */
  public static Balances transfer(long fromBalance, long toBalance, long amount) {
    requirePositive(amount);
    if (fromBalance < amount) {
      throw new BankException(
          Problem.INSUFFICIENT_FUNDS,
          "amount",
          "insufficient funds: balance " + fromBalance + " is below amount " + amount);
    }
    return new Balances(fromBalance - amount, credit(toBalance, amount));
  }

  /** The balance after crediting {@code amount}. */
  public static long credit(long balance, long amount) {
    requirePositive(amount);
    if (balance > MinorUnits.MAX_BALANCE - amount) {
      throw new BankException(
          Problem.BALANCE_LIMIT_EXCEEDED,
          "amount",
          "the credit would take the balance above " + MinorUnits.MAX_BALANCE + " minor units");
    }
    return balance + amount;
  }

  private static void requirePositive(long amount) {
    if (amount <= 0) {
      throw new IllegalArgumentException("amount: " + amount + " (expected: > 0)");
    }
  }
}
