-- The crisis vocabulary as data, kept by super-admins in the console with its
-- history; and the urgent case a message with words of harm opens (issue 9, "Crisis
-- words, owned by people who know").

-- +goose Up

-- The entries of the crisis detector, in the syntax of crisis/words.txt (word, stem*,
-- a phrase, =entry). The matcher of every instance is built from the active ones, in
-- id order. They are seeded from words.txt at start (postgres.SeedCrisisWords): an
-- entry of words.txt is added once, the first time a release brings it (seed names
-- it), and is never added again, whatever super-admins did with it since.
CREATE TABLE crisis_words (
    id            bigserial PRIMARY KEY,
    entry         text        NOT NULL CHECK (btrim(entry) <> ''),
    kind          text        NOT NULL CHECK (kind IN ('help', 'violence', 'self_harm', 'danger')),
    lang          text        NOT NULL DEFAULT '' CHECK (lang IN ('', 'uz-latn', 'uz-cyrl', 'ru', 'ru-latn', 'any')),
    note          text        NOT NULL DEFAULT '',
    active        boolean     NOT NULL DEFAULT true,
    seed          text        UNIQUE,                   -- the words.txt entry it came from; NULL: added in the console
    changed_by    text        NOT NULL,                 -- a staff member's email, or 'words.txt'
    changed_by_id bigint      REFERENCES staff (id) ON DELETE SET NULL,
    changed_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX crisis_words_active ON crisis_words (id) WHERE active;

-- Every change of an entry: who, when, what it was and what it became.
CREATE TABLE crisis_word_history (
    id         bigserial PRIMARY KEY,
    word_id    bigint      NOT NULL REFERENCES crisis_words (id) ON DELETE CASCADE,
    at         timestamptz NOT NULL DEFAULT now(),
    staff_id   bigint      REFERENCES staff (id) ON DELETE SET NULL,
    by_email   text        NOT NULL,
    action     text        NOT NULL CHECK (action IN ('seed', 'add', 'edit', 'deactivate', 'activate')),
    old_entry  text,
    old_kind   text,
    old_lang   text,
    old_note   text,
    old_active boolean,
    new_entry  text        NOT NULL,
    new_kind   text        NOT NULL,
    new_lang   text        NOT NULL,
    new_note   text        NOT NULL,
    new_active boolean     NOT NULL
);
CREATE INDEX crisis_word_history_by_word ON crisis_word_history (word_id, id DESC);
CREATE INDEX crisis_word_history_by_time ON crisis_word_history (id DESC);

-- The vocabulary's version: every change adds one, in its transaction. Instances
-- compare it with the one their matcher was built from (every minute, and at once
-- when another instance says through Redis that it changed).
CREATE TABLE crisis_vocabulary (
    id      boolean PRIMARY KEY DEFAULT true CHECK (id),
    version bigint  NOT NULL DEFAULT 0
);
INSERT INTO crisis_vocabulary DEFAULT VALUES;

-- The urgent case opened when she writes words of harm (violence, suicide or
-- self-harm, immediate danger), so that staff of the rehabilitation centre can reach
-- her within 24 hours even if she leaves the dialog. It is no topic she chooses: the
-- dialogs offer it nowhere. It keeps none of her words (see postgres.CrisisCase).
INSERT INTO topics (code, kind, agency_kind, urgent, urgent_if_danger, deadline_days, position)
VALUES ('crisis', 'consultation', 'rehab', true, true, 1, 4);

-- At most one open crisis case per user.
CREATE UNIQUE INDEX appeals_one_open_crisis ON appeals (user_id)
    WHERE topic = 'crisis' AND status IN ('received', 'in_progress', 'answered');

-- +goose Down
DROP INDEX appeals_one_open_crisis;
DELETE FROM appeals WHERE topic = 'crisis';
DELETE FROM topics WHERE code = 'crisis';
DROP TABLE crisis_vocabulary;
DROP TABLE crisis_word_history;
DROP TABLE crisis_words;
