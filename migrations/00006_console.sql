-- The console: staff accounts and their sessions, the audit log, who works on an
-- appeal, internal notes and transfers, canned answers, deadline alerts.

-- +goose Up

CREATE TABLE staff (
    id            bigserial PRIMARY KEY,
    email         text        NOT NULL UNIQUE CHECK (email = lower(email)),
    name          text        NOT NULL,
    role          text        NOT NULL CHECK (role IN ('super_admin', 'agency_admin', 'operator')),
    agency_id     bigint      REFERENCES agencies (id),
    regions       text[]      NOT NULL DEFAULT '{}',  -- an operator's regions; empty: all
    lang          text        NOT NULL DEFAULT 'uz-Latn',
    password_hash text        NOT NULL,               -- argon2id, PHC string
    disabled_at   timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((role = 'super_admin') = (agency_id IS NULL)),
    CHECK (role = 'operator' OR regions = '{}')
);
CREATE INDEX staff_by_agency ON staff (agency_id);

-- A session is known by the SHA-256 of its cookie: the table alone opens nothing.
CREATE TABLE staff_sessions (
    token_hash bytea       PRIMARY KEY,
    staff_id   bigint      NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    seen_at    timestamptz NOT NULL DEFAULT now(),
    addr       text        NOT NULL
);
CREATE INDEX staff_sessions_by_staff ON staff_sessions (staff_id);

-- Every view of an appeal and every action, kept apart from what it is about: an
-- erased appeal keeps its audit trail.
CREATE TABLE audit_log (
    id        bigserial PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    staff_id  bigint      REFERENCES staff (id) ON DELETE SET NULL,
    email     text        NOT NULL,
    action    text        NOT NULL,
    appeal_id bigint,
    detail    text        NOT NULL DEFAULT '',
    addr      text        NOT NULL DEFAULT ''
);
CREATE INDEX audit_by_time ON audit_log (at DESC);
CREATE INDEX audit_by_email ON audit_log (email, at DESC);
CREATE INDEX audit_by_appeal ON audit_log (appeal_id, at DESC) WHERE appeal_id IS NOT NULL;

ALTER TABLE appeals ADD COLUMN assigned_to  bigint REFERENCES staff (id) ON DELETE SET NULL;
ALTER TABLE appeals ADD COLUMN warned_at    timestamptz; -- the assignee was warned of the deadline
ALTER TABLE appeals ADD COLUMN escalated_at timestamptz; -- the agency admins were told
-- The inbox (postgres.Inbox) counts and pages through these by deadline: each carries
-- every column a filter or a staff member's scope reads, so the count and the page's
-- ids come from the index alone, never from the table (100,000 appeals, every page
-- under 100 ms). The open ones (the default inbox), an agency's, those of one status.
CREATE INDEX appeals_open_by_deadline ON appeals (deadline_at, id)
    INCLUDE (agency_id, region_code, district_code, topic, urgent, assigned_to, status)
    WHERE status IN ('received', 'in_progress', 'answered');
CREATE INDEX appeals_by_agency_deadline ON appeals (agency_id, deadline_at, id)
    INCLUDE (region_code, district_code, topic, urgent, assigned_to, status);
CREATE INDEX appeals_by_status_deadline ON appeals (status, deadline_at, id)
    INCLUDE (agency_id, region_code, district_code, topic, urgent, assigned_to);
CREATE INDEX appeals_by_phone ON appeals (phone) WHERE phone IS NOT NULL;
CREATE INDEX appeals_by_assignee ON appeals (assigned_to, deadline_at) WHERE assigned_to IS NOT NULL;

-- Internal notes live in the thread beside her words and the answers; she never sees
-- them (her views read 'citizen' and 'agency' only).
ALTER TABLE appeal_messages DROP CONSTRAINT appeal_messages_author_check;
ALTER TABLE appeal_messages ADD CONSTRAINT appeal_messages_author_check
    CHECK (author IN ('citizen', 'agency', 'note'));

-- An answer's messages in the outbox, so the console shows what became of them.
ALTER TABLE outbox ADD COLUMN appeal_message_id bigint;
CREATE INDEX outbox_by_appeal_message ON outbox (appeal_message_id) WHERE appeal_message_id IS NOT NULL;

CREATE TABLE appeal_transfers (
    id          bigserial PRIMARY KEY,
    appeal_id   bigint      NOT NULL REFERENCES appeals (id) ON DELETE CASCADE,
    from_agency bigint      NOT NULL REFERENCES agencies (id),
    to_agency   bigint      NOT NULL REFERENCES agencies (id),
    reason      text        NOT NULL,
    staff       text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX appeal_transfers_by_appeal ON appeal_transfers (appeal_id, id);

CREATE TABLE canned_answers (
    id         bigserial PRIMARY KEY,
    agency_id  bigint REFERENCES agencies (id) ON DELETE CASCADE, -- NULL: every agency
    title      text   NOT NULL,
    text_uz_latn text NOT NULL,
    text_uz_cyrl text NOT NULL,
    text_ru      text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Deadline warnings and escalations, one of a kind per person and appeal.
CREATE TABLE staff_alerts (
    id         bigserial PRIMARY KEY,
    staff_id   bigint      NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    appeal_id  bigint      NOT NULL REFERENCES appeals (id) ON DELETE CASCADE,
    kind       text        NOT NULL CHECK (kind IN ('due_soon', 'overdue', 'urgent_unanswered')),
    created_at timestamptz NOT NULL DEFAULT now(),
    seen_at    timestamptz,
    UNIQUE (staff_id, appeal_id, kind)
);
CREATE INDEX staff_alerts_unseen ON staff_alerts (staff_id, id DESC) WHERE seen_at IS NULL;

-- +goose Down
DROP TABLE staff_alerts;
DROP TABLE canned_answers;
DROP TABLE appeal_transfers;
DROP INDEX outbox_by_appeal_message;
ALTER TABLE outbox DROP COLUMN appeal_message_id;
DELETE FROM appeal_messages WHERE author = 'note';
ALTER TABLE appeal_messages DROP CONSTRAINT appeal_messages_author_check;
ALTER TABLE appeal_messages ADD CONSTRAINT appeal_messages_author_check CHECK (author IN ('citizen', 'agency'));
DROP INDEX appeals_by_assignee;
DROP INDEX appeals_by_phone;
DROP INDEX appeals_by_status_deadline;
DROP INDEX appeals_by_agency_deadline;
DROP INDEX appeals_open_by_deadline;
ALTER TABLE appeals DROP COLUMN escalated_at;
ALTER TABLE appeals DROP COLUMN warned_at;
ALTER TABLE appeals DROP COLUMN assigned_to;
DROP TABLE audit_log;
DROP TABLE staff_sessions;
DROP TABLE staff;
