package postgres_test

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/postgres"
)

// The statistics rollups, checked against a direct count: appeals generated in SQL
// over four months (every channel, the simulator's too, every status, urgent ones,
// answers early and late, ratings), the rollups refreshed, and every figure the
// dashboard reads compared with the same figure counted here in Go from the appeals
// themselves. Then the appeals change (answers, a transfer, ratings, withdrawals, new
// filings, time passing deadlines) and the next refresh must agree again.

// statsSeed generates n appeals filed in the 120 days before $1, and women.
const statsSeed = `
SELECT setseed(0.42);
CREATE TEMP TABLE t_topics AS SELECT row_number() OVER (ORDER BY code) - 1 AS k, code, kind, agency_kind, urgent FROM topics;
CREATE TEMP TABLE t_districts AS SELECT row_number() OVER (ORDER BY code) - 1 AS k, code, region_code FROM districts;
CREATE TEMP TABLE t_r AS
SELECT i, floor(random() * 11)::int AS tk, floor(random() * (SELECT count(*) FROM t_districts))::int AS dk,
       random() AS rc, random() AS rl, random() AS rs, random() AS ra, random() AS ru,
       $1::timestamptz - random() * interval '120 days' AS filed
FROM generate_series(1, $2::int) i;
INSERT INTO appeals (number, kind, topic, channel, lang, agency_id, region_code, district_code, urgent, status,
                     filed_at, deadline_at, first_answer_at, status_at)
SELECT 'T-' || r.i, t.kind, t.code,
       CASE WHEN r.rc < 0.6 THEN 'telegram' WHEN r.rc < 0.9 THEN 'sms' WHEN r.rc < 0.95 THEN 'shell' ELSE 'simulator' END,
       (ARRAY['uz-Latn', 'uz-Cyrl', 'ru'])[1 + floor(r.rl * 3)::int], g.id,
       CASE WHEN t.kind = 'appeal' THEN d.region_code END, CASE WHEN t.kind = 'appeal' THEN d.code END,
       t.urgent OR r.ru < 0.05,
       CASE WHEN r.rs < 0.2 THEN 'received' WHEN r.rs < 0.35 THEN 'in_progress' WHEN r.rs < 0.6 THEN 'answered'
            WHEN r.rs < 0.95 THEN 'closed' ELSE 'withdrawn' END,
       r.filed, r.filed + CASE WHEN t.urgent OR r.ru < 0.05 THEN interval '1 day' ELSE interval '5 days' END,
       CASE WHEN r.rs >= 0.35 AND r.rs < 0.97 THEN r.filed + r.ra * r.ra * interval '9 days' END,
       CASE WHEN r.rs >= 0.6 THEN r.filed + r.ru * interval '9 days' ELSE r.filed END
FROM t_r r JOIN t_topics t ON t.k = r.tk JOIN t_districts d ON d.k = r.dk
JOIN agencies g ON g.kind = t.agency_kind
    AND coalesce(g.region_code, '') = CASE WHEN t.agency_kind = 'khokimiyat' THEN d.region_code ELSE '' END;
INSERT INTO appeal_messages (appeal_id, author, text, rating, created_at)
SELECT a.id, 'agency', 'Javob', CASE WHEN k = 1 AND a.id % 3 = 0 THEN 1 WHEN k = 1 AND a.id % 3 = 1 THEN -1
                                     WHEN k = 2 AND a.id % 5 = 0 THEN 1 END, a.first_answer_at
FROM appeals a, generate_series(1, 2) k WHERE a.first_answer_at IS NOT NULL;
INSERT INTO users (channel, address, lang, region_code, blocked_at, opted_out_at, last_seen_at)
SELECT CASE WHEN u % 10 = 0 THEN 'simulator' WHEN u % 11 = 0 THEN 'shell' WHEN u % 3 = 0 THEN 'sms' ELSE 'telegram' END, 'stats-' || u,
       (ARRAY['', 'uz-Latn', 'uz-Cyrl', 'ru'])[1 + u % 4],
       CASE WHEN u % 5 > 0 THEN (SELECT code FROM regions ORDER BY code OFFSET u % 14 LIMIT 1) END,
       CASE WHEN u % 7 = 0 THEN $1::timestamptz END, CASE WHEN u % 3 = 0 AND u % 4 = 0 THEN $1::timestamptz END,
       $1::timestamptz - (u % 20) * interval '1 day'
FROM generate_series(1, 500) u;`

