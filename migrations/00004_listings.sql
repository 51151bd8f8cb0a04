-- Courses and vacancies (resolution No. 507, para 4b; Appendix 2 row 1): the
-- "Ishga marhamat" mono-centres and training centres with their courses, uploaded by
-- the Ministry of Employment every month, and the vacancies of the national vacancy
-- base (ish.mehnat.uz). Every row carries the source it came from and the source's own
-- id, so an import or a pull run again updates rows instead of adding them.
--
-- Search. Women type in Uzbek Latin (with oʻ, o', o‘ or o), Uzbek Cyrillic or Russian;
-- the agencies write in any of them too. listing_search_key folds all of that into one
-- lowercase Latin spelling (тикувчи, tikuvchi and TIKUVCHI are the same key; швея
-- becomes shveya, which a Russian keyword folds to as well), and a trigram index on
-- the folded text answers LIKE '%word%' for any part of a word: Uzbek adds suffixes
-- (tikuvchi, tikuvchilar, tikuvchilikka), which the full-text 'simple' configuration
-- would only match by prefix, and no PostgreSQL dictionary stems Uzbek.

-- +goose Up
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- +goose StatementBegin
CREATE FUNCTION listing_search_key(s text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
RETURN translate(
    replace(replace(replace(replace(replace(replace(replace(replace(
        lower(translate(s,
            'АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯЎҚҒҲ',
            'абвгдеёжзийклмнопрстуфхцчшщъыьэюяўқғҳ')),
        'ш', 'sh'), 'щ', 'sh'), 'ч', 'ch'), 'ж', 'j'), 'ц', 'ts'), 'ю', 'yu'), 'я', 'ya'), 'ё', 'yo'),
    'абвгдезийклмнопрстуфхыэўқғҳъьʻʼ''‘’`',
    'abvgdeziyklmnoprstufxieoqgh');
-- +goose StatementEnd

-- A training centre: an "Ishga marhamat" mono-centre, a vocational training centre,
-- a college that teaches adults.
CREATE TABLE training_centres (
    id            bigserial PRIMARY KEY,
    source        text        NOT NULL,
    source_id     text        NOT NULL,
    name          text        NOT NULL,
    region_code   text        NOT NULL REFERENCES regions (code),
    district_code text        REFERENCES districts (code),
    address       text        NOT NULL DEFAULT '',
    phone         text        NOT NULL DEFAULT '',
    lat           float8      CHECK (lat BETWEEN -90 AND 90),
    lon           float8      CHECK (lon BETWEEN -180 AND 180),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source, source_id),
    CHECK ((lat IS NULL) = (lon IS NULL))
);

-- A course of a centre, or an online course or training circle (online, listed for
-- every region; it may have no centre and no region). A course is shown until its
-- last day (ends_on, Tashkent date); without ends_on it runs on.
CREATE TABLE courses (
    id            bigserial PRIMARY KEY,
    source        text        NOT NULL,
    source_id     text        NOT NULL,
    centre_id     bigint      REFERENCES training_centres (id) ON DELETE SET NULL,
    name          text        NOT NULL,
    field         text        NOT NULL DEFAULT '',
    region_code   text        REFERENCES regions (code),
    district_code text        REFERENCES districts (code),
    address       text        NOT NULL DEFAULT '',
    starts_on     date,
    ends_on       date        CHECK (ends_on >= starts_on),
    hours         int         NOT NULL DEFAULT 0 CHECK (hours >= 0),   -- 0: not known
    cost          bigint      NOT NULL DEFAULT 0 CHECK (cost >= 0),    -- so'm; 0: free
    phone         text        NOT NULL DEFAULT '',
    enrol         text        NOT NULL DEFAULT '',                     -- how to enrol
    online        boolean     NOT NULL DEFAULT false,
    lat           float8      CHECK (lat BETWEEN -90 AND 90),
    lon           float8      CHECK (lon BETWEEN -180 AND 180),
    search        text        GENERATED ALWAYS AS (listing_search_key(name || ' ' || field)) STORED,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source, source_id),
    CHECK (online OR region_code IS NOT NULL),
    CHECK ((lat IS NULL) = (lon IS NULL))
);
CREATE INDEX courses_by_region ON courses (region_code, starts_on, id);
CREATE INDEX courses_by_district ON courses (district_code, starts_on, id);
CREATE INDEX courses_online ON courses (starts_on, id) WHERE online;
CREATE INDEX courses_search ON courses USING gin (search gin_trgm_ops);
CREATE INDEX courses_centre ON courses (centre_id);

