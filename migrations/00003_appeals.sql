-- Consultations and appeals: the agencies that answer them, the topics that route
-- them, and the appeals with their threads (resolution No. 507, para 4c and 4g,
-- Appendix 2 rows 3-7; the routing table of shared/PRODUCT.md).

-- +goose Up

-- Agencies that answer. A national agency has no region; a regional one (a khokimiyat,
-- or in Karakalpakstan the Council of Ministers) answers its region only. Routing takes
-- the regional agency of her region when there is one, else the national one, so a
-- regional branch added here later takes its region's appeals over.
CREATE TABLE agencies (
    id           bigserial PRIMARY KEY,
    code         text NOT NULL UNIQUE,               -- justice, khokimiyat-1703 …
    kind         text NOT NULL,                      -- what topics route to
    region_code  text REFERENCES regions (code),     -- NULL: national
    name_uz_latn text NOT NULL,
    name_uz_cyrl text NOT NULL,
    name_ru      text NOT NULL,
    UNIQUE NULLS NOT DISTINCT (kind, region_code)
);

-- What she can ask about, and who answers. deadline_days are working days;
-- urgent topics are answered within 24 hours. window_from/window_until (MM-DD,
-- inclusive, Tashkent time) limit a topic to part of each year.
CREATE TABLE topics (
    code             text PRIMARY KEY,
    kind             text    NOT NULL CHECK (kind IN ('consultation', 'appeal')),
    agency_kind      text    NOT NULL,
    urgent           boolean NOT NULL DEFAULT false,
    urgent_if_danger boolean NOT NULL DEFAULT false,
    deadline_days    int     NOT NULL DEFAULT 5 CHECK (deadline_days BETWEEN 1 AND 60),
    window_from      text    CHECK (window_from ~ '^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'),
    window_until     text    CHECK (window_until ~ '^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'),
    position         int     NOT NULL,
    CHECK ((window_from IS NULL) = (window_until IS NULL))
);

-- Numbers are AA-<year>-<six digits>: the sequence makes them unique across instances
-- without a lock (a rolled-back filing leaves a gap).
CREATE SEQUENCE appeal_number;

CREATE TABLE appeals (
    id              bigserial PRIMARY KEY,
    number          text        NOT NULL UNIQUE,
    kind            text        NOT NULL CHECK (kind IN ('consultation', 'appeal')),
    topic           text        NOT NULL REFERENCES topics (code),
    user_id         bigint      REFERENCES users (id) ON DELETE SET NULL, -- NULL once she deleted her data
    submission_key  text,                              -- her draft's key: one appeal per submission
    channel         text        NOT NULL,
    lang            text        NOT NULL,
    agency_id       bigint      NOT NULL REFERENCES agencies (id),
    region_code     text        REFERENCES regions (code),
    district_code   text        REFERENCES districts (code),
    phone           text,                              -- NULL: anonymous
    urgent          boolean     NOT NULL,
    danger          boolean     NOT NULL DEFAULT false, -- she wrote words of danger
    status          text        NOT NULL DEFAULT 'received'
                    CHECK (status IN ('received', 'in_progress', 'answered', 'closed', 'withdrawn')),
    consent_version text,                              -- the consent text she agreed to
    consent_at      timestamptz,
    filed_at        timestamptz NOT NULL,
    deadline_at     timestamptz NOT NULL,
    first_answer_at timestamptz,
    status_at       timestamptz NOT NULL,
    erased_at       timestamptz,                       -- her words and phone were erased
    UNIQUE (user_id, submission_key)
);
CREATE INDEX appeals_by_user ON appeals (user_id, id DESC);
CREATE INDEX appeals_queue ON appeals (agency_id, region_code, deadline_at) WHERE status IN ('received', 'in_progress');

