-- Consent as the personal-data law asks (ZRU-547, Ministry of Justice order No. 3478):
-- every answer she gives to a consent question, and her withdrawal, with the version of
-- the text she read. And retention: what the nightly purge (postgres.DB.Purge) looks for.

-- +goose Up

-- Her answers to consent questions: the operator's proof. No words of hers are here;
-- the rows stay when she deletes her data (a withdrawal is one of them).
CREATE TABLE consents (
    id      bigserial PRIMARY KEY,
    user_id bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose text        NOT NULL CHECK (purpose ~ '^[a-z_]+$'), -- appeal, consultation
    version text        NOT NULL,                               -- the text she read
    answer  text        NOT NULL CHECK (answer IN ('given', 'refused', 'withdrawn')),
    at      timestamptz NOT NULL
);
CREATE INDEX consents_by_user ON consents (user_id, purpose, id DESC);

-- The words of a closed or withdrawn appeal were blanked by the retention purge at
-- this time (reopened and closed again later, it is purged again).
ALTER TABLE appeals ADD COLUMN purged_at timestamptz;

-- What the purge has left to do, oldest first, so each night reads only that.
CREATE INDEX appeals_to_purge ON appeals (status_at, id)
    WHERE status IN ('closed', 'withdrawn') AND (purged_at IS NULL OR purged_at < status_at);
CREATE INDEX inbox_to_purge ON inbox (received_at, id)
    WHERE processed_at IS NOT NULL AND octet_length(payload) > 0;
CREATE INDEX outbox_to_purge ON outbox (created_at, id)
    WHERE status <> 'pending' AND (message ? 'text' OR message ? 'buttons');

-- +goose Down
DROP INDEX outbox_to_purge;
DROP INDEX inbox_to_purge;
DROP INDEX appeals_to_purge;
ALTER TABLE appeals DROP COLUMN purged_at;
DROP TABLE consents;
