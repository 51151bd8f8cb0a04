package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/internal/testenv"
	"github.com/azizayol/azizayol/jobs"
)

// The stats job over the real store: an appeal filed is counted after the next run,
// not before; its answer after the run that follows it; a run with nothing new
// changes nothing.
func TestStatsJobRefreshes(t *testing.T) {
	db, raw := testenv.DBWithPool(t)
	ctx := context.Background()
	clock := &fakeClock{now: time.Now().Truncate(time.Second)}
	job := &jobs.Stats{DB: db, Now: clock.Now}
	if err := job.Run(ctx); err != nil {
		t.Fatal(err)
	}
	today := azizayol.Day(clock.now)
	f := azizayol.StatsFilter{Period: azizayol.StatsPeriod{From: today, To: today}}
	received := func() (int, int) {
		t.Helper()
		s, err := db.AppealStats(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		return s.Total.Received, s.Total.Answered
	}
	if n, _ := received(); n != 0 {
		t.Fatalf("%d appeals in an empty database", n)
	}
	var id int64
	if err := raw.QueryRow(ctx, `INSERT INTO appeals (number, kind, topic, channel, lang, agency_id, urgent, filed_at, deadline_at, status_at)
		VALUES ('J-1', 'consultation', 'legal', 'telegram', 'uz-Latn', (SELECT id FROM agencies WHERE code = 'justice'), false, $1, $1::timestamptz + interval '5 days', $1)
		RETURNING id`, clock.now).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if n, _ := received(); n != 0 {
		t.Fatal("counted before the job ran")
	}
	clock.now = clock.now.Add(time.Minute)
	if err := job.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if n, a := received(); n != 1 || a != 0 {
		t.Fatalf("after the run: %d received, %d answered; want 1, 0", n, a)
	}
	if _, err := raw.Exec(ctx, `UPDATE appeals SET first_answer_at = $2, status = 'answered' WHERE id = $1`, id, clock.now); err != nil {
		t.Fatal(err)
	}
	clock.now = clock.now.Add(time.Minute)
	if err := job.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if n, a := received(); n != 1 || a != 1 {
		t.Fatalf("after the answer: %d received, %d answered; want 1, 1", n, a)
	}
}
