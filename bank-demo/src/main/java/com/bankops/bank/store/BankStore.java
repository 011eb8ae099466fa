package com.bankops.bank.store;

import com.bankops.bank.domain.Account;
import com.bankops.bank.domain.Deposit;
import com.bankops.bank.domain.DepositRequest;
import com.bankops.bank.domain.IdempotencyKey;
import com.bankops.bank.domain.LedgerEntry;
import com.bankops.bank.domain.NewAccount;
import com.bankops.bank.domain.Transfer;
import com.bankops.bank.domain.TransferRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Optional;

/**
 * The bank's state, all of it in PostgreSQL. Each write is one database transaction; with an
 * Idempotency-Key, the key, the request fingerprint and the rendered answer are stored in that same
 * transaction, so a replay anywhere (any instance) sees either nothing or the finished answer.
 *
 * <p>Refusals (unknown account, insufficient funds) complete the future successfully with the
 * renderer's refusal; a failed future means the database failed and nothing was written.
 */
public interface BankStore {

  /** Opens a pool of {@code poolSize} connections to {@code target} on {@code vertx}. */
  static BankStore postgres(Vertx vertx, DbTarget target, int poolSize) {
    return new PgBankStore(vertx, target, poolSize);
  }

  Future<Reply> openAccount(
      NewAccount request, Optional<IdempotencyKey> key, ReplyRenderer<Account> renderer);

  Future<Reply> deposit(
      DepositRequest request, Optional<IdempotencyKey> key, ReplyRenderer<Deposit> renderer);

  Future<Reply> transfer(
      TransferRequest request, Optional<IdempotencyKey> key, ReplyRenderer<Transfer> renderer);

  Future<Optional<Account>> findAccount(String id);

  /**
   * The newest {@code limit} entries of an account, newest first; empty when there is no account.
   */
  Future<Optional<List<LedgerEntry>>> history(String accountId, int limit);

  /** Completes when the database answers a query. */
  Future<Void> ping();

  /**
   * The newest migration Flyway recorded, when it succeeded; empty when there is no history table
   * yet or the newest attempt failed. One query on the pool, so it also opens the first connection.
   */
  Future<Optional<String>> appliedSchemaVersion();

  /**
   * Forgets idempotency keys stored longer ago than {@code olderThan}; a replay after that is a new
   * request. Completes with the number of keys removed.
   */
  Future<Integer> expireIdempotencyKeys(java.time.Duration olderThan);

  Future<Void> close();
}
