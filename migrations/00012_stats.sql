-- The platform's own figures (issue 8): rollups of the appeals that the statistics
-- dashboard reads instead of the appeals themselves.
--
-- Why rollups kept by a job from a change log, and not counters updated in the
-- transactions that change appeals: a figure such as "overdue" changes with the clock
-- alone (an open appeal passes its deadline while nobody touches it), which no
-- transaction sees; and counters bumped by every filing would make concurrent
-- filings of the same day, agency and region queue on one row. Instead, every change
-- of an appeal's statistics columns appends its day (Tashkent) to stats_dirty, in the
-- changing transaction, and the stats job (every minute) recomputes exactly those
-- days, plus the days of open appeals whose deadline passed since its last run (and of
-- unanswered urgent ones whose first 24 hours ended since), from
-- the appeals of that day alone (a few thousand rows by appeals_by_filed). The log is
-- append-only, so a change committed while the job runs is never lost: the job
-- deletes only the entries its snapshot sees, and a later one stays for the next run.
-- The figures are thus current to the minute, and a dashboard view reads the rollups
-- only.

-- +goose Up

-- Tashkent is UTC+5 all year (azizayol.Tashkent): a fixed offset keeps the function
-- immutable.
CREATE FUNCTION stats_day(t timestamptz) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ((t AT TIME ZONE 'UTC') + interval '5 hours')::date;

CREATE INDEX appeals_by_filed ON appeals (filed_at);

-- Days whose figures are to be recomputed: appended to, never updated, so that
-- concurrent writers never wait on each other or lose a mark.
CREATE TABLE stats_dirty (
    id  bigserial PRIMARY KEY,
    day date NOT NULL
);

-- Appeal figures of one day (grain 'd') or one month (grain 'm', day = its first
-- day), of one agency, along one dimension: 'all' (value ''), 'kind', 'region',
-- 'district', 'topic', 'channel', 'lang', 'status', and 'region_topic' (value
-- "region|topic"). region and district are '' for consultations (no place). The
-- dashboard reads whole months from the month rows and the rest from the day rows,
-- so a year's view reads a few thousand rows, not hundreds of thousands.
CREATE TABLE stats_appeals (
    grain      char(1) NOT NULL CHECK (grain IN ('d', 'm')),
    day        date    NOT NULL,
    agency_id  bigint  NOT NULL,
    dim        text    NOT NULL,
    value      text    NOT NULL,
    received   int     NOT NULL, -- filed that day
    answered   int     NOT NULL, -- of them, with a first answer
    overdue    int     NOT NULL, -- first answer, or closing unanswered, after the deadline; or open past it as of the refresh
    urgent     int     NOT NULL,
    urgent_due int     NOT NULL, -- urgent and answered, or filed 24 hours or more before the refresh
    urgent_24h int     NOT NULL, -- urgent and first answered within 24 hours of filing
    rated_up   int     NOT NULL, -- answers she rated +1
    rated_down int     NOT NULL, -- answers she rated -1
    PRIMARY KEY (grain, day, agency_id, dim, value)
);
-- The totals (the time series, the agencies, the previous period) read only the 'all'
-- rows: a day's other rows (a thousand of its districts and regions) are not visited.
CREATE INDEX stats_appeals_totals ON stats_appeals (grain, day)
    INCLUDE (agency_id, received, answered, overdue, urgent, urgent_due, urgent_24h, rated_up, rated_down) WHERE dim = 'all';

-- The time from filing to the first answer, as a histogram: how many appeals of a
-- day (or month), agency and topic were first answered within bucket b
-- (azizayol.AnswerBuckets). Percentiles are read from it.
CREATE TABLE stats_answer_times (
    grain     char(1)  NOT NULL CHECK (grain IN ('d', 'm')),
    day       date     NOT NULL,
    agency_id bigint   NOT NULL,
    topic     text     NOT NULL,
    bucket    smallint NOT NULL,
    n         int      NOT NULL,
    PRIMARY KEY (grain, day, agency_id, topic, bucket)
);

