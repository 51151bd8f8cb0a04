package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/azizayol/azizayol"
)

// The platform's own figures (issue 8): the stats job keeps the rollups of
// migrations/00012_stats.sql current (RefreshStats, every minute), the dashboard reads
// them (AppealStats, UserStats) and never the appeals themselves.

// statsLock keeps two refreshes from interleaving (an instance's job overrunning the
// minute, a manual run): a transaction-level advisory lock, tried, never waited for.
const statsLock = 0x5741_7453 // "WAtS"

// answerEdgesMinutes are azizayol.AnswerBuckets in minutes, for width_bucket.
func answerEdgesMinutes() []float64 {
	out := make([]float64, len(azizayol.AnswerBuckets))
	for i, d := range azizayol.AnswerBuckets {
		out[i] = d.Minutes()
	}
	return out
}

// statsDaySQL recomputes the day rows of one day ($1, a date) from that day's
// appeals, as of $2: every dimension in one pass with grouping sets. The simulator's
// appeals (staff trying the bot) are never counted.
//
// Overdue: the moment the appeal stopped waiting (its first answer; unanswered, the
// moment it was closed or withdrawn; still open, now) is after its deadline. Closing
// an appeal nobody answered does not erase its lateness. The urgent within 24 hours
// are a share of the urgent appeals answered or filed 24 hours or more ago: one
// filed an hour ago has not failed yet.
const statsDaySQL = `
INSERT INTO stats_appeals (grain, day, agency_id, dim, value, received, answered, overdue, urgent, urgent_due, urgent_24h, rated_up, rated_down)
SELECT 'd', $1::date, agency_id,
       CASE WHEN grouping(region, topic) = 0 THEN 'region_topic'
            WHEN grouping(region) = 0 THEN 'region' WHEN grouping(district) = 0 THEN 'district'
            WHEN grouping(topic) = 0 THEN 'topic' WHEN grouping(channel) = 0 THEN 'channel'
            WHEN grouping(lang) = 0 THEN 'lang' WHEN grouping(status) = 0 THEN 'status'
            WHEN grouping(kind) = 0 THEN 'kind' ELSE 'all' END,
       CASE WHEN grouping(region, topic) = 0 THEN region || '|' || topic
            WHEN grouping(region) = 0 THEN region WHEN grouping(district) = 0 THEN district
            WHEN grouping(topic) = 0 THEN topic WHEN grouping(channel) = 0 THEN channel
            WHEN grouping(lang) = 0 THEN lang WHEN grouping(status) = 0 THEN status
            WHEN grouping(kind) = 0 THEN kind ELSE '' END,
       count(*), count(*) FILTER (WHERE answered), count(*) FILTER (WHERE overdue),
       count(*) FILTER (WHERE urgent), count(*) FILTER (WHERE urgent_due), count(*) FILTER (WHERE urgent_24h),
       coalesce(sum(up), 0), coalesce(sum(down), 0)
FROM (
    SELECT a.agency_id, coalesce(a.region_code, '') AS region, coalesce(a.district_code, '') AS district,
           a.topic, a.channel, a.lang, a.status, a.kind, a.urgent,
           a.first_answer_at IS NOT NULL AS answered,
           coalesce(a.first_answer_at, CASE WHEN a.status IN ('closed', 'withdrawn') THEN a.status_at END, $2) > a.deadline_at AS overdue,
           a.urgent AND (a.first_answer_at IS NOT NULL OR a.filed_at + interval '24 hours' <= $2) AS urgent_due,
           a.urgent AND a.first_answer_at <= a.filed_at + interval '24 hours' AS urgent_24h,
           r.up, r.down
    FROM appeals a
    LEFT JOIN LATERAL (SELECT count(*) FILTER (WHERE m.rating = 1) AS up, count(*) FILTER (WHERE m.rating = -1) AS down
                       FROM appeal_messages m WHERE m.appeal_id = a.id AND m.rating IS NOT NULL) r ON true
    WHERE a.filed_at >= $3 AND a.filed_at < $4 AND a.channel <> 'simulator'
) x
GROUP BY agency_id, GROUPING SETS ((), (region), (district), (topic), (channel), (lang), (status), (kind), (region, topic))`

// statsAnswersDaySQL recomputes the histogram of times to first answer of one day.
const statsAnswersDaySQL = `
INSERT INTO stats_answer_times (grain, day, agency_id, topic, bucket, n)
SELECT 'd', $1::date, agency_id, topic,
       width_bucket(extract(epoch FROM first_answer_at - filed_at) / 60, $2::float8[]), count(*)
FROM appeals
WHERE filed_at >= $3 AND filed_at < $4 AND channel <> 'simulator' AND first_answer_at IS NOT NULL
GROUP BY 3, 4, 5`

