package com.bankops.bank.store;

import com.bankops.bank.domain.Account;
import com.bankops.bank.domain.BankException;
import com.bankops.bank.domain.Deposit;
import com.bankops.bank.domain.DepositRequest;
import com.bankops.bank.domain.IdempotencyKey;
import com.bankops.bank.domain.LedgerEntry;
import com.bankops.bank.domain.NewAccount;
import com.bankops.bank.domain.Problem;
import com.bankops.bank.domain.Transfer;
import com.bankops.bank.domain.TransferRequest;
import com.bankops.bank.domain.TransferRules;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** {@link BankStore} on the reactive PostgreSQL client. */
final class PgBankStore implements BankStore {

  private static final String CLAIM_KEY =
      "INSERT INTO idempotency_keys (key, fingerprint, status, body) VALUES ($1, $2, 0, '')"
          + " ON CONFLICT (key) DO NOTHING";
  private static final String READ_KEY =
      "SELECT fingerprint, status, body FROM idempotency_keys WHERE key = $1";
  private static final String SAVE_KEY =
      "UPDATE idempotency_keys SET status = $2, body = $3 WHERE key = $1";
  private static final String LOCK_BALANCE =
      "SELECT balance FROM accounts WHERE id = $1 FOR UPDATE";
  private static final String OPEN_ACCOUNT =
      "WITH a AS (INSERT INTO accounts (owner, balance) VALUES ($1, $2) RETURNING id, owner,"
          + " balance),"
          + " e AS (INSERT INTO entries (account_id, kind, amount, balance_after)"
          + " SELECT id, 'opening', balance, balance FROM a WHERE balance > 0)"
          + " SELECT id, owner, balance FROM a";
  private static final String DEPOSIT =
      "WITH u AS (UPDATE accounts SET balance = $2 WHERE id = $1)"
          + " INSERT INTO entries (account_id, kind, amount, balance_after)"
          + " VALUES ($1, 'deposit', $3, $2) RETURNING id";
  private static final String TRANSFER =
      "WITH t AS (INSERT INTO transfers (from_account, to_account, amount) VALUES ($1, $2, $3)"
          + " RETURNING id),"
          + " d AS (UPDATE accounts SET balance = $4 WHERE id = $1),"
          + " c AS (UPDATE accounts SET balance = $5 WHERE id = $2),"
          + " e AS (INSERT INTO entries (account_id, kind, amount, balance_after, transfer_id)"
          + " SELECT $1::text, 'transfer_out', -($3::bigint), $4::bigint, t.id FROM t"
          + " UNION ALL SELECT $2::text, 'transfer_in', $3::bigint, $5::bigint, t.id FROM t)"
          + " SELECT id FROM t";
  private static final String FIND_ACCOUNT =
      "SELECT id, owner, balance FROM accounts WHERE id = $1";
  private static final String HISTORY =
      "SELECT id, kind, amount, balance_after, coalesce(transfer_id, '') AS transfer_id,"
          + " created_at FROM entries WHERE account_id = $1 ORDER BY seq DESC LIMIT $2";

  private final Pool pool;

  /**
   * One connection of its own for {@link #ping}: readiness asks "does the database answer?", and
   * behind a full request pool's wait queue it would time out under load, so the balancer would
   * eject every busy (but working) instance at once (docs/benchmarks.md, Gatling surge).
   */
  private final Pool healthPool;

  PgBankStore(Vertx vertx, DbTarget target, int poolSize) {
    PgConnectOptions connect =
        new PgConnectOptions()
            .setHost(target.host())
            .setPort(target.port())
            .setDatabase(target.database())
            .setUser(target.user())
            .setPassword(target.password())
            .setCachePreparedStatements(true);
    this.pool =
        PgBuilder.pool()
            // A bounded wait: under overload a request fails fast with 503 (nothing was written, so
            // the balancer may retry it elsewhere) instead of queueing without limit.
            .with(
                new PoolOptions()
                    .setMaxSize(poolSize)
                    .setMaxWaitQueueSize(poolSize * WAITERS_PER_CONNECTION)
                    .setConnectionTimeout(CONNECTION_WAIT_SECONDS)
                    .setConnectionTimeoutUnit(java.util.concurrent.TimeUnit.SECONDS))
            .connectingTo(connect)
            .using(vertx)
            .build();
    this.healthPool =
        PgBuilder.pool()
            .with(new PoolOptions().setMaxSize(1).setMaxWaitQueueSize(HEALTH_WAITERS))
            .connectingTo(connect)
            .using(vertx)
            .build();
  }

