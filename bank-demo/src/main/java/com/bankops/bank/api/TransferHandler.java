package com.bankops.bank.api;

import com.bankops.bank.domain.IdempotencyKey;
import com.bankops.bank.domain.TransferRequest;
import com.bankops.bank.store.BankStore;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/** {@code POST /transfers}. */
final class TransferHandler {
  private final BankStore store;
  private final ErrorMapper errors;
  private final BankMeters meters;

  TransferHandler(BankStore store, ErrorMapper errors, BankMeters meters) {
    this.store = store;
    this.errors = errors;
    this.meters = meters;
  }

  void transfer(RoutingContext ctx) {
    TransferRequest request = TransferRequest.from(JsonBodies.object(ctx));
    Optional<IdempotencyKey> key =
        IdempotencyKey.parse(ctx.request().getHeader(IdempotencyKey.HEADER));
    store
        .transfer(request, key, Replies.TRANSFER)
        .onSuccess(
            reply -> {
              meters.write("transfers", reply.status(), reply.replayed());
              Replies.send(ctx, reply);
            })
        .onFailure(
            err -> {
              meters.failed("transfers");
              errors.send(ctx, err);
            });
  }
}