-- The women reached, as of the last refresh: a snapshot, not a history.
CREATE TABLE stats_users (
    channel     text NOT NULL,
    lang        text NOT NULL,
    region_code text NOT NULL, -- '' when she chose none
    users       int  NOT NULL,
    active_week int  NOT NULL, -- seen in the 7 days before the refresh
    blocked     int  NOT NULL,
    opted_out   int  NOT NULL,
    PRIMARY KEY (channel, lang, region_code)
);

-- When the job last refreshed the figures (one row).
CREATE TABLE stats_state (
    one          boolean PRIMARY KEY DEFAULT true CHECK (one),
    refreshed_at timestamptz NOT NULL
);
INSERT INTO stats_state (refreshed_at) VALUES ('-infinity');

-- +goose StatementBegin
CREATE FUNCTION stats_mark_appeal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.channel <> 'simulator' THEN
        INSERT INTO stats_dirty (day) VALUES (stats_day(OLD.filed_at));
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.channel <> 'simulator'
       AND (TG_OP = 'INSERT' OR stats_day(NEW.filed_at) <> stats_day(OLD.filed_at) OR OLD.channel = 'simulator') THEN
        INSERT INTO stats_dirty (day) VALUES (stats_day(NEW.filed_at));
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER appeals_stats_insert AFTER INSERT OR DELETE ON appeals
    FOR EACH ROW EXECUTE FUNCTION stats_mark_appeal();
-- Only a change of what the figures read (status_at: when an unanswered appeal was
-- closed decides whether it was overdue): the retention purge (phone, user) and the
-- desk's assignments and alerts mark nothing.
CREATE TRIGGER appeals_stats_update AFTER UPDATE ON appeals
    FOR EACH ROW WHEN ((OLD.agency_id, OLD.region_code, OLD.district_code, OLD.topic, OLD.kind, OLD.channel,
                        OLD.lang, OLD.status, OLD.status_at, OLD.urgent, OLD.filed_at, OLD.deadline_at, OLD.first_answer_at)
            IS DISTINCT FROM (NEW.agency_id, NEW.region_code, NEW.district_code, NEW.topic, NEW.kind, NEW.channel,
                              NEW.lang, NEW.status, NEW.status_at, NEW.urgent, NEW.filed_at, NEW.deadline_at, NEW.first_answer_at))
    EXECUTE FUNCTION stats_mark_appeal();

-- +goose StatementBegin
CREATE FUNCTION stats_mark_rating() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.rating IS NOT DISTINCT FROM NEW.rating
       OR coalesce(NEW.rating, OLD.rating) IS NULL THEN
        RETURN NULL;
    END IF;
    INSERT INTO stats_dirty (day)
    SELECT stats_day(a.filed_at) FROM appeals a
    WHERE a.id = coalesce(NEW.appeal_id, OLD.appeal_id) AND a.channel <> 'simulator';
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER appeal_messages_stats AFTER INSERT OR UPDATE OF rating OR DELETE ON appeal_messages
    FOR EACH ROW EXECUTE FUNCTION stats_mark_rating();

-- The appeals filed before this migration: every day of them is computed by the
-- job's first run.
INSERT INTO stats_dirty (day) SELECT DISTINCT stats_day(filed_at) FROM appeals WHERE channel <> 'simulator';

-- +goose Down
DROP TRIGGER appeal_messages_stats ON appeal_messages;
DROP FUNCTION stats_mark_rating();
DROP TRIGGER appeals_stats_update ON appeals;
DROP TRIGGER appeals_stats_insert ON appeals;
DROP FUNCTION stats_mark_appeal();
DROP TABLE stats_state;
DROP TABLE stats_users;
DROP TABLE stats_answer_times;
DROP TABLE stats_appeals;
DROP TABLE stats_dirty;
DROP INDEX appeals_by_filed;
DROP FUNCTION stats_day(timestamptz);
