package admin_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/azizayol/azizayol"
)

// BenchmarkStatsDashboard measures the statistics dashboard with 1,000,000 appeals
// (issue 8: under 200 ms a view): the server's time of each view and export (the
// handler, its queries of the rollups, the charts and the template), as
// BenchmarkConsolePages does, and the stats job's refresh, first of everything and
// then of a minute's changes. The seeding (generate_series, about two minutes) and the
// first refresh happen once, before the measurements:
//
//	go test -run '^$' -bench BenchmarkStatsDashboard -benchtime 20x -timeout 60m ./admin
func BenchmarkStatsDashboard(b *testing.B) {
	c := newConsoleTB(b)
	ctx := context.Background()
	root := c.staff(azizayol.SuperAdmin, "")
	samarkand := c.staff(azizayol.AgencyAdmin, "khokimiyat-1718")
	justice := c.staff(azizayol.AgencyAdmin, "justice")

	start := time.Now()
	if _, err := c.pool.Exec(ctx, statsBenchSeed); err != nil {
		b.Fatalf("seed: %v", err)
	}
	seeded := time.Since(start)
	if _, err := c.pool.Exec(ctx, `VACUUM ANALYZE`); err != nil { // as a live database is
		b.Fatal(err)
	}
	start = time.Now()
	days, err := c.db.RefreshStats(ctx, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	first := time.Since(start)
	if _, err := c.pool.Exec(ctx, `VACUUM ANALYZE stats_appeals, stats_answer_times`); err != nil {
		b.Fatal(err)
	}
	var counts struct{ appeals, ratings, users, rollup, answers int }
	if err := c.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM appeals), (SELECT count(*) FROM appeal_messages WHERE rating IS NOT NULL),
		(SELECT count(*) FROM users), (SELECT count(*) FROM stats_appeals), (SELECT count(*) FROM stats_answer_times)`).
		Scan(&counts.appeals, &counts.ratings, &counts.users, &counts.rollup, &counts.answers); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded in %s: %d appeals, %d ratings, %d users; first refresh of %d days in %s: %d rollup rows, %d answer-time rows",
		seeded.Round(time.Millisecond), counts.appeals, counts.ratings, counts.users, days, first.Round(time.Millisecond),
		counts.rollup, counts.answers)

	clients := map[int64]*http.Client{root.ID: c.login(root), samarkand.ID: c.login(samarkand), justice.ID: c.login(justice)}
	pages := []struct {
		name string
		who  azizayol.Staff
		path string
	}{
		{"view/super-admin-7-days", root, "/admin/stats?preset=7"},
		{"view/super-admin-30-days", root, "/admin/stats?preset=30"},
		{"view/super-admin-90-days", root, "/admin/stats?preset=90"},
		{"view/super-admin-this-year", root, "/admin/stats?preset=year"},
		{"view/super-admin-two-years", root, "/admin/stats?from=" + time.Now().AddDate(-2, 0, 0).Format(time.DateOnly) + "&to=" + time.Now().Format(time.DateOnly)},
		{"view/agency-admin-30-days", samarkand, "/admin/stats?preset=30"},
		{"view/national-agency-year", justice, "/admin/stats?preset=year"},
		{"export/region-topic-csv-year", root, "/admin/stats/export?preset=year&table=region_topic&format=csv"},
		{"export/districts-xlsx-year", root, "/admin/stats/export?preset=year&table=districts&format=xlsx"},
	}
	measurePages(b, c, clients, len(pages), func(i int) benchPage {
		p := pages[i]
		return benchPage{p.name, p.who, p.path, func(body string) bool {
			return len(body) >= 500 && (!strings.HasPrefix(p.name, "view/") || strings.Contains(body, "<svg"))
		}}
	})

	// The store's part of a view: the reads of the rollups alone, without the page.
	for _, preset := range azizayol.StatsPresets {
		period, _ := azizayol.PresetPeriod(preset, time.Now())
		b.Run("store/appeal-stats-"+preset, func(b *testing.B) {
			times := make([]time.Duration, 0, b.N)
			for range b.N {
				t0 := time.Now()
				if _, err := c.db.AppealStats(ctx, azizayol.StatsFilter{Period: period}); err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(t0))
			}
			reportTimes(b, times)
		})
	}

	// A minute of the desk's work: the 150 latest appeals received answered, and 50 of
	// the oldest still open (the backlog, spread over months), 100 filed; then the
	// job's run, which recomputes every day and month they touched.
	filed := 0
	b.Run("refresh/a-minute-of-changes", func(b *testing.B) {
		times := make([]time.Duration, 0, b.N)
		for range b.N {
			filed++
			if _, err := c.pool.Exec(ctx, `UPDATE appeals SET first_answer_at = now(), status = 'answered'
				WHERE id IN (SELECT id FROM appeals WHERE status = 'received' ORDER BY filed_at DESC LIMIT 150)
				   OR id IN (SELECT id FROM appeals WHERE status = 'received' ORDER BY filed_at LIMIT 50)`); err != nil {
				b.Fatal(err)
			}
			if _, err := c.pool.Exec(ctx, `INSERT INTO appeals (number, kind, topic, channel, lang, agency_id, urgent, status, filed_at, deadline_at, status_at)
				SELECT 'B-' || $1::int || '-' || k, 'consultation', 'legal', 'telegram', 'ru', (SELECT id FROM agencies WHERE code = 'justice'),
				       false, 'received', now(), now() + interval '5 days', now()
				FROM generate_series(1, 100) k`, filed); err != nil {
				b.Fatal(err)
			}
			t0 := time.Now()
			if _, err := c.db.RefreshStats(ctx, time.Now()); err != nil {
				b.Fatal(err)
			}
			times = append(times, time.Since(t0))
		}
		reportTimes(b, times)
	})
}

// statsBenchSeed files 1,000,000 appeals and consultations over two years (one every
// minute or so; topics and regions as unevenly spread as the service sees them; 5%
// urgent; most answered, the older ones closed, some open; first answers from minutes
// to weeks), 600,000 answers of which a third are rated, and 100,000 women. The
// statistics triggers are off while it runs (a million marks of a few hundred days),
// and every day is marked once at the end, as the migration does for existing appeals.
const statsBenchSeed = `
SELECT setseed(0.507);
ALTER TABLE appeals DISABLE TRIGGER appeals_stats_insert;
ALTER TABLE appeal_messages DISABLE TRIGGER appeal_messages_stats;
CREATE TEMP TABLE b_topics AS
SELECT t.code, t.kind, t.agency_kind, t.urgent,
       (sum(w.w) OVER (ORDER BY w.n) - w.w)::float8 / 100 AS lo, sum(w.w) OVER (ORDER BY w.n)::float8 / 100 AS hi
FROM (VALUES (1, 'legal', 9), (2, 'medical', 6), (3, 'psychological', 8), (4, 'notebook_in', 14),
             (5, 'notebook_out', 6), (6, 'housing', 14), (7, 'grant', 3), (8, 'employment', 12),
             (9, 'entrepreneurship', 8), (10, 'violence', 4), (11, 'misc', 16)) w (n, code, w)
JOIN topics t ON t.code = w.code;
CREATE TEMP TABLE b_regions AS
SELECT code, (sum(w) OVER (ORDER BY code) - w)::float8 / sum(w) OVER () AS lo,
       sum(w) OVER (ORDER BY code)::float8 / sum(w) OVER () AS hi,
       (SELECT count(*) FROM districts d WHERE d.region_code = x.code) AS nd
FROM (VALUES ('1735', 20), ('1703', 33), ('1706', 20), ('1708', 15), ('1710', 35), ('1712', 11), ('1714', 29),
             ('1718', 41), ('1722', 28), ('1724', 9), ('1727', 30), ('1730', 39), ('1733', 19), ('1726', 30)) x (code, w);
CREATE TEMP TABLE b_districts AS
SELECT code, region_code, row_number() OVER (PARTITION BY region_code ORDER BY code) - 1 AS k FROM districts;
CREATE TEMP TABLE b_agencies AS
SELECT id, kind, coalesce(region_code, '') AS region FROM agencies;
INSERT INTO appeals (number, kind, topic, channel, lang, agency_id, region_code, district_code, urgent, status,
                     filed_at, deadline_at, first_answer_at, status_at)
SELECT 'AA-B-' || i, t.kind, t.code,
       CASE WHEN r.rc < 0.8 THEN 'telegram' ELSE 'sms' END,
       CASE WHEN r.rl < 0.55 THEN 'uz-Latn' WHEN r.rl < 0.7 THEN 'uz-Cyrl' ELSE 'ru' END,
       g.id, CASE WHEN t.kind = 'appeal' THEN reg.code END, CASE WHEN t.kind = 'appeal' THEN d.code END,
       t.urgent OR r.ru < 0.02,
       CASE WHEN now() - r.filed < interval '7 days' THEN CASE WHEN r.rs < 0.5 THEN 'received' WHEN r.rs < 0.8 THEN 'in_progress' ELSE 'answered' END
            WHEN r.rs < 0.03 THEN 'received' WHEN r.rs < 0.08 THEN 'in_progress' WHEN r.rs < 0.25 THEN 'answered'
            WHEN r.rs < 0.98 THEN 'closed' ELSE 'withdrawn' END,
       r.filed, r.filed + CASE WHEN t.urgent OR r.ru < 0.02 THEN interval '1 day' ELSE interval '7 days' END,
       CASE WHEN (now() - r.filed >= interval '7 days' AND r.rs >= 0.08 AND r.rs < 0.98) OR (now() - r.filed < interval '7 days' AND r.rs >= 0.8)
            THEN least(now(), r.filed + r.ra * r.ra * r.ra * interval '20 days') END,
       r.filed
FROM (SELECT i, random() AS rt, random() AS rr, random() AS rd, random() AS rc, random() AS rl, random() AS ru,
             random() AS rs, random() AS ra, now() - (1000000 - i) * interval '63 seconds' AS filed
      FROM generate_series(1, 1000000) i) r
JOIN b_topics t ON r.rt >= t.lo AND r.rt < t.hi
JOIN b_regions reg ON r.rr >= reg.lo AND r.rr < reg.hi
JOIN b_districts d ON d.region_code = reg.code AND d.k = floor(r.rd * reg.nd)::bigint
JOIN b_agencies g ON g.kind = t.agency_kind AND g.region = CASE WHEN t.agency_kind = 'khokimiyat' THEN reg.code ELSE '' END;
INSERT INTO appeal_messages (appeal_id, author, text, rating, created_at)
SELECT id, 'agency', 'Javob', CASE WHEN id % 6 = 0 THEN -1 WHEN id % 6 IN (1, 2) THEN 1 END, first_answer_at
FROM appeals WHERE first_answer_at IS NOT NULL AND id % 3 <> 0;
INSERT INTO users (channel, address, lang, region_code, created_at, last_seen_at, blocked_at, opted_out_at)
SELECT CASE WHEN u % 5 = 0 THEN 'sms' ELSE 'telegram' END, 'bench-' || u,
       (ARRAY['uz-Latn', 'uz-Latn', 'uz-Cyrl', 'ru'])[1 + u % 4],
       CASE WHEN u % 3 > 0 THEN (SELECT code FROM regions ORDER BY code OFFSET u % 14 LIMIT 1) END,
       now() - interval '700 days' + u * interval '10 minutes', now() - (u % 60) * interval '1 day',
       CASE WHEN u % 23 = 0 THEN now() END, CASE WHEN u % 5 = 0 AND u % 7 = 0 THEN now() END
FROM generate_series(1, 100000) u;
ALTER TABLE appeals ENABLE TRIGGER appeals_stats_insert;
ALTER TABLE appeal_messages ENABLE TRIGGER appeal_messages_stats;
INSERT INTO stats_dirty (day) SELECT DISTINCT stats_day(filed_at) FROM appeals;`