-- A vacancy. status is open until the source drops it (a pull closes what is gone)
-- or the agency closes it; expires_at, when known, hides it from searches at once.
-- Searches list open vacancies newest first, so the indexes are partial on open ones
-- and ordered by posted_at.
CREATE TABLE vacancies (
    id            bigserial PRIMARY KEY,
    source        text        NOT NULL,   -- ish.mehnat.uz, or the import's source name
    source_id     text        NOT NULL,   -- the source's id of the vacancy
    title         text        NOT NULL,
    employer      text        NOT NULL,
    salary_min    bigint      NOT NULL DEFAULT 0 CHECK (salary_min >= 0),   -- so'm a month; 0: not said
    salary_max    bigint      NOT NULL DEFAULT 0 CHECK (salary_max >= 0),
    schedule      text        NOT NULL DEFAULT '',
    address       text        NOT NULL DEFAULT '',
    contact       text        NOT NULL DEFAULT '',
    field         text        NOT NULL DEFAULT '',
    region_code   text        NOT NULL REFERENCES regions (code),
    district_code text        REFERENCES districts (code),
    lat           float8      CHECK (lat BETWEEN -90 AND 90),
    lon           float8      CHECK (lon BETWEEN -180 AND 180),
    posted_at     timestamptz NOT NULL,
    expires_at    timestamptz,
    status        text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    closed_at     timestamptz,
    search        text        GENERATED ALWAYS AS
                  (listing_search_key(title || ' ' || employer || ' ' || field)) STORED,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source, source_id),
    CHECK (salary_max = 0 OR salary_max >= salary_min),
    CHECK ((lat IS NULL) = (lon IS NULL))
);
CREATE INDEX vacancies_open_by_region ON vacancies (region_code, posted_at DESC, id DESC) WHERE status = 'open';
CREATE INDEX vacancies_open_by_district ON vacancies (district_code, posted_at DESC, id DESC) WHERE status = 'open';
CREATE INDEX vacancies_open_by_field ON vacancies (field, region_code, posted_at DESC, id DESC) WHERE status = 'open';
CREATE INDEX vacancies_open_search ON vacancies USING gin (search gin_trgm_ops) WHERE status = 'open';
CREATE INDEX vacancies_open_expiry ON vacancies (expires_at) WHERE status = 'open' AND expires_at IS NOT NULL;

-- A woman's wish to hear of new courses or vacancies in her region (or district) and
-- field. A daily job sends at most one digest a day of what was added since
-- last_digest_at (or since she subscribed).
CREATE TABLE subscriptions (
    id             bigserial PRIMARY KEY,
    user_id        bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind           text        NOT NULL CHECK (kind IN ('courses', 'vacancies')),
    region_code    text        NOT NULL REFERENCES regions (code),
    district_code  text        REFERENCES districts (code),
    field          text        NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL DEFAULT now(),
    last_digest_at timestamptz,
    UNIQUE NULLS NOT DISTINCT (user_id, kind, region_code, district_code, field)
);
CREATE INDEX subscriptions_due ON subscriptions (last_digest_at NULLS FIRST, id);

-- +goose Down
DROP TABLE subscriptions;
DROP TABLE vacancies;
DROP TABLE courses;
DROP TABLE training_centres;
DROP FUNCTION listing_search_key(text);