// The month rows are the sums of their days' rows.
const statsMonthSQL = `
INSERT INTO stats_appeals (grain, day, agency_id, dim, value, received, answered, overdue, urgent, urgent_due, urgent_24h, rated_up, rated_down)
SELECT 'm', $1::date, agency_id, dim, value, sum(received), sum(answered), sum(overdue), sum(urgent), sum(urgent_due), sum(urgent_24h),
       sum(rated_up), sum(rated_down)
FROM stats_appeals WHERE grain = 'd' AND day >= $1::date AND day < ($1::date + interval '1 month')
GROUP BY agency_id, dim, value`

const statsAnswersMonthSQL = `
INSERT INTO stats_answer_times (grain, day, agency_id, topic, bucket, n)
SELECT 'm', $1::date, agency_id, topic, bucket, sum(n)
FROM stats_answer_times WHERE grain = 'd' AND day >= $1::date AND day < ($1::date + interval '1 month')
GROUP BY agency_id, topic, bucket`

// statsUsersSQL takes the snapshot of the women reached; $1 is now. Staff trying the
// bot (the simulator, the developer's terminal, "shell") are no women reached. Only
// the rows whose figures changed are written, and the groups now empty deleted: most
// minutes nothing changes, and rewriting every row each minute would leave as many
// dead rows for vacuum to clear.
const statsUsersSQL = `
WITH fresh AS (
    SELECT channel, lang, coalesce(region_code, '') AS region_code, count(*)::int AS users,
           count(*) FILTER (WHERE last_seen_at > $1::timestamptz - interval '7 days')::int AS active_week,
           count(*) FILTER (WHERE blocked_at IS NOT NULL)::int AS blocked,
           count(*) FILTER (WHERE opted_out_at IS NOT NULL)::int AS opted_out
    FROM users WHERE channel NOT IN ('simulator', 'shell')
    GROUP BY 1, 2, 3
), gone AS (
    DELETE FROM stats_users s WHERE NOT EXISTS (
        SELECT 1 FROM fresh f WHERE (f.channel, f.lang, f.region_code) = (s.channel, s.lang, s.region_code))
)
INSERT INTO stats_users AS s (channel, lang, region_code, users, active_week, blocked, opted_out)
SELECT * FROM fresh
ON CONFLICT (channel, lang, region_code) DO UPDATE
SET users = excluded.users, active_week = excluded.active_week, blocked = excluded.blocked, opted_out = excluded.opted_out
WHERE (s.users, s.active_week, s.blocked, s.opted_out)
      IS DISTINCT FROM (excluded.users, excluded.active_week, excluded.blocked, excluded.opted_out)`

// RefreshStats brings the rollups up to date as of now: it recomputes the days whose
// appeals changed since the last refresh (the stats_dirty log the triggers append
// to), the days of open appeals whose deadline passed since then (they became
// overdue with nobody touching them) and of unanswered urgent appeals whose first 24
// hours ended since then (they now count against the share answered within 24
// hours), then their months, then the snapshot of the women reached. It returns how
// many days it recomputed.
//
// It deletes only the log entries its own snapshot sees: a change committed while it
// runs keeps its entry and is recomputed by the next refresh. When another refresh
// holds the lock (an instance's job overrunning the minute) it returns at once,
// recomputing nothing: that one does the work, and waiting would only pile up jobs.
func (db *DB) RefreshStats(ctx context.Context, now time.Time) (int, error) {
	var days int
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		var locked bool
		if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1)`, statsLock).Scan(&locked); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		if !locked {
			slog.Debug("stats refresh skipped: another one runs")
			return nil
		}
		// Each statement reads a day or a month: compiling it (JIT, which the planner's
		// estimates can call for) costs far more than running it (0.8 s against 30 ms).
		if _, err := tx.Exec(ctx, `SET LOCAL jit = off`); err != nil {
			return fmt.Errorf("jit: %w", err)
		}
		// Never refreshed: from the beginning (the migration marked every day).
		var lastP *time.Time
		if err := tx.QueryRow(ctx, `SELECT nullif(refreshed_at, '-infinity') FROM stats_state`).Scan(&lastP); err != nil {
			return fmt.Errorf("read state: %w", err)
		}
		last := time.Unix(0, 0)
		if lastP != nil {
			last = *lastP
		}
		rows, err := tx.Query(ctx, `
			WITH done AS (DELETE FROM stats_dirty RETURNING day)
			SELECT day FROM done
			UNION
			SELECT stats_day(filed_at) FROM appeals
			WHERE status NOT IN ('closed', 'withdrawn') AND first_answer_at IS NULL AND channel <> 'simulator'
			  AND deadline_at >= $1 AND deadline_at < $2
			UNION
			SELECT stats_day(filed_at) FROM appeals
			WHERE urgent AND first_answer_at IS NULL AND channel <> 'simulator'
			  AND filed_at > $1::timestamptz - interval '24 hours' AND filed_at <= $2::timestamptz - interval '24 hours'
			ORDER BY 1`, last, now)
		if err != nil {
			return fmt.Errorf("dirty days: %w", err)
		}
		dirty, err := pgx.CollectRows(rows, pgx.RowTo[time.Time])
		if err != nil {
			return fmt.Errorf("dirty days: %w", err)
		}
		edges := answerEdgesMinutes()
		months := map[time.Time]bool{}
		for _, d := range dirty {
			day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, azizayol.Tashkent)
			if err := refreshDay(ctx, tx, day, now, edges); err != nil {
				return err
			}
			months[time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, azizayol.Tashkent)] = true
		}
		for m := range months {
			if err := refreshMonth(ctx, tx, m); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, statsUsersSQL, now); err != nil {
			return fmt.Errorf("users: %w", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE stats_state SET refreshed_at = $1`, now); err != nil {
			return fmt.Errorf("state: %w", err)
		}
		days = len(dirty)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: refresh stats: %w", err)
	}
	return days, nil
}

