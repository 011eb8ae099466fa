package com.bankops.bank.store;

/**
 * A finished answer as it is stored with an Idempotency-Key: status and JSON body text. {@code
 * replayed} is true when the answer was read back from an earlier request with the same key.
 */
public record Reply(int status, String body, boolean replayed) {}
