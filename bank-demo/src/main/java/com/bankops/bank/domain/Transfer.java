package com.bankops.bank.domain;

/** A committed transfer. */
public record Transfer(String id, String from, String to, long amount) {}
