package com.bankops.bank.store;

import com.bankops.bank.domain.BankException;

/**
 * Turns the outcome of a write into the answer stored with its Idempotency-Key. The api layer owns
 * the JSON shapes; the store only keeps what it is given, inside the same transaction.
 */
public interface ReplyRenderer<T> {
  Reply ok(T value);

  Reply refused(BankException problem);
}