// seedStats runs statsSeed, statement by statement, in one transaction (its temporary
// tables live on its connection).
func seedStats(t *testing.T, raw *pgxpool.Pool, now time.Time, n int) {
	t.Helper()
	err := pgx.BeginFunc(t.Context(), raw, func(tx pgx.Tx) error {
		for _, stmt := range strings.Split(statsSeed, ";\n") {
			var args []any
			if strings.Contains(stmt, "$2") {
				args = []any{now, n}
			} else if strings.Contains(stmt, "$1") {
				args = []any{now}
			}
			if _, err := tx.Exec(t.Context(), stmt, args...); err != nil {
				return fmt.Errorf("%.80s: %w", stmt, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// rawAppeal is an appeal as the direct count reads it.
type rawAppeal struct {
	agency                                               int64
	region, district, topic, kind, channel, lang, status string
	urgent                                               bool
	filed, deadline, statusAt                            time.Time
	answered                                             *time.Time
	up, down                                             int
}

func rawAppeals(t *testing.T, raw *pgxpool.Pool) []rawAppeal {
	t.Helper()
	rows, err := raw.Query(t.Context(), `SELECT agency_id, coalesce(region_code, ''), coalesce(district_code, ''), topic, kind,
		channel, lang, status, urgent, filed_at, deadline_at, status_at, first_answer_at,
		(SELECT count(*) FROM appeal_messages m WHERE m.appeal_id = a.id AND m.rating = 1),
		(SELECT count(*) FROM appeal_messages m WHERE m.appeal_id = a.id AND m.rating = -1)
		FROM appeals a`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []rawAppeal
	for rows.Next() {
		var a rawAppeal
		if err := rows.Scan(&a.agency, &a.region, &a.district, &a.topic, &a.kind, &a.channel, &a.lang, &a.status,
			&a.urgent, &a.filed, &a.deadline, &a.statusAt, &a.answered, &a.up, &a.down); err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// directStats counts, appeal by appeal, what AppealStats must return (but Refreshed).
func directStats(all []rawAppeal, f azizayol.StatsFilter, asof time.Time) azizayol.AppealStats {
	s := azizayol.AppealStats{Filter: f, By: map[string][]azizayol.StatsRow{},
		Answers: azizayol.NewAnswerHist(), PrevAns: azizayol.NewAnswerHist(),
		ByAgency: map[int64]azizayol.AnswerHist{}, ByTopic: map[string]azizayol.AnswerHist{}}
	prev := f.Period.Previous()
	in := func(p azizayol.StatsPeriod, t time.Time) bool {
		d := azizayol.Day(t)
		return !d.Before(p.From) && !d.After(p.To)
	}
	by := map[string]map[string]*azizayol.StatsCount{}
	agencies := map[int64]*azizayol.StatsCount{}
	days := map[time.Time]*azizayol.StatsDay{}
	for _, a := range all {
		if a.channel == "simulator" || (f.AgencyID != 0 && a.agency != f.AgencyID) {
			continue
		}
		c := azizayol.StatsCount{Received: 1, RatedUp: a.up, RatedDown: a.down}
		// Overdue, by its definition: she was still waiting for a first answer when the
		// deadline passed. She stops waiting when answered; without an answer, when the
		// appeal ends (closed, withdrawn); otherwise she waits still (as of asof).
		waitedUntil := asof
		switch {
		case a.answered != nil:
			c.Answered = 1
			waitedUntil = *a.answered
		case a.status == "closed" || a.status == "withdrawn":
			waitedUntil = a.statusAt
		}
		if waitedUntil.After(a.deadline) {
			c.Overdue = 1
		}
		// The urgent share: within 24 hours out of those whose 24 hours are decided
		// (answered, or 24 hours gone by).
		if a.urgent {
			c.Urgent = 1
			if a.answered != nil || !asof.Before(a.filed.Add(24*time.Hour)) {
				c.UrgentDue = 1
			}
			if a.answered != nil && !a.answered.After(a.filed.Add(24*time.Hour)) {
				c.Urgent24h = 1
			}
		}
		bucket := -1
		if a.answered != nil {
			d := a.answered.Sub(a.filed)
			bucket = len(azizayol.AnswerBuckets)
			for i, edge := range azizayol.AnswerBuckets {
				if d < edge {
					bucket = i
					break
				}
			}
		}
		if in(prev, a.filed) {
			s.Previous.Add(c)
			if bucket >= 0 {
				s.PrevAns[bucket]++
			}
		}
		if in(prev, a.filed) || in(f.Period, a.filed) {
			d := azizayol.Day(a.filed)
			if days[d] == nil {
				days[d] = &azizayol.StatsDay{}
			}
			days[d].Received++
			days[d].Answered += c.Answered
		}
		if !in(f.Period, a.filed) {
			continue
		}
		s.Total.Add(c)
		if agencies[a.agency] == nil {
			agencies[a.agency] = &azizayol.StatsCount{}
		}
		agencies[a.agency].Add(c)
		for dim, v := range map[string]string{"kind": a.kind, "region": a.region, "district": a.district, "topic": a.topic,
			"channel": a.channel, "lang": a.lang, "status": a.status, "region_topic": a.region + "|" + a.topic} {
			if by[dim] == nil {
				by[dim] = map[string]*azizayol.StatsCount{}
			}
			if by[dim][v] == nil {
				by[dim][v] = &azizayol.StatsCount{}
			}
			by[dim][v].Add(c)
		}
		if bucket >= 0 {
			s.Answers[bucket]++
			if s.ByAgency[a.agency] == nil {
				s.ByAgency[a.agency] = azizayol.NewAnswerHist()
			}
			s.ByAgency[a.agency][bucket]++
			if s.ByTopic[a.topic] == nil {
				s.ByTopic[a.topic] = azizayol.NewAnswerHist()
			}
			s.ByTopic[a.topic][bucket]++
		}
	}
	for dim, m := range by {
		for v, c := range m {
			s.By[dim] = append(s.By[dim], azizayol.StatsRow{Value: v, StatsCount: *c})
		}
		azizayol.SortStatsRows(s.By[dim])
	}
	for id, c := range agencies {
		s.Agencies = append(s.Agencies, azizayol.StatsRow{Value: strconv.FormatInt(id, 10), StatsCount: *c})
	}
	azizayol.SortStatsRows(s.Agencies)
	for _, p := range []azizayol.StatsPeriod{f.Period, prev} {
		var list []azizayol.StatsDay
		for d := p.From; !d.After(p.To); d = d.AddDate(0, 0, 1) {
			day := azizayol.StatsDay{Day: d}
			if x := days[d]; x != nil {
				day.Received, day.Answered = x.Received, x.Answered
			}
			list = append(list, day)
		}
		if p == f.Period {
			s.Days = list
		} else {
			s.PrevDays = list
		}
	}
	return s
}

// sameStats reports every difference between the rollups' figures and the direct ones.
func sameStats(t *testing.T, name string, got, want azizayol.AppealStats) {
	t.Helper()
	if got.Total != want.Total {
		t.Errorf("%s: total %+v, want %+v", name, got.Total, want.Total)
	}
	if got.Previous != want.Previous {
		t.Errorf("%s: previous %+v, want %+v", name, got.Previous, want.Previous)
	}
	for _, dim := range azizayol.StatsDims {
		if !slices.Equal(got.By[dim], want.By[dim]) {
			t.Errorf("%s: by %s\n got %+v\nwant %+v", name, dim, got.By[dim], want.By[dim])
		}
	}
	if len(got.By) != len(want.By) {
		t.Errorf("%s: dimensions %v, want %v", name, slices.Sorted(maps.Keys(got.By)), slices.Sorted(maps.Keys(want.By)))
	}
	if !slices.Equal(got.Agencies, want.Agencies) {
		t.Errorf("%s: agencies\n got %+v\nwant %+v", name, got.Agencies, want.Agencies)
	}
	dayEq := func(a, b azizayol.StatsDay) bool {
		return a.Day.Equal(b.Day) && a.Received == b.Received && a.Answered == b.Answered
	}
	if !slices.EqualFunc(got.Days, want.Days, dayEq) || !slices.EqualFunc(got.PrevDays, want.PrevDays, dayEq) {
		t.Errorf("%s: days differ\n got %v\nwant %v", name, got.Days, want.Days)
	}
	if !slices.Equal(got.Answers, want.Answers) || !slices.Equal(got.PrevAns, want.PrevAns) {
		t.Errorf("%s: answer times %v / %v, want %v / %v", name, got.Answers, got.PrevAns, want.Answers, want.PrevAns)
	}
	if !reflect.DeepEqual(got.ByAgency, want.ByAgency) || !reflect.DeepEqual(got.ByTopic, want.ByTopic) {
		t.Errorf("%s: answer times by agency or topic differ\n got %v %v\nwant %v %v", name, got.ByAgency, got.ByTopic, want.ByAgency, want.ByTopic)
	}
}

// checkAll compares the rollups with the direct count over several periods and
// scopes: presets, whole months (read from the month rows), a single day, a period
// before any appeal, one agency.
func checkAll(t *testing.T, db *postgres.DB, raw *pgxpool.Pool, now time.Time) {
	t.Helper()
	all := rawAppeals(t, raw)
	today := azizayol.Day(now)
	firstOfMonth := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, azizayol.Tashkent)
	periods := map[string]azizayol.StatsPeriod{
		"two whole months":        {From: firstOfMonth.AddDate(0, -2, 0), To: firstOfMonth.AddDate(0, 0, -1)},
		"whole month and days":    {From: firstOfMonth.AddDate(0, -2, -5), To: today},
		"one day":                 {From: today.AddDate(0, 0, -3), To: today.AddDate(0, 0, -3)},
		"before everything":       {From: today.AddDate(-2, 0, 0), To: today.AddDate(-1, 0, 0)},
		"mid-month to mid-month":  {From: firstOfMonth.AddDate(0, -3, 10), To: firstOfMonth.AddDate(0, -1, 12)},
		"to the end of the month": {From: firstOfMonth.AddDate(0, -1, 3), To: firstOfMonth.AddDate(0, 0, -1)},
	}
	for _, preset := range azizayol.StatsPresets {
		p, ok := azizayol.PresetPeriod(preset, now)
		if !ok {
			t.Fatalf("preset %s", preset)
		}
		periods["preset "+preset] = p
	}
	var agency int64
	if err := raw.QueryRow(t.Context(), `SELECT id FROM agencies WHERE code = 'justice'`).Scan(&agency); err != nil {
		t.Fatal(err)
	}
	for name, p := range periods {
		for _, a := range []int64{0, agency} {
			f := azizayol.StatsFilter{Period: p, AgencyID: a}
			got, err := db.AppealStats(t.Context(), f)
			if err != nil {
				t.Fatal(err)
			}
			sameStats(t, fmt.Sprintf("%s, agency %d", name, a), got, directStats(all, f, now))
			if !got.Refreshed.Equal(now) {
				t.Errorf("refreshed %v, want %v", got.Refreshed, now)
			}
		}
	}
	if t.Failed() {
		t.FailNow()
	}
}

// directUsers counts the women reached from the users table.
func directUsers(t *testing.T, raw *pgxpool.Pool, now time.Time) azizayol.UserStats {
	t.Helper()
	rows, err := raw.Query(t.Context(), `SELECT channel, lang, coalesce(region_code, ''), blocked_at IS NOT NULL,
		opted_out_at IS NOT NULL, last_seen_at FROM users`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var s azizayol.UserStats
	by := []map[string]*azizayol.StatsUsers{{}, {}, {}}
	for rows.Next() {
		var channel, lang, region string
		var blocked, opted bool
		var seen time.Time
		if err := rows.Scan(&channel, &lang, &region, &blocked, &opted, &seen); err != nil {
			t.Fatal(err)
		}
		if channel == "simulator" || channel == "shell" {
			continue // staff trying the bot
		}
		u := azizayol.StatsUsers{Users: 1}
		if seen.After(now.Add(-7 * 24 * time.Hour)) {
			u.ActiveWeek = 1
		}
		if blocked {
			u.Blocked = 1
		}
		if opted {
			u.OptedOut = 1
		}
		for i, k := range []string{channel, lang, region} {
			if by[i][k] == nil {
				by[i][k] = &azizayol.StatsUsers{}
			}
			*by[i][k] = azizayol.StatsUsers{Users: by[i][k].Users + u.Users, ActiveWeek: by[i][k].ActiveWeek + u.ActiveWeek,
				Blocked: by[i][k].Blocked + u.Blocked, OptedOut: by[i][k].OptedOut + u.OptedOut}
		}
		s.Total = azizayol.StatsUsers{Users: s.Total.Users + 1, ActiveWeek: s.Total.ActiveWeek + u.ActiveWeek,
			Blocked: s.Total.Blocked + u.Blocked, OptedOut: s.Total.OptedOut + u.OptedOut}
	}
	list := func(m map[string]*azizayol.StatsUsers) []azizayol.StatsUserRow {
		var out []azizayol.StatsUserRow
		for k, u := range m {
			out = append(out, azizayol.StatsUserRow{Value: k, StatsUsers: *u})
		}
		slices.SortFunc(out, func(a, b azizayol.StatsUserRow) int {
			if a.Users != b.Users {
				return b.Users - a.Users
			}
			if a.Value < b.Value {
				return -1
			}
			return 1
		})
		return out
	}
	s.ByChannel, s.ByLang, s.ByRegion = list(by[0]), list(by[1]), list(by[2])
	s.Refreshed = now
	return s
}

func refresh(t *testing.T, db *postgres.DB, now time.Time) int {
	t.Helper()
	n, err := db.RefreshStats(t.Context(), now)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestStatsRollupsMatchDirectCounts(t *testing.T) {
	db, raw := open(t)
	ctx := t.Context()
	now := time.Now().Truncate(time.Second)
	seedStats(t, raw, now, 3000)
	var sim int
	if err := raw.QueryRow(ctx, `SELECT count(*) FROM appeals WHERE channel = 'simulator'`).Scan(&sim); err != nil || sim == 0 {
		t.Fatalf("no simulator appeals to leave out (%v)", err)
	}
	if n := refresh(t, db, now); n < 100 {
		t.Fatalf("first refresh computed %d days, want every day of the 120", n)
	}
	checkAll(t, db, raw, now)
	u, err := db.UserStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := directUsers(t, raw, now); !reflect.DeepEqual(u, want) {
		t.Fatalf("users\n got %+v\nwant %+v", u, want)
	}

	// Nothing changed: nothing to recompute.
	if n := refresh(t, db, now); n != 0 {
		t.Errorf("an idle refresh recomputed %d days", n)
	}

	// The desk works: answers, a transfer, withdrawals, ratings; new appeals today; a
	// change of an appeal's phone (the retention purge) marks nothing.
	exec(t, raw, `UPDATE appeals SET first_answer_at = $1, status = 'answered' WHERE id IN (
		SELECT id FROM appeals WHERE status = 'received' ORDER BY id LIMIT 40)`, now)
	exec(t, raw, `UPDATE appeals SET agency_id = (SELECT id FROM agencies WHERE code = 'mahalla') WHERE id IN (
		SELECT id FROM appeals WHERE topic = 'legal' ORDER BY id LIMIT 10)`)
	exec(t, raw, `UPDATE appeals SET status = 'withdrawn', status_at = $1 WHERE id IN (SELECT id FROM appeals WHERE status = 'in_progress' ORDER BY id LIMIT 15)`, now)
	exec(t, raw, `UPDATE appeal_messages SET rating = -rating WHERE id IN (SELECT id FROM appeal_messages WHERE rating IS NOT NULL ORDER BY id LIMIT 30)`)
	exec(t, raw, `UPDATE appeal_messages SET rating = 1 WHERE id IN (SELECT id FROM appeal_messages WHERE rating IS NULL ORDER BY id DESC LIMIT 30)`)
	exec(t, raw, `INSERT INTO appeals (number, kind, topic, channel, lang, agency_id, urgent, filed_at, deadline_at, status_at)
		SELECT 'N-' || k, 'consultation', 'medical', 'telegram', 'ru', (SELECT id FROM agencies WHERE code = 'health'), k % 2 = 0,
		       $1::timestamptz - k * interval '1 minute', $1::timestamptz + interval '1 hour', $1::timestamptz
		FROM generate_series(1, 25) k`, now)
	if n := refresh(t, db, now); n == 0 {
		t.Fatal("changes recomputed nothing")
	}
	checkAll(t, db, raw, now)
	exec(t, raw, `UPDATE appeals SET phone = NULL, user_id = NULL, purged_at = now(), assigned_to = NULL WHERE status = 'closed'`)
	if n := count(t, raw, `SELECT count(*) FROM stats_dirty`); n != 0 {
		t.Errorf("the retention purge's change marked %d days", n)
	}

	// Three days pass with nobody touching the open appeals: those past their
	// deadline now are overdue, though no row changed.
	later := now.Add(72 * time.Hour)
	if n := refresh(t, db, later); n == 0 {
		t.Fatal("deadlines passing recomputed nothing")
	}
	checkAll(t, db, raw, later)
	u, err = db.UserStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := directUsers(t, raw, later); !reflect.DeepEqual(u, want) {
		t.Fatalf("users three days later\n got %+v\nwant %+v", u, want)
	}
}

// A change committed while a refresh runs is not lost: its log entry, invisible to the
// refresh's snapshot, survives the refresh's delete and is recomputed by the next.
func TestStatsRefreshKeepsConcurrentChanges(t *testing.T) {
	db, raw := open(t)
	ctx := t.Context()
	now := time.Now().Truncate(time.Second)
	seedStats(t, raw, now, 200)
	refresh(t, db, now)
	// A transaction answers an appeal and stays open while the refresh runs.
	tx, err := raw.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(context.Background())
	var id int64
	if err := tx.QueryRow(ctx, `UPDATE appeals SET first_answer_at = $1, status = 'answered' WHERE id = (
		SELECT id FROM appeals WHERE status = 'received' AND channel <> 'simulator' ORDER BY id LIMIT 1) RETURNING id`, now).Scan(&id); err != nil {
		t.Fatal(err)
	}
	refresh(t, db, now)
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if count(t, raw, `SELECT count(*) FROM stats_dirty`) != 1 {
		t.Fatal("the concurrent change's mark is gone")
	}
	refresh(t, db, now)
	checkAll(t, db, raw, now)
}

// Closing an appeal nobody answered does not erase its lateness; an urgent appeal
// counts in the share answered within 24 hours once answered or once its 24 hours
// are over, and the refresh after those 24 hours recomputes its day unprompted.
func TestStatsOverdueAndUrgentShare(t *testing.T) {
	db, raw := open(t)
	now := time.Now().Truncate(time.Second)
	insert := func(number string, urgent bool, filed, deadline time.Time) int64 {
		t.Helper()
		var id int64
		if err := raw.QueryRow(t.Context(), `INSERT INTO appeals (number, kind, topic, channel, lang, agency_id, urgent, filed_at, deadline_at, status_at)
			VALUES ($1, 'consultation', 'legal', 'telegram', 'ru', (SELECT id FROM agencies WHERE code = 'justice'), $2, $3, $4, $3)
			RETURNING id`, number, urgent, filed, deadline).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	// Filed two days ago, due yesterday, withdrawn unanswered today: overdue.
	late := insert("O-1", false, now.Add(-48*time.Hour), now.Add(-24*time.Hour))
	exec(t, raw, `UPDATE appeals SET status = 'withdrawn', status_at = $2 WHERE id = $1`, late, now.Add(-time.Hour))
	// Filed two days ago, withdrawn unanswered before its deadline: not overdue.
	early := insert("O-2", false, now.Add(-48*time.Hour), now.Add(-24*time.Hour))
	exec(t, raw, `UPDATE appeals SET status = 'withdrawn', status_at = $2 WHERE id = $1`, early, now.Add(-30*time.Hour))
	// Urgent, filed 23 hours ago, unanswered, due in five days.
	insert("U-1", true, now.Add(-23*time.Hour), now.Add(5*24*time.Hour))
	// Urgent, filed 2 hours ago, answered an hour later.
	answered := insert("U-2", true, now.Add(-2*time.Hour), now.Add(22*time.Hour))
	exec(t, raw, `UPDATE appeals SET first_answer_at = $2, status = 'answered' WHERE id = $1`, answered, now.Add(-time.Hour))

	read := func(asof time.Time) azizayol.StatsCount {
		t.Helper()
		refresh(t, db, asof)
		today := azizayol.Day(asof)
		s, err := db.AppealStats(t.Context(), azizayol.StatsFilter{Period: azizayol.StatsPeriod{From: today.AddDate(0, 0, -5), To: today}})
		if err != nil {
			t.Fatal(err)
		}
		return s.Total
	}
	if c := read(now); c.Overdue != 1 || c.Urgent != 2 || c.UrgentDue != 1 || c.Urgent24h != 1 {
		t.Errorf("now: overdue %d, urgent %d, decided %d, within 24 h %d; want 1, 2, 1, 1", c.Overdue, c.Urgent, c.UrgentDue, c.Urgent24h)
	}
	// Two hours later nobody touched anything, but U-1's 24 hours are over.
	if c := read(now.Add(2 * time.Hour)); c.UrgentDue != 2 || c.Urgent24h != 1 {
		t.Errorf("two hours later: decided %d, within 24 h %d; want 2, 1", c.UrgentDue, c.Urgent24h)
	}
}

// A refresh that finds another one running returns at once, recomputing nothing,
// rather than waiting for it; and the snapshot of the women reached is not rewritten
// when nothing changed.
func TestStatsRefreshSkipsWhenLocked(t *testing.T) {
	db, raw := open(t)
	now := time.Now().Truncate(time.Second)
	seedStats(t, raw, now, 50)
	tx, err := raw.Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(t.Context(), `SELECT pg_advisory_xact_lock(1463907411)`); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	n, err := db.RefreshStats(ctx, now)
	if err != nil || n != 0 {
		t.Fatalf("refresh while another runs: %d days, %v; want 0, nil at once", n, err)
	}
	if count(t, raw, `SELECT count(*) FROM stats_dirty`) == 0 {
		t.Fatal("the skipped refresh consumed the log")
	}
	if err := tx.Rollback(t.Context()); err != nil {
		t.Fatal(err)
	}
	if n := refresh(t, db, now); n == 0 {
		t.Fatal("the refresh after the lock is free recomputed nothing")
	}
	versions := func() string {
		t.Helper()
		var s string
		if err := raw.QueryRow(t.Context(), `SELECT string_agg(xmin::text, ',' ORDER BY channel, lang, region_code) FROM stats_users`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := versions()
	refresh(t, db, now)
	if after := versions(); after != before {
		t.Errorf("an idle refresh rewrote the women reached: %s -> %s", before, after)
	}
}
