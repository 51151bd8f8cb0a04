-- The durable conversation core: who writes, what she sent, what we owe her.

-- +goose Up
CREATE TABLE users (
    id           bigserial PRIMARY KEY,
    channel      text        NOT NULL,
    address      text        NOT NULL,            -- chat id, phone number, terminal name
    lang         text        NOT NULL DEFAULT '', -- uz-Latn, uz-Cyrl, ru; '' until known
    blocked_at   timestamptz,                     -- she blocked the bot; cleared when she writes
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (channel, address)
);

-- Every update a channel delivers is stored here before the channel is told we have it,
-- and processed from here, one at a time per user, in order.
CREATE TABLE inbox (
    id              bigserial PRIMARY KEY,
    channel         text        NOT NULL,
    external_id     text        NOT NULL,         -- Telegram update_id, SMS message id
    user_key        text        NOT NULL,         -- orders processing: one at a time per key
    payload         bytea       NOT NULL,         -- exactly as received
    received_at     timestamptz NOT NULL DEFAULT now(),
    attempts        int         NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    processed_at    timestamptz,
    error           text,
    UNIQUE (channel, external_id)
);
CREATE INDEX inbox_pending_by_user ON inbox (user_key, id) WHERE processed_at IS NULL;
CREATE INDEX inbox_pending ON inbox (id) WHERE processed_at IS NULL;

-- Every message we send is written here in the same transaction as the state it
-- follows from, and sent by the outbox workers, in order per user.
CREATE TABLE outbox (
    id              bigserial PRIMARY KEY,
    user_id         bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    channel         text        NOT NULL,
    address         text        NOT NULL,
    message         jsonb       NOT NULL,         -- an azizayol.Outbound
    status          text        NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sent', 'failed', 'blocked')),
    attempts        int         NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    external_id     text,                         -- the channel's message id, once sent
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);
CREATE INDEX outbox_pending_by_user ON outbox (user_id, id) WHERE status = 'pending';
CREATE INDEX outbox_pending ON outbox (id) WHERE status = 'pending';

-- +goose Down
DROP TABLE outbox;
DROP TABLE inbox;
DROP TABLE users;