// refreshDay replaces the day rows of day (midnight, Tashkent).
func refreshDay(ctx context.Context, tx pgx.Tx, day, now time.Time, edges []float64) error {
	date := day.Format(time.DateOnly)
	next := day.AddDate(0, 0, 1)
	if _, err := tx.Exec(ctx, `DELETE FROM stats_appeals WHERE grain = 'd' AND day = $1`, date); err != nil {
		return fmt.Errorf("day %s: %w", date, err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM stats_answer_times WHERE grain = 'd' AND day = $1`, date); err != nil {
		return fmt.Errorf("day %s: %w", date, err)
	}
	if _, err := tx.Exec(ctx, statsDaySQL, date, now, day, next); err != nil {
		return fmt.Errorf("day %s: %w", date, err)
	}
	if _, err := tx.Exec(ctx, statsAnswersDaySQL, date, edges, day, next); err != nil {
		return fmt.Errorf("day %s answer times: %w", date, err)
	}
	return nil
}

// refreshMonth replaces the month rows of the month starting at m from its day rows.
func refreshMonth(ctx context.Context, tx pgx.Tx, m time.Time) error {
	date := m.Format(time.DateOnly)
	for _, sql := range []string{
		`DELETE FROM stats_appeals WHERE grain = 'm' AND day = $1`, statsMonthSQL,
		`DELETE FROM stats_answer_times WHERE grain = 'm' AND day = $1`, statsAnswersMonthSQL,
	} {
		if _, err := tx.Exec(ctx, sql, date); err != nil {
			return fmt.Errorf("month %s: %w", date, err)
		}
	}
	return nil
}

// periodRows is a FROM item: the rows of a rollup table that cover the days of p
// exactly once, of one agency (0: all): its whole months from the month rows, the days
// before the first and after the last whole month from the day rows. Each part is a
// range of the table's primary key (grain, day, …), read apart (UNION ALL): one
// condition with OR would let the planner read the whole table instead.
func periodRows(w *where, table string, p azizayol.StatsPeriod, agencyID int64) string {
	from, after := p.From, p.To.AddDate(0, 0, 1)
	m1 := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, azizayol.Tashkent)
	if !m1.Equal(from) {
		m1 = m1.AddDate(0, 1, 0)
	}
	m2 := time.Date(after.Year(), after.Month(), 1, 0, 0, 0, 0, azizayol.Tashkent)
	if !m1.Before(m2) {
		m1, m2 = after, after // no whole month: every day from the day rows
	}
	var parts []string
	part := func(grain string, lo, hi time.Time) {
		if !lo.Before(hi) {
			return
		}
		sql := "SELECT * FROM " + table + " WHERE grain = '" + grain + "' AND day >= " + w.arg(lo.Format(time.DateOnly)) +
			"::date AND day < " + w.arg(hi.Format(time.DateOnly)) + "::date"
		if agencyID != 0 {
			sql += " AND agency_id = " + w.arg(agencyID)
		}
		parts = append(parts, sql)
	}
	part("d", from, m1)
	part("m", m1, m2)
	part("d", m2, after)
	return "(" + strings.Join(parts, " UNION ALL ") + ") r"
}

const countColumns = `sum(received)::int, sum(answered)::int, sum(overdue)::int, sum(urgent)::int,
       sum(urgent_due)::int, sum(urgent_24h)::int, sum(rated_up)::int, sum(rated_down)::int`

func countDest(c *azizayol.StatsCount) []any {
	return []any{&c.Received, &c.Answered, &c.Overdue, &c.Urgent, &c.UrgentDue, &c.Urgent24h, &c.RatedUp, &c.RatedDown}
}

// AppealStats reads the appeal figures of a period and agency from the rollups, with
// those of the previous period of the same length.
func (db *DB) AppealStats(ctx context.Context, f azizayol.StatsFilter) (azizayol.AppealStats, error) {
	s := azizayol.AppealStats{Filter: f, By: map[string][]azizayol.StatsRow{},
		Answers: azizayol.NewAnswerHist(), PrevAns: azizayol.NewAnswerHist(),
		ByAgency: map[int64]azizayol.AnswerHist{}, ByTopic: map[string]azizayol.AnswerHist{}}
	prev := f.Period.Previous()
	b := &pgx.Batch{}

	// Every dimension of the period.
	w := &where{}
	b.Queue(`SELECT dim, value, `+countColumns+` FROM `+periodRows(w, "stats_appeals", f.Period, f.AgencyID)+
		` WHERE dim <> 'all' GROUP BY dim, value`, w.args...).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var dim string
			var r azizayol.StatsRow
			if err := rows.Scan(append([]any{&dim, &r.Value}, countDest(&r.StatsCount)...)...); err != nil {
				return err
			}
			s.By[dim] = append(s.By[dim], r)
		}
		return rows.Err()
	})

	// Every agency of the period: its totals.
	w = &where{}
	b.Queue(`SELECT agency_id, `+countColumns+` FROM `+periodRows(w, "stats_appeals", f.Period, f.AgencyID)+
		` WHERE dim = 'all' GROUP BY agency_id`, w.args...).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var id int64
			var r azizayol.StatsRow
			if err := rows.Scan(append([]any{&id}, countDest(&r.StatsCount)...)...); err != nil {
				return err
			}
			r.Value = strconv.FormatInt(id, 10)
			s.Agencies = append(s.Agencies, r)
			s.Total.Add(r.StatsCount)
		}
		return rows.Err()
	})

	// The previous period's totals.
	w = &where{}
	b.Queue(`SELECT `+countColumns+` FROM `+periodRows(w, "stats_appeals", prev, f.AgencyID)+` WHERE dim = 'all'`, w.args...).
		QueryRow(func(r pgx.Row) error {
			var c azizayol.StatsCount
			var n [8]*int
			dest := make([]any, len(n))
			for i := range n {
				dest[i] = &n[i]
			}
			if err := r.Scan(dest...); err != nil {
				return err
			}
			for i, p := range countDest(&c) {
				if n[i] != nil {
					*p.(*int) = *n[i]
				}
			}
			s.Previous = c
			return nil
		})

	// The days of both periods, from the day rows.
	w = &where{}
	w.add("day >= $?::date", prev.From.Format(time.DateOnly))
	w.add("day <= $?::date", f.Period.To.Format(time.DateOnly))
	if f.AgencyID != 0 {
		w.add("agency_id = $?", f.AgencyID)
	}
	byDay := map[string]azizayol.StatsDay{}
	b.Queue(`SELECT to_char(day, 'YYYY-MM-DD'), sum(received)::int, sum(answered)::int FROM stats_appeals
		WHERE grain = 'd' AND dim = 'all' AND `+w.sql()+` GROUP BY day`, w.args...).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var day string
			var d azizayol.StatsDay
			if err := rows.Scan(&day, &d.Received, &d.Answered); err != nil {
				return err
			}
			byDay[day] = d
		}
		return rows.Err()
	})

	// The times to first answer, by agency and topic, of both periods.
	for _, period := range []azizayol.StatsPeriod{f.Period, prev} {
		current := period == f.Period
		w = &where{}
		b.Queue(`SELECT agency_id, topic, bucket, sum(n)::int FROM `+periodRows(w, "stats_answer_times", period, f.AgencyID)+
			` GROUP BY agency_id, topic, bucket`, w.args...).Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var agency int64
				var topic string
				var bucket, n int
				if err := rows.Scan(&agency, &topic, &bucket, &n); err != nil {
					return err
				}
				if bucket < 0 || bucket > len(azizayol.AnswerBuckets) {
					continue
				}
				if !current {
					s.PrevAns[bucket] += n
					continue
				}
				s.Answers[bucket] += n
				if s.ByAgency[agency] == nil {
					s.ByAgency[agency] = azizayol.NewAnswerHist()
				}
				s.ByAgency[agency][bucket] += n
				if s.ByTopic[topic] == nil {
					s.ByTopic[topic] = azizayol.NewAnswerHist()
				}
				s.ByTopic[topic][bucket] += n
			}
			return rows.Err()
		})
	}
	b.Queue(`SELECT refreshed_at FROM stats_state WHERE refreshed_at > '-infinity'`).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			if err := rows.Scan(&s.Refreshed); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	// In a transaction of their own, so that JIT can be turned off for these small
	// reads of the rollups (the planner's estimates of a year's rows can call for it,
	// and compiling costs hundreds of milliseconds).
	err := pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL jit = off`); err != nil {
			return err
		}
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return s, fmt.Errorf("postgres: appeal stats: %w", err)
	}
	for _, rows := range s.By {
		azizayol.SortStatsRows(rows)
	}
	azizayol.SortStatsRows(s.Agencies)
	s.Days = statsDays(f.Period, byDay)
	s.PrevDays = statsDays(prev, byDay)
	return s, nil
}

