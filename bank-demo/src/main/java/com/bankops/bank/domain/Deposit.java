package com.bankops.bank.domain;

/** A committed deposit and the balance it left. */
public record Deposit(String id, String accountId, long amount, long balance) {}
