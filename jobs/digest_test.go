package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/dialogs"
	"github.com/azizayol/azizayol/internal/testenv"
	"github.com/azizayol/azizayol/jobs"
	"github.com/azizayol/azizayol/postgres"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// day is a fake morning, Tashkent time.
func day(n int) time.Time {
	return time.Date(2026, 12, n, 10, 0, 0, 0, azizayol.Tashkent)
}

func exec(t *testing.T, raw *pgxpool.Pool, sql string, args ...any) {
	t.Helper()
	if _, err := raw.Exec(context.Background(), sql, args...); err != nil {
		t.Fatal(err)
	}
}

func do(t *testing.T, db *postgres.DB, fn func(context.Context, azizayol.Tx) error) {
	t.Helper()
	if err := db.Do(context.Background(), func(tx azizayol.Tx) error { return fn(context.Background(), tx) }); err != nil {
		t.Fatal(err)
	}
}

// vacancy adds a vacancy as if it came in at added.
func vacancy(t *testing.T, db *postgres.DB, raw *pgxpool.Pool, id, title, region string, added time.Time) {
	t.Helper()
	do(t, db, func(ctx context.Context, tx azizayol.Tx) error {
		_, err := tx.UpsertVacancy(ctx, azizayol.Vacancy{Source: "test", SourceID: id, Title: title, Employer: "MChJ <Aziz>",
			RegionCode: region, Posted: added, Field: "sewing"})
		return err
	})
	exec(t, raw, `UPDATE vacancies SET created_at = $2 WHERE source_id = $1`, id, added)
}

func outbox(t *testing.T, db *postgres.DB) []azizayol.Outbound {
	t.Helper()
	var out []azizayol.Outbound
	if err := db.EachOutbox(context.Background(), func(m azizayol.Outbound) { out = append(out, m) }); err != nil {
		t.Fatal(err)
	}
	return out
}

