package postgres_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/postgres"
)

const day = 24 * time.Hour

// retention is the README's defaults, in batches of 2 so that the purge goes round.
var retention = azizayol.Retention{Inbox: 30 * day, Outbox: 30 * day, ClosedTexts: 365 * day, Audit: 1095 * day, Batch: 2}

// appealStats is everything a closed appeal keeps for the statistics, as one string.
func appealStats(t *testing.T, raw *pgxpool.Pool, id int64) string {
	t.Helper()
	var s string
	err := raw.QueryRow(t.Context(), `
		SELECT row(number, kind, topic, agency_id, region_code, district_code, channel, lang, urgent, danger,
		           status, filed_at, deadline_at, first_answer_at, status_at, consent_version, consent_at,
		           (SELECT array_agg(row(author, coalesce(rating, 0), created_at) ORDER BY id) FROM appeal_messages WHERE appeal_id = a.id),
		           (SELECT array_agg(row(from_agency, to_agency, created_at) ORDER BY id) FROM appeal_transfers WHERE appeal_id = a.id))::text
		FROM appeals a WHERE id = $1`, id).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// words counts what of an appeal's words, files and links to her is left.
func words(t *testing.T, raw *pgxpool.Pool, id int64) int {
	t.Helper()
	return count(t, raw, `
		SELECT (SELECT count(*) FROM appeal_messages WHERE appeal_id = $1 AND (text <> '' OR attachments <> '[]'))
		     + (SELECT count(*) FROM appeal_transfers WHERE appeal_id = $1 AND reason <> '')
		     + (SELECT count(*) FROM appeals WHERE id = $1 AND (phone IS NOT NULL OR user_id IS NOT NULL))`, id)
}

// purge runs the purge and fails the test on an error.
func purge(t *testing.T, db *postgres.DB, now time.Time, r azizayol.Retention) azizayol.Purged {
	t.Helper()
	p, err := db.Purge(t.Context(), now, r)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Each kind of data goes exactly at its limit, in batches, and nothing younger is
// touched; closed appeals keep their statistics; a second run finds nothing.
func TestPurgeEachKindAtItsLimit(t *testing.T) {
	db, raw := open(t)
	now := time.Date(2027, 6, 1, 2, 15, 0, 0, azizayol.Tashkent) // the job's fixed "now"
	her := user(t, db, azizayol.Telegram, "901")

	// Appeals, each with her words, a file, an answer she rated and a transfer.
	var justice, mahalla int64
	if err := raw.QueryRow(t.Context(), `SELECT (SELECT id FROM agencies WHERE code = 'justice'), (SELECT id FROM agencies WHERE code = 'mahalla')`).Scan(&justice, &mahalla); err != nil {
		t.Fatal(err)
	}
	appeal := func(status azizayol.AppealStatus) int64 {
		d := draft(her, "misc", "1703", "1703202")
		d.Attachments = []azizayol.Attachment{{Kind: "photo", FileID: "her-photo"}}
		a := file(t, db, d)
		do(t, db, func(ctx context.Context, tx azizayol.Tx) error {
			if _, err := tx.AddAppealMessage(ctx, azizayol.AppealMessage{AppealID: a.ID, Author: azizayol.ByAgency, Text: "javob", Staff: "op@x.uz",
				Created: d.Filed.Add(time.Hour)}); err != nil {
				return err
			}
			if err := tx.RateAnswer(ctx, her.ID, a.ID, true); err != nil {
				return err
			}
			if err := tx.Transfer(ctx, a.ID, justice, "boshqa idora: uning manzili …", "op@x.uz"); err != nil {
				return err
			}
			if status != azizayol.Received {
				return tx.SetAppealStatus(ctx, a.ID, status)
			}
			return nil
		})
		return a.ID
	}
	closedAtLimit, withdrawnOlder := appeal(azizayol.Closed), appeal(azizayol.Withdrawn)
	closedYounger, openOlder := appeal(azizayol.Closed), appeal(azizayol.Received)

	// Her updates, processed (and one not yet), and the messages sent to her.
	store(t, db, entry("telegram:901", `{"text":"her words 1"}`), entry("telegram:901", `{"text":"her words 2"}`),
		entry("telegram:901", `{"text":"her words 3"}`), entry("telegram:901", `{"text":"her words 4"}`))
	processAll(t, db, "", func(azizayol.InboxEntry) error { return nil })
	out := enqueue(t, db, raw, her, "sent 1", "sent 2", "sent 3", "pending", "failed")
	store(t, db, entry("telegram:902", `{"text":"not processed yet"}`))
	exec(t, raw, `UPDATE outbox SET status = 'sent' WHERE id = ANY($1)`, out[:3])
	exec(t, raw, `UPDATE outbox SET status = 'failed' WHERE id = $1`, out[4])

	// Everything is young; then some of each kind is made as old as its limit, older,
	// or one second younger.
	exec(t, raw, `UPDATE inbox SET received_at = $1`, now.Add(-time.Hour))
	exec(t, raw, `UPDATE outbox SET created_at = $1`, now.Add(-time.Hour))
	exec(t, raw, `UPDATE appeals SET status_at = $1`, now.Add(-time.Hour))
	exec(t, raw, `UPDATE inbox SET received_at = $2 WHERE convert_from(payload, 'UTF8') = $1`, `{"text":"her words 1"}`, now.Add(-30*day))
	exec(t, raw, `UPDATE inbox SET received_at = $2 WHERE convert_from(payload, 'UTF8') = $1`, `{"text":"her words 2"}`, now.Add(-31*day))
	exec(t, raw, `UPDATE inbox SET received_at = $2 WHERE convert_from(payload, 'UTF8') = $1`, `{"text":"her words 3"}`, now.Add(-400*day))
	exec(t, raw, `UPDATE inbox SET received_at = $2 WHERE convert_from(payload, 'UTF8') = $1`, `{"text":"her words 4"}`, now.Add(-30*day+time.Second))
	exec(t, raw, `UPDATE inbox SET received_at = $2 WHERE convert_from(payload, 'UTF8') = $1`, `{"text":"not processed yet"}`, now.Add(-400*day))
	exec(t, raw, `UPDATE outbox SET created_at = $2 WHERE id = $1`, out[0], now.Add(-30*day))
	exec(t, raw, `UPDATE outbox SET created_at = $2 WHERE id = $1`, out[1], now.Add(-30*day+time.Second))
	exec(t, raw, `UPDATE outbox SET created_at = $2 WHERE id = $1`, out[2], now.Add(-90*day))
	exec(t, raw, `UPDATE outbox SET created_at = $2 WHERE id = $1`, out[3], now.Add(-90*day)) // still pending: kept
	exec(t, raw, `UPDATE outbox SET created_at = $2 WHERE id = $1`, out[4], now.Add(-31*day))
	exec(t, raw, `UPDATE appeals SET status_at = $2 WHERE id = $1`, closedAtLimit, now.Add(-365*day))
	exec(t, raw, `UPDATE appeals SET status_at = $2 WHERE id = $1`, withdrawnOlder, now.Add(-700*day))
	exec(t, raw, `UPDATE appeals SET status_at = $2 WHERE id = $1`, closedYounger, now.Add(-365*day+time.Second))
	exec(t, raw, `UPDATE appeals SET status_at = $2 WHERE id = $1`, openOlder, now.Add(-700*day))
	for _, age := range []time.Duration{1095 * day, 2000 * day, 1095*day - time.Second, time.Hour} {
		exec(t, raw, `INSERT INTO audit_log (at, email, action, detail) VALUES ($1, 'op@x.uz', 'view', $2)`, now.Add(-age), age.String())
	}
	stats := map[int64]string{}
	for _, id := range []int64{closedAtLimit, withdrawnOlder, closedYounger, openOlder} {
		stats[id] = appealStats(t, raw, id)
	}

	got := purge(t, db, now, retention)
	if want := (azizayol.Purged{Inbox: 3, Outbox: 3, Appeals: 2, Audit: 2}); got != want {
		t.Errorf("purged %+v, want %+v", got, want)
	}

	checks := []struct {
		what string
		sql  string
		args []any
		want int
	}{
		{"inbox blanked at and past 30 days", `SELECT count(*) FROM inbox WHERE octet_length(payload) = 0 AND user_key LIKE 'purged:%' AND received_at <= $1`, []any{now.Add(-30 * day)}, 3},
		{"inbox younger kept", `SELECT count(*) FROM inbox WHERE convert_from(payload, 'UTF8') = '{"text":"her words 4"}' AND user_key = 'telegram:901'`, nil, 1},
		{"inbox unprocessed kept", `SELECT count(*) FROM inbox WHERE convert_from(payload, 'UTF8') = '{"text":"not processed yet"}'`, nil, 1},
		{"inbox rows all kept, for deduplication", `SELECT count(*) FROM inbox WHERE user_key NOT LIKE 'tx-%'`, nil, 5},
		{"outbox texts blanked", `SELECT count(*) FROM outbox WHERE id = ANY($1) AND NOT message ? 'text'`, []any{[]int64{out[0], out[2], out[4]}}, 3},
		{"outbox younger and pending kept", `SELECT count(*) FROM outbox WHERE id = ANY($1) AND message ? 'text'`, []any{[]int64{out[1], out[3]}}, 2},
		{"outbox statuses kept", `SELECT count(*) FROM outbox WHERE id = ANY($1) AND status = 'sent'`, []any{out[:3]}, 3},
		{"audit: younger kept", `SELECT count(*) FROM audit_log`, nil, 2},
		{"audit: the ones at and past the limit gone", `SELECT count(*) FROM audit_log WHERE at <= $1`, []any{now.Add(-1095 * day)}, 0},
		{"appeals purged at", `SELECT count(*) FROM appeals WHERE purged_at = $1`, []any{now}, 2},
	}
	for _, c := range checks {
		if n := count(t, raw, c.sql, c.args...); n != c.want {
			t.Errorf("%s: %d, want %d", c.what, n, c.want)
		}
	}
	for id, want := range map[int64]int{closedAtLimit: 0, withdrawnOlder: 0, closedYounger: 4, openOlder: 4} {
		// 4: her words with the file, the answer, the transfer's reason, her phone and link
		if n := words(t, raw, id); n != want {
			t.Errorf("appeal %d keeps %d of her words and links, want %d", id, n, want)
		}
		if s := appealStats(t, raw, id); s != stats[id] {
			t.Errorf("appeal %d's statistics changed:\n%s\nwant\n%s", id, s, stats[id])
		}
	}

	// Run again: nothing more to do.
	if got := purge(t, db, now, retention); got != (azizayol.Purged{}) {
		t.Errorf("second run purged %+v, want nothing", got)
	}
	// Zero keeps a kind.
	if got := purge(t, db, now.Add(3000*day), azizayol.Retention{}); got != (azizayol.Purged{}) {
		t.Errorf("a retention of zeros purged %+v", got)
	}

	// Reopened by the agency and closed again: its new words go a year after.
	exec(t, raw, `UPDATE appeals SET status = 'in_progress', status_at = $2 WHERE id = $1`, closedAtLimit, now.Add(day))
	exec(t, raw, `INSERT INTO appeal_messages (appeal_id, author, text, created_at) VALUES ($1, 'agency', 'yana javob', $2)`, closedAtLimit, now.Add(day))
	exec(t, raw, `UPDATE appeals SET status = 'closed', status_at = $2 WHERE id = $1`, closedAtLimit, now.Add(2*day))
	if got := purge(t, db, now.Add(2*day+365*day-time.Second), retention); got.Appeals != 1 || words(t, raw, closedAtLimit) != 1 {
		// closedYounger is due by then; the reopened one is not
		t.Errorf("a year less a second after closing again: purged %+v, %d words left", got, words(t, raw, closedAtLimit))
	}
	if got := purge(t, db, now.Add(2*day+365*day), retention); got.Appeals != 1 || words(t, raw, closedAtLimit) != 0 {
		t.Errorf("a year after closing again: purged %+v, %d words left", got, words(t, raw, closedAtLimit))
	}
}

// A notice withheld by her STOP keeps its text while her START may queue it again (30
// days), even when the outbox's retention is shorter.
func TestPurgeKeepsWithheldNoticesForStart(t *testing.T) {
	db, raw := open(t)
	now := time.Date(2027, 6, 1, 2, 15, 0, 0, azizayol.Tashkent)
	her := user(t, db, azizayol.SMS, "998901112233")
	out := enqueue(t, db, raw, her, "sent", "withheld", "withheld older")
	exec(t, raw, `UPDATE outbox SET status = 'sent', created_at = $2 WHERE id = $1`, out[0], now.Add(-10*day))
	exec(t, raw, `UPDATE outbox SET status = 'withheld', created_at = $2 WHERE id = $1`, out[1], now.Add(-10*day))
	exec(t, raw, `UPDATE outbox SET status = 'withheld', created_at = $2 WHERE id = $1`, out[2], now.Add(-30*day))
	got := purge(t, db, now, azizayol.Retention{Outbox: 7 * day})
	if got.Outbox != 2 {
		t.Errorf("purged %+v, want the sent one and the withheld one of 30 days", got)
	}
	if n := count(t, raw, `SELECT count(*) FROM outbox WHERE id = $1 AND message ? 'text'`, out[1]); n != 1 {
		t.Error("a notice withheld 10 days ago lost its text: her START would send it empty")
	}
}

// Her answers to the consent question are kept, yes and no, with the version; deleting
// her data records her withdrawal of what she had given, and the records stay.
func TestConsentsAndTheirWithdrawal(t *testing.T) {
	db, raw := open(t)
	her := user(t, db, azizayol.Telegram, "911")
	other := user(t, db, azizayol.Telegram, "912")
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, azizayol.Tashkent)
	do(t, db, func(ctx context.Context, tx azizayol.Tx) error {
		for _, c := range []azizayol.Consent{
			{UserID: her.ID, Purpose: "appeal", Version: "a-v1", Answer: azizayol.ConsentRefused, At: at},
			{UserID: her.ID, Purpose: "appeal", Version: "a-v1", Answer: azizayol.ConsentGiven, At: at.Add(time.Minute)},
			{UserID: other.ID, Purpose: "appeal", Version: "a-v1", Answer: azizayol.ConsentGiven, At: at},
		} {
			if err := tx.RecordConsent(ctx, c); err != nil {
				return err
			}
		}
		return nil
	})
	// An appeal filed before the consents were recorded apart: its consultation's
	// consent, from the appeal, is withdrawn too.
	old := draft(her, "psychological", "", "")
	old.Kind, old.Consent = azizayol.KindConsultation, "c-v0"
	file(t, db, old)

	mustTx(t, db, func(ctx context.Context, tx azizayol.Tx) error {
		_, err := tx.Erase(ctx, her.ID)
		return err
	})
	list, err := db.Consents(t.Context(), her.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range list {
		got = append(got, c.Purpose+" "+c.Version+" "+string(c.Answer))
	}
	slices.Sort(got[2:]) // the withdrawals are recorded together
	want := []string{"appeal a-v1 refused", "appeal a-v1 given", "appeal a-v1 withdrawn", "consultation c-v0 withdrawn"}
	if !slices.Equal(got, want) {
		t.Fatalf("her consents %q, want %q", got, want)
	}
	if !list[1].At.Equal(at.Add(time.Minute)) {
		t.Errorf("consent recorded at %s, want %s", list[1].At, at.Add(time.Minute))
	}
	if n := count(t, raw, `SELECT count(*) FROM consents WHERE user_id = $1`, other.ID); n != 1 {
		t.Errorf("another woman's consents: %d rows, want 1", n)
	}
	// A second erasure has nothing in force to withdraw.
	mustTx(t, db, func(ctx context.Context, tx azizayol.Tx) error {
		_, err := tx.Erase(ctx, her.ID)
		return err
	})
	if n := count(t, raw, `SELECT count(*) FROM consents WHERE user_id = $1`, her.ID); n != 4 {
		t.Errorf("after a second erasure %d consent rows, want 4", n)
	}
}

// Who a finished broadcast went to is forgotten at the outbox's limit; the broadcast
// keeps its counts, and one still under way keeps its recipients.
func TestPurgeBroadcastRecipients(t *testing.T) {
	db, raw := open(t)
	now := time.Date(2027, 6, 1, 2, 15, 0, 0, azizayol.Tashkent)
	her := user(t, db, azizayol.Telegram, "911")
	broadcast := func(status string, finished time.Time) int64 {
		var id int64
		err := raw.QueryRow(t.Context(), `INSERT INTO broadcasts (agency_id, texts, topics, status, finished_at, total, sent)
			SELECT id, '{}', '{health}', $1, $2, 1, 1 FROM agencies WHERE code = 'health' RETURNING id`, status, finished).Scan(&id)
		if err != nil {
			t.Fatal(err)
		}
		exec(t, raw, `INSERT INTO broadcast_recipients (broadcast_id, user_id, channel, lang, status) VALUES ($1, $2, 'telegram', 'uz-Latn', 'sent')`, id, her.ID)
		return id
	}
	old := broadcast("done", now.Add(-30*day))
	young := broadcast("cancelled", now.Add(-30*day+time.Second))
	running := broadcast("running", now.Add(-400*day))
	if got := purge(t, db, now, retention); got.Outbox != 1 {
		t.Errorf("purged %+v, want the recipients of one broadcast", got)
	}
	for id, want := range map[int64]int{old: 0, young: 1, running: 1} {
		if n := count(t, raw, `SELECT count(*) FROM broadcast_recipients WHERE broadcast_id = $1`, id); n != want {
			t.Errorf("broadcast %d keeps %d recipients, want %d", id, n, want)
		}
	}
	if n := count(t, raw, `SELECT count(*) FROM broadcasts WHERE total = 1 AND sent = 1`); n != 3 {
		t.Errorf("%d broadcasts keep their counts, want 3", n)
	}
}
