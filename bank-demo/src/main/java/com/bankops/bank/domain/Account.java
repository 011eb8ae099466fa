package com.bankops.bank.domain;

/** An account as clients see it. */
public record Account(String id, String owner, long balance) {}