-- The thread of an appeal: her words, her follow-ups, the agency's answers.
CREATE TABLE appeal_messages (
    id          bigserial PRIMARY KEY,
    appeal_id   bigint      NOT NULL REFERENCES appeals (id) ON DELETE CASCADE,
    author      text        NOT NULL CHECK (author IN ('citizen', 'agency')),
    staff       text,                                  -- who answered (console)
    text        text        NOT NULL,
    attachments jsonb       NOT NULL DEFAULT '[]',     -- [{kind, file_id}]
    rating      smallint    CHECK (rating IN (-1, 1)), -- of an answer, by her
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX appeal_messages_by_appeal ON appeal_messages (appeal_id, id);

INSERT INTO agencies (code, kind, name_uz_latn, name_uz_cyrl, name_ru) VALUES
    ('justice',    'justice',    'Adliya vazirligi',             'Адлия вазирлиги',             'Министерство юстиции'),
    ('health',     'health',     'Sogʻliqni saqlash vazirligi',  'Соғлиқни сақлаш вазирлиги',  'Министерство здравоохранения'),
    ('rehab',      'rehab',      'Ayollarni reabilitatsiya qilish va moslashtirish respublika markazi',
                                 'Аёлларни реабилитация қилиш ва мослаштириш республика маркази',
                                 'Республиканский центр реабилитации и адаптации женщин'),
    ('mahalla',    'mahalla',    'Mahalla va oilani qoʻllab-quvvatlash vazirligi',
                                 'Маҳалла ва оилани қўллаб-қувватлаш вазирлиги',
                                 'Министерство по поддержке махалли и семьи'),
    ('employment', 'employment', 'Bandlik va mehnat munosabatlari vazirligi',
                                 'Бандлик ва меҳнат муносабатлари вазирлиги',
                                 'Министерство занятости и трудовых отношений'),
    ('xalqbank',   'xalqbank',   'Xalq banki',                   'Халқ банки',                  'Народный банк');

-- The khokimiyat of each region answers the Women's notebook and housing appeals of
-- its region; in Karakalpakstan, the Council of Ministers.
INSERT INTO agencies (code, kind, region_code, name_uz_latn, name_uz_cyrl, name_ru)
SELECT 'khokimiyat-' || code, 'khokimiyat', code,
       CASE code WHEN '1735' THEN 'Qoraqalpogʻiston Respublikasi Vazirlar Kengashi'
                 WHEN '1726' THEN 'Toshkent shahar hokimligi'
                 ELSE name_uz_latn || ' hokimligi' END,
       CASE code WHEN '1735' THEN 'Қорақалпоғистон Республикаси Вазирлар Кенгаши'
                 WHEN '1726' THEN 'Тошкент шаҳар ҳокимлиги'
                 ELSE name_uz_cyrl || ' ҳокимлиги' END,
       CASE code WHEN '1735' THEN 'Совет Министров Республики Каракалпакстан'
                 WHEN '1726' THEN 'Хокимият города Ташкента'
                 ELSE 'Хокимият ' || replace(replace(name_ru, 'ская область', 'ской области'), 'ая область', 'ой области') END
FROM regions;

INSERT INTO topics (code, kind, agency_kind, urgent, urgent_if_danger, deadline_days, window_from, window_until, position) VALUES
    ('legal',            'consultation', 'justice',    false, false, 5, NULL,    NULL,    1),
    ('medical',          'consultation', 'health',     false, false, 5, NULL,    NULL,    2),
    ('psychological',    'consultation', 'rehab',      false, true,  5, NULL,    NULL,    3),
    ('notebook_in',      'appeal',       'khokimiyat', false, false, 5, NULL,    NULL,    1),
    ('notebook_out',     'appeal',       'khokimiyat', false, false, 5, NULL,    NULL,    2),
    ('housing',          'appeal',       'khokimiyat', false, false, 5, NULL,    NULL,    3),
    ('grant',            'appeal',       'mahalla',    false, false, 5, '05-30', '06-08', 4),
    ('employment',       'appeal',       'employment', false, false, 5, NULL,    NULL,    5),
    ('entrepreneurship', 'appeal',       'xalqbank',   false, false, 5, NULL,    NULL,    6),
    ('violence',         'appeal',       'rehab',      true,  true,  1, NULL,    NULL,    7),
    ('misc',             'appeal',       'mahalla',    false, false, 5, NULL,    NULL,    8);

-- +goose Down
DROP TABLE appeal_messages;
DROP TABLE appeals;
DROP SEQUENCE appeal_number;
DROP TABLE topics;
DROP TABLE agencies;
