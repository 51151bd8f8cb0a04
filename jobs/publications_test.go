package jobs_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/internal/testenv"
	"github.com/azizayol/azizayol/jobs"
)

// The publication reminders, day by day on a fake clock: nothing four days before the
// due day, a reminder three days before, none again while it waits, a late one the
// day after the due day, never twice; a publication starts the next period.
func TestPublicationReminders(t *testing.T) {
	db, pool := testenv.DBWithPool(t)
	ctx := context.Background()
	// Health's monthly item (Appendix 2, row 4.3) started on 1 November: due on 1
	// December. Every other item starts later, far from the days below.
	if _, err := pool.Exec(ctx, `UPDATE publication_schedule SET starts_on = '2027-01-01'`); err != nil {
		t.Fatal(err)
	}
	var item, health int64
	err := pool.QueryRow(ctx, `UPDATE publication_schedule p SET starts_on = '2026-11-01' FROM agencies a
		WHERE a.id = p.agency_id AND a.code = 'health' AND p.row_ref = '4.3' RETURNING p.id, a.id`).Scan(&item, &health)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Time{}
	job := &jobs.Publications{DB: db, Now: func() time.Time { return now }}
	reminders := func() []string {
		rows, err := pool.Query(ctx, `SELECT kind || ' ' || to_char(due_on, 'YYYY-MM-DD') FROM publication_reminders
			WHERE schedule_id = $1 ORDER BY id`, item)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var list []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			list = append(list, s)
		}
		return list
	}
	var total int
	days := []struct {
		at   string
		want []string // every reminder of the item after the run
	}{
		{"2026-11-27 09:00", nil}, // four days before
		{"2026-11-28 09:00", []string{"soon 2026-12-01"}},
		{"2026-11-28 15:00", []string{"soon 2026-12-01"}}, // the same day again
		{"2026-11-30 09:00", []string{"soon 2026-12-01"}},
		{"2026-12-01 09:00", []string{"soon 2026-12-01"}}, // the due day: not late yet
		{"2026-12-02 09:00", []string{"soon 2026-12-01", "late 2026-12-01"}},
		{"2026-12-03 09:00", []string{"soon 2026-12-01", "late 2026-12-01"}}, // never twice
	}
	for _, d := range days {
		now = publicationDay(t, d.at)
		if err := job.Run(ctx); err != nil {
			t.Fatalf("%s: %v", d.at, err)
		}
		if got := reminders(); !slices.Equal(got, d.want) {
			t.Errorf("%s: reminders %q, want %q", d.at, got, d.want)
		}
	}
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM publication_reminders`).Scan(&total); err != nil || total != 2 {
		t.Errorf("%d reminders in all, want 2 (no other item is due): %v", total, err)
	}

	// Published on 3 December: due on 3 January, reminded on 31 December.
	a := azizayol.Article{AgencyID: health, Topic: azizayol.TopicHealth, Langs: []azizayol.Lang{azizayol.Ru},
		Title: azizayol.Names{Ru: "Грипп: как уберечься"}, Text: azizayol.Names{Ru: "Прививка и мытьё рук."}}
	id, err := db.SaveArticle(ctx, a, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetArticleStatus(ctx, id, azizayol.ArticlePublished, publicationDay(t, "2026-12-03 11:00")); err != nil {
		t.Fatal(err)
	}
	for _, d := range []struct {
		at   string
		want int
	}{{"2026-12-30 09:00", 2}, {"2026-12-31 09:00", 3}, {"2027-01-03 09:00", 3}, {"2027-01-04 09:00", 4}} {
		now = publicationDay(t, d.at)
		if err := job.Run(ctx); err != nil {
			t.Fatal(err)
		}
		if got := reminders(); len(got) != d.want {
			t.Errorf("%s: %q, want %d reminders", d.at, got, d.want)
		}
	}
	if got := reminders(); len(got) == 4 && (got[2] != "soon 2027-01-03" || got[3] != "late 2027-01-03") {
		t.Errorf("after the publication: %q", got)
	}
}

func publicationDay(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.ParseInLocation("2006-01-02 15:04", s, azizayol.Tashkent)
	if err != nil {
		t.Fatal(err)
	}
	return at
}
