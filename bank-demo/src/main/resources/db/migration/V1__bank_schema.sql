-- Accounts hold the current balance; entries are the history that explains it.
CREATE TABLE accounts (
  id         TEXT PRIMARY KEY DEFAULT gen_random_uuid()::text,
  owner      TEXT NOT NULL,
  balance    BIGINT NOT NULL CONSTRAINT accounts_balance_not_negative CHECK (balance >= 0),
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE transfers (
  id           TEXT PRIMARY KEY DEFAULT gen_random_uuid()::text,
  from_account TEXT NOT NULL REFERENCES accounts (id),
  to_account   TEXT NOT NULL REFERENCES accounts (id),
  amount       BIGINT NOT NULL CHECK (amount > 0),
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  CONSTRAINT transfers_distinct_accounts CHECK (from_account <> to_account)
);

-- amount is signed: credits positive, debits negative; seq orders one account's history.
CREATE TABLE entries (
  id            TEXT PRIMARY KEY DEFAULT gen_random_uuid()::text,
  seq           BIGSERIAL NOT NULL,
  account_id    TEXT NOT NULL REFERENCES accounts (id),
  kind          TEXT NOT NULL CHECK (kind IN ('opening', 'deposit', 'transfer_in', 'transfer_out')),
  amount        BIGINT NOT NULL,
  balance_after BIGINT NOT NULL,
  transfer_id   TEXT REFERENCES transfers (id),
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX entries_account_seq ON entries (account_id, seq DESC);

-- One row per Idempotency-Key, written in the same transaction as the operation it guards.
CREATE TABLE idempotency_keys (
  key         TEXT PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  status      INT NOT NULL,
  body        TEXT NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
