-- Keys are swept once they are older than the retention (BankServer.IDEMPOTENCY_RETENTION);
-- the index keeps that sweep from scanning the whole table.
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
