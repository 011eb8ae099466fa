package com.bankops.bank.api;

import com.bankops.bank.domain.Account;
import com.bankops.bank.domain.BankException;
import com.bankops.bank.domain.Deposit;
import com.bankops.bank.domain.Transfer;
import com.bankops.bank.store.Reply;
import com.bankops.bank.store.ReplyRenderer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/** The JSON shapes of the bank API (the contract) and how a stored {@link Reply} is sent. */
final class Replies {
  static final String REPLAYED_HEADER = "Idempotency-Replayed";

  static final ReplyRenderer<Account> ACCOUNT = renderer(201, Replies::account);
  static final ReplyRenderer<Deposit> DEPOSIT =
      renderer(
          201,
          d ->
              new JsonObject()
                  .put("id", d.id())
                  .put("accountId", d.accountId())
                  .put("amount", d.amount())
                  .put("balance", d.balance()));
  static final ReplyRenderer<Transfer> TRANSFER =
      renderer(
          201,
          t ->
              new JsonObject()
                  .put("id", t.id())
                  .put("from", t.from())
                  .put("to", t.to())
                  .put("amount", t.amount()));

  private Replies() {}

  static JsonObject account(Account a) {
    return new JsonObject().put("id", a.id()).put("owner", a.owner()).put("balance", a.balance());
  }

  static void send(RoutingContext ctx, Reply reply) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    if (reply.replayed()) {
      ctx.response().putHeader(REPLAYED_HEADER, "true");
    }
    ctx.response()
        .setStatusCode(reply.status())
        .putHeader("Content-Type", BankRouter.JSON)
        .end(reply.body());
  }

  private static <T> ReplyRenderer<T> renderer(int status, Function<T, JsonObject> shape) {
    ErrorMapper errors = new ErrorMapper();
    return new ReplyRenderer<>() {
      @Override
      public Reply ok(T value) {
        return new Reply(status, shape.apply(value).encode(), false);
      }

      @Override
      public Reply refused(BankException problem) {
        ErrorMapper.ErrorReply error = errors.map(problem);
        return new Reply(error.status(), error.body().encode(), false);
      }
    };
  }
}
