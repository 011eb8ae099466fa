package com.bankops.bank.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The bank's own meters, declared once. In Prometheus: {@code bank_transfers_total{outcome}},
 * {@code bank_deposits_total{outcome}}, {@code bank_accounts_opened_total{outcome}}, {@code
 * bank_faults_injected_total}.
 */
public final class BankMeters {
  private final MeterRegistry registry;

  public BankMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Counts one write by kind ({@code transfers}, ...) and outcome ({@code committed}, ...). */
  void write(String kind, int status, boolean replayed) {
    String outcome =
        replayed ? "replayed" : status >= 200 && status < 300 ? "committed" : "refused";
    Counter.builder("bank." + kind)
        .description("bank " + kind + " by outcome")
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  void failed(String kind) {
    Counter.builder("bank." + kind)
        .description("bank " + kind + " by outcome")
        .tag("outcome", "failed")
        .register(registry)
        .increment();
  }
}