// The daily digest: what is new since her last digest, in her place, at most once a
// day, with a button to unsubscribe; nothing when nothing is new; nothing to a woman
// who blocked the bot.
func TestDigestOnceADayOfWhatIsNew(t *testing.T) {
	db, raw := testenv.DBWithPool(t)
	var her, blocked azizayol.User
	do(t, db, func(ctx context.Context, tx azizayol.Tx) (err error) {
		if her, err = tx.User(ctx, azizayol.Telegram, "801"); err != nil {
			return err
		}
		her.Lang = azizayol.Ru
		if err := tx.SetLanguage(ctx, her.ID, azizayol.Ru); err != nil {
			return err
		}
		if blocked, err = tx.User(ctx, azizayol.Telegram, "802"); err != nil {
			return err
		}
		for _, u := range []azizayol.User{her, blocked} {
			err := tx.Subscribe(ctx, azizayol.Subscription{User: u, Kind: azizayol.VacanciesKind, RegionCode: "1703"})
			if err != nil {
				return err
			}
		}
		// The same wish twice is one subscription.
		return tx.Subscribe(ctx, azizayol.Subscription{User: her, Kind: azizayol.VacanciesKind, RegionCode: "1703"})
	})
	exec(t, raw, `UPDATE subscriptions SET created_at = $1`, day(1).Add(-time.Hour))
	exec(t, raw, `UPDATE users SET blocked_at = now() WHERE id = $1`, blocked.ID)
	vacancy(t, db, raw, "old", "Eski", "1703", day(1).Add(-2*time.Hour)) // before she subscribed
	vacancy(t, db, raw, "v1", "Tikuvchi", "1703", day(1).Add(-30*time.Minute))
	vacancy(t, db, raw, "v2", "Oshpaz", "1718", day(1).Add(-20*time.Minute)) // another region

	now := day(1)
	var woken []int64
	digest := &jobs.Digest{DB: db, Queued: func(id int64) { woken = append(woken, id) }, Now: func() time.Time { return now }}
	run := func() {
		t.Helper()
		if err := digest.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	run()
	out := outbox(t, db)
	if len(out) != 1 || len(woken) != 1 || woken[0] != her.ID {
		t.Fatalf("first digest: %d messages, woken %v", len(out), woken)
	}
	m := out[0]
	if !strings.Contains(m.Text, "Новые вакансии") || !strings.Contains(m.Text, "Андижанская область") ||
		!strings.Contains(m.Text, "Tikuvchi — MChJ &lt;Aziz&gt;") || strings.Contains(m.Text, "Eski") || strings.Contains(m.Text, "Oshpaz") {
		t.Errorf("digest %q", m.Text)
	}
	var subID int64
	if err := raw.QueryRow(context.Background(), `SELECT id FROM subscriptions WHERE user_id = $1`, her.ID).Scan(&subID); err != nil {
		t.Fatal(err)
	}
	if len(m.Buttons) != 1 || m.Buttons[0][0].Data != dialogs.UnsubscribeButton(subID) {
		t.Errorf("buttons %+v", m.Buttons)
	}

	now = day(1).Add(5 * time.Hour) // the same day again: nothing twice
	vacancy(t, db, raw, "v3", "Hamshira", "1703", day(1).Add(time.Hour))
	run()
	if n := len(outbox(t, db)); n != 1 {
		t.Fatalf("%d messages after a second run the same day", n)
	}
	now = day(2) // the next day: what came since the last digest
	run()
	out = outbox(t, db)
	if len(out) != 2 || !strings.Contains(out[1].Text, "Hamshira") || strings.Contains(out[1].Text, "Tikuvchi") {
		t.Fatalf("second day: %+v", out)
	}
	now = day(3) // nothing new: nothing sent
	run()
	if n := len(outbox(t, db)); n != 2 {
		t.Fatalf("%d messages on a day with nothing new", n)
	}
}

// A subscription whose digest fails is left for the next run; the others get theirs.
// What came after the run's own time is in the next digest, not in two.
func TestDigestGoesOnPastAFailure(t *testing.T) {
	db, raw := testenv.DBWithPool(t)
	var subs []int64
	do(t, db, func(ctx context.Context, tx azizayol.Tx) error {
		for _, addr := range []string{"901", "902", "903"} {
			u, err := tx.User(ctx, azizayol.Telegram, addr)
			if err != nil {
				return err
			}
			if err := tx.Subscribe(ctx, azizayol.Subscription{User: u, Kind: azizayol.VacanciesKind, RegionCode: "1703"}); err != nil {
				return err
			}
		}
		return nil
	})
	rows, err := raw.Query(context.Background(), `SELECT id FROM subscriptions ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		subs = append(subs, id)
	}
	rows.Close()
	failing := subs[1]
	var seen []int64
	fn := func(_ azizayol.Tx, s azizayol.Subscription) error {
		seen = append(seen, s.ID)
		if s.ID == failing {
			return errors.New("a broken digest")
		}
		return nil
	}
	n, err := db.Digest(context.Background(), day(1).Truncate(24*time.Hour), day(1), fn)
	if n != 2 || err == nil || !strings.Contains(err.Error(), fmt.Sprintf("subscription %d", failing)) || len(seen) != 3 {
		t.Fatalf("Digest: %d handled, %v, seen %v; want 2, the failure named, all 3 tried", n, err, seen)
	}
	seen = nil
	n, err = db.Digest(context.Background(), day(1).Truncate(24*time.Hour), day(1).Add(time.Hour), func(azizayol.Tx, azizayol.Subscription) error { return nil })
	if n != 1 || err != nil {
		t.Errorf("the next run: %d handled, %v; want the failed one only", n, err)
	}

	// A vacancy stamped after the digest's time waits for the next digest.
	exec(t, raw, `UPDATE subscriptions SET created_at = $1, last_digest_at = NULL`, day(1).Add(-time.Hour))
	vacancy(t, db, raw, "early", "Tikuvchi", "1703", day(1).Add(-time.Minute))
	vacancy(t, db, raw, "late", "Oshpaz", "1703", day(1).Add(time.Second))
	digest := &jobs.Digest{DB: db, Queued: func(int64) {}, Now: func() time.Time { return day(1) }}
	if err := digest.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, m := range outbox(t, db) {
		if !strings.Contains(m.Text, "Tikuvchi") || strings.Contains(m.Text, "Oshpaz") {
			t.Errorf("digest at 10:00 %q; want the 09:59 vacancy only", m.Text)
		}
	}
	digest.Now = func() time.Time { return day(2) }
	if err := digest.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	out := outbox(t, db)
	if len(out) != 6 || !strings.Contains(out[5].Text, "Oshpaz") || strings.Contains(out[5].Text, "Tikuvchi") {
		t.Errorf("next day's digests: %d, last %q; want 6, the last with the 10:00:01 vacancy only", len(out), out[len(out)-1].Text)
	}
}
