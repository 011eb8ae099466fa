package com.bankops.bank.chaos;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Applies {@link FaultPolicy} in front of the business routes: the delay runs on a timer (the event
 * loop is never blocked) and an injected failure answers 500 before any database work.
 */
public final class FaultInjectionHandler implements Handler<RoutingContext> {
  private final FaultPolicy policy;

  public FaultInjectionHandler(FaultPolicy policy) {
    this.policy = policy;
  }

  @Override
  public void handle(RoutingContext ctx) {
    FaultPolicy.Fault fault = policy.decide();
    if (fault.delayMillis() > 0) {
      ctx.vertx().setTimer(fault.delayMillis(), id -> apply(ctx, fault));
    } else {
      apply(ctx, fault);
    }
  }

  private static void apply(RoutingContext ctx, FaultPolicy.Fault fault) {
    if (ctx.response().closed() || ctx.response().ended()) {
      return;
    }
    if (fault.fail()) {
      ctx.response()
          .setStatusCode(500)
          .putHeader("Content-Type", "application/json")
          .end(
              new JsonObject()
                  .put("error", "injected_fault")
                  .put("message", "fault injected by BANK_FAULT_ERROR_RATE")
                  .encode());
    } else {
      ctx.next();
    }
  }
}
