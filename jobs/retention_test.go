package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/internal/testenv"
	"github.com/azizayol/azizayol/jobs"
)

// fakeClock is a clock the test moves.
type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time { return c.now }

// left is what is still there of each kind: inbox payloads, outbox texts, words of
// the appeal, audit entries.
type left struct{ Inbox, Outbox, Words, Audit int }

func what(t *testing.T, raw *pgxpool.Pool, appealID int64) left {
	t.Helper()
	var l left
	err := raw.QueryRow(context.Background(), `SELECT
		(SELECT count(*) FROM inbox WHERE octet_length(payload) > 0),
		(SELECT count(*) FROM outbox WHERE message ? 'text'),
		(SELECT count(*) FROM appeal_messages WHERE appeal_id = $1 AND (text <> '' OR attachments <> '[]')),
		(SELECT count(*) FROM audit_log)`, appealID).Scan(&l.Inbox, &l.Outbox, &l.Words, &l.Audit)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// The nightly purge over a fake clock, with the README's defaults: each kind goes on
// the night it reaches its limit and not a second before; the closed appeal keeps its
// statistics.
func TestPurgeJobOverAFakeClock(t *testing.T) {
	db, raw := testenv.DBWithPool(t)
	ctx := context.Background()
	t0 := time.Date(2026, 12, 1, 2, 15, 0, 0, azizayol.Tashkent)

	var her azizayol.User
	var a azizayol.Appeal
	do(t, db, func(ctx context.Context, tx azizayol.Tx) (err error) {
		if her, err = tx.User(ctx, azizayol.Telegram, "951"); err != nil {
			return err
		}
		a, err = tx.File(ctx, azizayol.Draft{UserID: her.ID, Kind: azizayol.KindAppeal, Topic: "misc", RegionCode: "1703",
			DistrictCode: "1703202", Text: "uyda meni uradi", Attachments: []azizayol.Attachment{{Kind: "photo", FileID: "f1"}},
			Phone: "+998901234567", Lang: azizayol.UzLatn, Consent: "v1", Filed: t0.Add(-10 * 24 * time.Hour)})
		if err != nil {
			return err
		}
		if _, err := tx.AddAppealMessage(ctx, azizayol.AppealMessage{AppealID: a.ID, Author: azizayol.ByAgency, Text: "javob",
			Created: t0.Add(-9 * 24 * time.Hour)}); err != nil {
			return err
		}
		if err := tx.RateAnswer(ctx, her.ID, a.ID, true); err != nil {
			return err
		}
		if err := tx.SetAppealStatus(ctx, a.ID, azizayol.Closed); err != nil {
			return err
		}
		if err := tx.Audit(ctx, azizayol.AuditEntry{Email: "op@x.uz", Action: "view", AppealID: a.ID}); err != nil {
			return err
		}
		return tx.Enqueue(ctx, her, azizayol.Outbound{Text: "Murojaatingiz yopildi"})
	})
	if _, err := db.StoreInbox(ctx, azizayol.InboxEntry{Channel: azizayol.Telegram, ExternalID: "1", UserKey: "telegram:951",
		Payload: []byte(`{"message":{"text":"uyda meni uradi"}}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ProcessNext(ctx, []azizayol.Channel{azizayol.Telegram}, "", func(context.Context, azizayol.Tx, azizayol.InboxEntry) error {
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// Everything happened at t0.
	exec(t, raw, `UPDATE inbox SET received_at = $1`, t0)
	exec(t, raw, `UPDATE outbox SET status = 'sent', created_at = $1, sent_at = $1`, t0)
	exec(t, raw, `UPDATE appeals SET status_at = $1`, t0)
	exec(t, raw, `UPDATE audit_log SET at = $1`, t0)
	stats := func() string {
		var s string
		err := raw.QueryRow(ctx, `SELECT row(number, topic, agency_id, region_code, district_code, filed_at, deadline_at,
			first_answer_at, status, status_at, (SELECT array_agg(coalesce(rating, 0) ORDER BY id) FROM appeal_messages WHERE appeal_id = a.id))::text
			FROM appeals a WHERE id = $1`, a.ID).Scan(&s)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := stats()

	clock := &fakeClock{}
	job := &jobs.Purge{DB: db, Retention: azizayol.Retention{Inbox: 30 * 24 * time.Hour, Outbox: 30 * 24 * time.Hour,
		ClosedTexts: 365 * 24 * time.Hour, Audit: 1095 * 24 * time.Hour}, Now: clock.Now}
	days := func(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }
	steps := []struct {
		at   time.Duration
		want left
	}{
		{0, left{1, 1, 2, 1}},
		{days(30) - time.Second, left{1, 1, 2, 1}},
		{days(30), left{0, 0, 2, 1}},
		{days(365) - time.Second, left{0, 0, 2, 1}},
		{days(365), left{0, 0, 0, 1}},
		{days(1095) - time.Second, left{0, 0, 0, 1}},
		{days(1095), left{0, 0, 0, 0}},
		{days(1095), left{0, 0, 0, 0}}, // again: nothing more
	}
	for _, s := range steps {
		clock.now = t0.Add(s.at)
		if err := job.Run(ctx); err != nil {
			t.Fatal(err)
		}
		if got := what(t, raw, a.ID); got != s.want {
			t.Errorf("after the purge at t0+%s: %+v left, want %+v", s.at, got, s.want)
		}
	}
	if after := stats(); after != before {
		t.Errorf("the closed appeal's statistics changed:\n%s\nwant\n%s", after, before)
	}
	var rows int
	if err := raw.QueryRow(ctx, `SELECT (SELECT count(*) FROM inbox) + (SELECT count(*) FROM outbox) + (SELECT count(*) FROM appeal_messages)`).Scan(&rows); err != nil || rows != 4 {
		t.Errorf("%d rows of inbox, outbox and thread left (%v), want all 4: blanked, not deleted", rows, err)
	}
}
