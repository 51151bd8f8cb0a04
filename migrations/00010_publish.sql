-- What the agencies publish and broadcast, and who asked for it: the agencies of
-- resolution No. 507, Appendix 2 that were not here yet, her topic subscriptions, and
-- the place she chose for local news.

-- +goose Up

INSERT INTO agencies (code, kind, name_uz_latn, name_uz_cyrl, name_ru) VALUES
    ('chamber',         'chamber',         'Oʻzbekiston Savdo-sanoat palatasi', 'Ўзбекистон Савдо-саноат палатаси', 'Торгово-промышленная палата Узбекистана'),
    ('entrepreneurship','entrepreneurship','Tadbirkorlikni rivojlantirish agentligi', 'Тадбиркорликни ривожлантириш агентлиги', 'Агентство развития предпринимательства'),
    ('culture',         'culture',         'Madaniyat vazirligi',               'Маданият вазирлиги',               'Министерство культуры'),
    ('sport',           'sport',           'Turizm va sport vazirligi',         'Туризм ва спорт вазирлиги',         'Министерство туризма и спорта'),
    ('attestation',     'attestation',     'Oliy attestatsiya komissiyasi',     'Олий аттестация комиссияси',        'Высшая аттестационная комиссия'),
    ('school',          'school',          'Xalq taʼlimi vazirligi',            'Халқ таълими вазирлиги',            'Министерство народного образования'),
    ('higher_education','higher_education','Oliy va oʻrta maxsus taʼlim vazirligi', 'Олий ва ўрта махсус таълим вазирлиги', 'Министерство высшего и среднего специального образования'),
    ('statistics',      'statistics',      'Davlat statistika qoʻmitasi',       'Давлат статистика қўмитаси',        'Государственный комитет по статистике'),
    ('public_services', 'public_services', 'Davlat xizmatlari agentligi',       'Давлат хизматлари агентлиги',       'Агентство государственных услуг'),
    ('finance',         'finance',         'Moliya vazirligi',                  'Молия вазирлиги',                   'Министерство финансов'),
    ('interior',        'interior',        'Ichki ishlar vazirligi',            'Ички ишлар вазирлиги',              'Министерство внутренних дел');

-- The topics she wants broadcasts on (azizayol.InfoTopics); STOP by SMS and blocking
-- the bot still stop everything.
CREATE TABLE info_subscriptions (
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    topic      text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, topic)
);
CREATE INDEX info_subscriptions_by_topic ON info_subscriptions (topic, user_id);

-- The place she chose for local news (none: the whole country).
ALTER TABLE users ADD COLUMN region_code   text REFERENCES regions (code);
ALTER TABLE users ADD COLUMN district_code text REFERENCES districts (code);

-- A broadcast: one message in every language to the subscribers of its topics.
-- Counters are kept with each recorded send, so its progress is read without counting
-- a million rows.
CREATE TABLE broadcasts (
    id            bigserial   PRIMARY KEY,
    agency_id     bigint      NOT NULL REFERENCES agencies (id),
    texts         jsonb       NOT NULL,             -- {"uz-Latn": "…", "uz-Cyrl": "…", "ru": "…"}
    topics        text[]      NOT NULL,
    langs         text[]      NOT NULL DEFAULT '{}', -- none: every language
    region_code   text        REFERENCES regions (code),
    district_code text        REFERENCES districts (code),
    channels      text[]      NOT NULL DEFAULT '{}', -- none: Telegram and SMS
    status        text        NOT NULL DEFAULT 'draft'
                  CHECK (status IN ('draft', 'scheduled', 'running', 'paused', 'cancelled', 'done')),
    scheduled_at  timestamptz,
    sms_budget    int         NOT NULL DEFAULT 0 CHECK (sms_budget >= 0), -- SMS segments at most
    sms_used      int         NOT NULL DEFAULT 0,
    sms_segments  jsonb       NOT NULL DEFAULT '{}', -- {lang: segments of one SMS}
    created_by    bigint      REFERENCES staff (id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    started_at    timestamptz,
    finished_at   timestamptz,
    running_since timestamptz,                      -- this run's start (NULL while not running)
    active_secs   double precision NOT NULL DEFAULT 0, -- earlier runs, paused time left out
    planned_after bigint      NOT NULL DEFAULT 0,   -- recipients found up to this user id
    planned       boolean     NOT NULL DEFAULT false,
    total         int         NOT NULL DEFAULT 0,
    sent          int         NOT NULL DEFAULT 0,
    delivered     int         NOT NULL DEFAULT 0,
    failed        int         NOT NULL DEFAULT 0,
    blocked       int         NOT NULL DEFAULT 0,
    skipped       int         NOT NULL DEFAULT 0,
    unknown       int         NOT NULL DEFAULT 0
);
CREATE INDEX broadcasts_by_agency ON broadcasts (agency_id, id);
CREATE INDEX broadcasts_active ON broadcasts (status) WHERE status IN ('scheduled', 'running');

-- One row a woman a broadcast: found in batches, then claimed for sending (status
-- 'sending' until claimed_until, committed before the message goes out), so a sender
-- that dies mid-send leaves 'sending' rows that are never sent again ('unknown').
CREATE TABLE broadcast_recipients (
    broadcast_id    bigint      NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
    user_id         bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    channel         text        NOT NULL,
    lang            text        NOT NULL,
    segments        int         NOT NULL DEFAULT 0, -- SMS segments it costs
    status          text        NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'blocked', 'skipped', 'unknown')),
    reason          text,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    claimed_until   timestamptz,
    claims          int         NOT NULL DEFAULT 0, -- how often claimed: the token of the current claim
    failures        int         NOT NULL DEFAULT 0, -- tries that failed for a temporary reason
    external_id     text,
    delivery        text,
    done_at         timestamptz,
    PRIMARY KEY (broadcast_id, user_id)
);
CREATE INDEX broadcast_recipients_pending ON broadcast_recipients (channel, broadcast_id, user_id) WHERE status = 'pending';
CREATE INDEX broadcast_recipients_sending ON broadcast_recipients (claimed_until) WHERE status = 'sending';
CREATE INDEX broadcast_recipients_external ON broadcast_recipients (channel, external_id) WHERE external_id IS NOT NULL;

-- +goose Down
DROP TABLE broadcast_recipients;
DROP TABLE broadcasts;
ALTER TABLE users DROP COLUMN district_code;
ALTER TABLE users DROP COLUMN region_code;
DROP TABLE info_subscriptions;
DELETE FROM agencies WHERE code IN ('chamber', 'entrepreneurship', 'culture', 'sport', 'attestation', 'school',
    'higher_education', 'statistics', 'public_services', 'finance', 'interior');
