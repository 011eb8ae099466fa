package com.bankops.bank.api;

import com.bankops.bank.domain.BankException;
import com.bankops.bank.domain.DepositRequest;
import com.bankops.bank.domain.IdempotencyKey;
import com.bankops.bank.domain.LedgerEntry;
import com.bankops.bank.domain.NewAccount;
import com.bankops.bank.domain.Problem;
import com.bankops.bank.store.BankStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Optional;

/** {@code /accounts} routes: open, read, deposit, history. */
final class AccountHandlers {
  static final int DEFAULT_HISTORY_LIMIT = 100;
  static final int MAX_HISTORY_LIMIT = 1000;

  private final BankStore store;
  private final ErrorMapper errors;
  private final BankMeters meters;

  AccountHandlers(BankStore store, ErrorMapper errors, BankMeters meters) {
    this.store = store;
    this.errors = errors;
    this.meters = meters;
  }

  void open(RoutingContext ctx) {
    Map<String, Object> body = JsonBodies.object(ctx);
    NewAccount request = NewAccount.from(body);
    Optional<IdempotencyKey> key =
        IdempotencyKey.parse(ctx.request().getHeader(IdempotencyKey.HEADER));
    store
        .openAccount(request, key, Replies.ACCOUNT)
        .onSuccess(
            reply -> {
              meters.write("accounts.opened", reply.status(), reply.replayed());
              Replies.send(ctx, reply);
            })
        .onFailure(
            err -> {
              meters.failed("accounts.opened");
              errors.send(ctx, err);
            });
  }

  void get(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    store
        .findAccount(id)
        .onSuccess(
            account -> {
              if (account.isEmpty()) {
                errors.send(ctx, notFound(id));
                return;
              }
              ctx.response()
                  .putHeader("Content-Type", BankRouter.JSON)
                  .end(Replies.account(account.get()).encode());
            })
        .onFailure(err -> errors.send(ctx, err));
  }

  void deposit(RoutingContext ctx) {
    Map<String, Object> body = JsonBodies.object(ctx);
    DepositRequest request = DepositRequest.from(ctx.pathParam("id"), body);
    Optional<IdempotencyKey> key =
        IdempotencyKey.parse(ctx.request().getHeader(IdempotencyKey.HEADER));
    store
        .deposit(request, key, Replies.DEPOSIT)
        .onSuccess(
            reply -> {
              meters.write("deposits", reply.status(), reply.replayed());
              Replies.send(ctx, reply);
            })
        .onFailure(
            err -> {
              meters.failed("deposits");
              errors.send(ctx, err);
            });
  }

  void history(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    int limit = limit(ctx);
    store
        .history(id, limit)
        .onSuccess(
            entries -> {
              if (entries.isEmpty()) {
                errors.send(ctx, notFound(id));
                return;
              }
              JsonArray items = new JsonArray();
              for (LedgerEntry e : entries.get()) {
                JsonObject item =
                    new JsonObject()
                        .put("id", e.id())
                        .put("type", e.kind())
                        .put("amount", e.amount())
                        .put("balanceAfter", e.balanceAfter())
                        .put("createdAt", e.createdAt());
                if (!e.transferId().isEmpty()) {
                  item.put("transferId", e.transferId());
                }
                items.add(item);
              }
              ctx.response()
                  .putHeader("Content-Type", BankRouter.JSON)
                  .end(new JsonObject().put("accountId", id).put("transactions", items).encode());
            })
        .onFailure(err -> errors.send(ctx, err));
  }

  private static int limit(RoutingContext ctx) {
    String raw = ctx.request().getParam("limit");
    if (raw == null) {
      return DEFAULT_HISTORY_LIMIT;
    }
    try {
      int limit = Integer.parseInt(raw);
      if (limit >= 1 && limit <= MAX_HISTORY_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // fall through to the refusal
    }
    throw new RequestException(
        400, "invalid_field", "limit", "limit must be an integer 1.." + MAX_HISTORY_LIMIT);
  }

  private static BankException notFound(String id) {
    return new BankException(Problem.ACCOUNT_NOT_FOUND, "id", "account " + id + " does not exist");
  }
}