  /** Readiness probes that may wait for the health connection (probes come every second or so). */
  static final int HEALTH_WAITERS = 4;

  /** Requests that may wait for a connection, per pooled connection. */
  static final int WAITERS_PER_CONNECTION = 32;

  /** How long a request waits for a pooled connection before it is refused. */
  static final int CONNECTION_WAIT_SECONDS = 5;

  @Override
  public Future<Reply> openAccount(
      NewAccount request, Optional<IdempotencyKey> key, ReplyRenderer<Account> renderer) {
    return idempotent(
        key,
        request.fingerprint(),
        renderer,
        conn ->
            conn.preparedQuery(OPEN_ACCOUNT)
                .execute(Tuple.of(request.owner(), request.initialBalance()))
                .map(rows -> toAccount(rows.iterator().next())));
  }

  @Override
  public Future<Reply> deposit(
      DepositRequest request, Optional<IdempotencyKey> key, ReplyRenderer<Deposit> renderer) {
    String id = request.accountId();
    return idempotent(
        key,
        request.fingerprint(),
        renderer,
        conn ->
            lockBalance(conn, id, "id")
                .compose(
                    balance -> {
                      long after = TransferRules.credit(balance, request.amount());
                      return conn.preparedQuery(DEPOSIT)
                          .execute(Tuple.of(id, after, request.amount()))
                          .map(
                              rows ->
                                  new Deposit(
                                      rows.iterator().next().getString("id"),
                                      id,
                                      request.amount(),
                                      after));
                    }));
  }

  @Override
  public Future<Reply> transfer(
      TransferRequest request, Optional<IdempotencyKey> key, ReplyRenderer<Transfer> renderer) {
    return idempotent(key, request.fingerprint(), renderer, conn -> transfer(conn, request));
  }

  /**
   * Locks both rows in id order, whatever the direction: two opposite transfers between A and B
   * both lock A then B, so they queue instead of deadlocking.
   */
  private Future<Transfer> transfer(SqlConnection conn, TransferRequest request) {
    boolean fromFirst = request.from().compareTo(request.to()) < 0;
    String firstId = fromFirst ? request.from() : request.to();
    String secondId = fromFirst ? request.to() : request.from();
    String firstField = fromFirst ? "from" : "to";
    String secondField = fromFirst ? "to" : "from";
    return lockBalance(conn, firstId, firstField)
        .compose(
            first ->
                lockBalance(conn, secondId, secondField)
                    .compose(
                        second -> {
                          long fromBalance = fromFirst ? first : second;
                          long toBalance = fromFirst ? second : first;
                          TransferRules.Balances after =
                              TransferRules.transfer(fromBalance, toBalance, request.amount());
                          return conn.preparedQuery(TRANSFER)
                              .execute(
                                  Tuple.of(
                                      request.from(),
                                      request.to(),
                                      request.amount(),
                                      after.from(),
                                      after.to()))
                              .map(
                                  rows ->
                                      new Transfer(
                                          rows.iterator().next().getString("id"),
                                          request.from(),
                                          request.to(),
                                          request.amount()));
                        }));
  }

  private static Future<Long> lockBalance(SqlConnection conn, String id, String field) {
    return conn.preparedQuery(LOCK_BALANCE)
        .execute(Tuple.of(id))
        .compose(
            rows -> {
              if (rows.size() == 0) {
                return Future.failedFuture(
                    new BankException(
                        Problem.ACCOUNT_NOT_FOUND, field, "account " + id + " does not exist"));
              }
              return Future.succeededFuture(rows.iterator().next().getLong("balance"));
            });
  }