// statsDays is every day of p, with its figures or none.
func statsDays(p azizayol.StatsPeriod, byDay map[string]azizayol.StatsDay) []azizayol.StatsDay {
	var out []azizayol.StatsDay
	for d := p.From; !d.After(p.To); d = d.AddDate(0, 0, 1) {
		day := byDay[d.Format(time.DateOnly)]
		day.Day = d
		out = append(out, day)
	}
	return out
}

// UserStats reads the snapshot of the women reached.
func (db *DB) UserStats(ctx context.Context) (azizayol.UserStats, error) {
	var s azizayol.UserStats
	rows, err := db.pool.Query(ctx, `SELECT channel, lang, region_code, users, active_week, blocked, opted_out FROM stats_users`)
	if err != nil {
		return s, fmt.Errorf("postgres: user stats: %w", err)
	}
	byChannel, byLang, byRegion := map[string]*azizayol.StatsUsers{}, map[string]*azizayol.StatsUsers{}, map[string]*azizayol.StatsUsers{}
	add := func(m map[string]*azizayol.StatsUsers, k string, u azizayol.StatsUsers) {
		if m[k] == nil {
			m[k] = &azizayol.StatsUsers{}
		}
		addUsers(m[k], u)
	}
	for rows.Next() {
		var channel, lang, region string
		var u azizayol.StatsUsers
		if err := rows.Scan(&channel, &lang, &region, &u.Users, &u.ActiveWeek, &u.Blocked, &u.OptedOut); err != nil {
			rows.Close()
			return s, fmt.Errorf("postgres: user stats: %w", err)
		}
		addUsers(&s.Total, u)
		add(byChannel, channel, u)
		add(byLang, lang, u)
		add(byRegion, region, u)
	}
	if err := rows.Err(); err != nil {
		return s, fmt.Errorf("postgres: user stats: %w", err)
	}
	s.ByChannel, s.ByLang, s.ByRegion = userRows(byChannel), userRows(byLang), userRows(byRegion)
	if err := db.pool.QueryRow(ctx, `SELECT refreshed_at FROM stats_state WHERE refreshed_at > '-infinity'`).Scan(&s.Refreshed); err != nil && err != pgx.ErrNoRows {
		return s, fmt.Errorf("postgres: user stats: %w", err)
	}
	return s, nil
}

func addUsers(a *azizayol.StatsUsers, b azizayol.StatsUsers) {
	a.Users += b.Users
	a.ActiveWeek += b.ActiveWeek
	a.Blocked += b.Blocked
	a.OptedOut += b.OptedOut
}

// userRows lists a breakdown most women first.
func userRows(m map[string]*azizayol.StatsUsers) []azizayol.StatsUserRow {
	out := make([]azizayol.StatsUserRow, 0, len(m))
	for k, u := range m {
		out = append(out, azizayol.StatsUserRow{Value: k, StatsUsers: *u})
	}
	slices.SortFunc(out, func(a, b azizayol.StatsUserRow) int {
		if a.Users != b.Users {
			return b.Users - a.Users
		}
		return strings.Compare(a.Value, b.Value)
	})
	return out
}
