-- Leaving no trace: the ids of the messages of each conversation (so that clearing the
-- chat and the automatic sweep can delete them while Telegram allows, 48 hours), and
-- her privacy choices.

-- +goose Up

CREATE TABLE chat_messages (
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    message_id bigint      NOT NULL,           -- the channel's id (Telegram message_id)
    at         timestamptz NOT NULL,
    queued_at  timestamptz NOT NULL,           -- ours: when it was queued (hers: = at)
    delete_at  timestamptz,                    -- due for deletion: a clear, the sweep
    PRIMARY KEY (user_id, message_id)
);
CREATE INDEX chat_messages_due ON chat_messages (delete_at) WHERE delete_at IS NOT NULL;
CREATE INDEX chat_messages_by_age ON chat_messages (at);

ALTER TABLE users ADD COLUMN sweep_hours  int      NOT NULL DEFAULT 0 CHECK (sweep_hours BETWEEN 0 AND 47);
ALTER TABLE users ADD COLUMN discreet     boolean  NOT NULL DEFAULT false;
ALTER TABLE users ADD COLUMN notify_from  smallint NOT NULL DEFAULT 0 CHECK (notify_from BETWEEN 0 AND 23);
ALTER TABLE users ADD COLUMN notify_until smallint NOT NULL DEFAULT 0 CHECK (notify_until BETWEEN 0 AND 23);
-- Her last "clear chat": a message queued before it and sent after it is deleted too.
ALTER TABLE users ADD COLUMN cleared_at   timestamptz;
CREATE INDEX users_cleared ON users (cleared_at) WHERE cleared_at IS NOT NULL;

-- Her latest message (bot.answerToNotice: "1" by SMS answers the last SMS she got).
CREATE INDEX outbox_by_user ON outbox (user_id, id);

-- +goose Down
DROP INDEX outbox_by_user;
ALTER TABLE users DROP COLUMN cleared_at;
ALTER TABLE users DROP COLUMN notify_until;
ALTER TABLE users DROP COLUMN notify_from;
ALTER TABLE users DROP COLUMN discreet;
ALTER TABLE users DROP COLUMN sweep_hours;
DROP TABLE chat_messages;