  /**
   * Runs {@code operation} in one transaction guarded by {@code key}:
   *
   * <pre>
   * BEGIN
   *   INSERT key ... ON CONFLICT DO NOTHING   -- blocks while another transaction holds the key
   *   inserted?  run the operation, store its answer with the key
   *   conflict?  read the committed answer: same fingerprint → replay it; different → refuse
   * COMMIT
   * </pre>
   *
   * If the first holder rolls back, the waiting insert succeeds and that request does the work.
   */
  private <T> Future<Reply> idempotent(
      Optional<IdempotencyKey> key,
      String fingerprint,
      ReplyRenderer<T> renderer,
      Function<SqlConnection, Future<T>> operation) {
    return pool.withTransaction(
        conn -> {
          Future<Optional<Reply>> earlier =
              key.isPresent()
                  ? claim(conn, key.get(), fingerprint, renderer)
                  : Future.succeededFuture(Optional.empty());
          return earlier.compose(
              found -> {
                if (found.isPresent()) {
                  return Future.succeededFuture(found.get());
                }
                Future<Reply> reply =
                    operation
                        .apply(conn)
                        .map(renderer::ok)
                        .recover(
                            err ->
                                err instanceof BankException
                                    ? Future.succeededFuture(renderer.refused((BankException) err))
                                    : Future.failedFuture(err));
                if (key.isEmpty()) {
                  return reply;
                }
                return reply.compose(
                    r ->
                        conn.preparedQuery(SAVE_KEY)
                            .execute(Tuple.of(key.get().value(), r.status(), r.body()))
                            .map(r));
              });
        });
  }

  private static <T> Future<Optional<Reply>> claim(
      SqlConnection conn, IdempotencyKey key, String fingerprint, ReplyRenderer<T> renderer) {
    return conn.preparedQuery(CLAIM_KEY)
        .execute(Tuple.of(key.value(), fingerprint))
        .compose(
            inserted -> {
              if (inserted.rowCount() == 1) {
                return Future.succeededFuture(Optional.<Reply>empty());
              }
              return conn.preparedQuery(READ_KEY)
                  .execute(Tuple.of(key.value()))
                  .map(
                      rows -> {
                        Row row = rows.iterator().next();
                        if (!fingerprint.equals(row.getString("fingerprint"))) {
                          return Optional.of(
                              renderer.refused(IdempotencyKey.reusedWithDifferentRequest()));
                        }
                        return Optional.of(
                            new Reply(row.getInteger("status"), row.getString("body"), true));
                      });
            });
  }

  @Override
  public Future<Optional<Account>> findAccount(String id) {
    return pool.preparedQuery(FIND_ACCOUNT)
        .execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toAccount(first(rows))));
  }

  @Override
  public Future<Optional<List<LedgerEntry>>> history(String accountId, int limit) {
    return findAccount(accountId)
        .compose(
            account -> {
              if (account.isEmpty()) {
                return Future.succeededFuture(Optional.empty());
              }
              return pool.preparedQuery(HISTORY)
                  .execute(Tuple.of(accountId, limit))
                  .map(
                      rows -> {
                        List<LedgerEntry> entries = new ArrayList<>(rows.size());
                        for (Row row : rows) {
                          entries.add(
                              new LedgerEntry(
                                  row.getString("id"),
                                  row.getString("kind"),
                                  row.getLong("amount"),
                                  row.getLong("balance_after"),
                                  row.getString("transfer_id"),
                                  row.getOffsetDateTime("created_at").toString()));
                        }
                        return Optional.of(List.copyOf(entries));
                      });
            });
  }

  @Override
  public Future<Void> ping() {
    return healthPool.query("SELECT 1").execute().mapEmpty();
  }

  @Override
  public Future<Optional<String>> appliedSchemaVersion() {
    return pool.query(
            "SELECT version, success FROM flyway_schema_history"
                + " WHERE version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1")
        .execute()
        .map(
            rows -> {
              if (rows.size() == 0) {
                return Optional.<String>empty();
              }
              Row row = rows.iterator().next();
              return Boolean.TRUE.equals(row.getBoolean("success"))
                  ? Optional.of(row.getString("version"))
                  : Optional.<String>empty();
            })
        // 42P01: no history table yet, a fresh database
        .recover(
            err ->
                err instanceof io.vertx.pgclient.PgException pg && "42P01".equals(pg.getSqlState())
                    ? Future.succeededFuture(Optional.empty())
                    : Future.failedFuture(err));
  }

  @Override
  public Future<Integer> expireIdempotencyKeys(java.time.Duration olderThan) {
    return pool.preparedQuery(
            "DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => $1)")
        .execute(io.vertx.sqlclient.Tuple.of((double) olderThan.toSeconds()))
        .map(RowSet::rowCount);
  }

  @Override
  public Future<Void> close() {
    return Future.join(pool.close(), healthPool.close()).mapEmpty();
  }

  private static Row first(RowSet<Row> rows) {
    return rows.iterator().next();
  }

  private static Account toAccount(Row row) {
    return new Account(row.getString("id"), row.getString("owner"), row.getLong("balance"));
  }
}
