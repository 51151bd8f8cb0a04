package postgres_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/postgres"
)

// subscriber adds a woman on a channel with her language, place and topics; it
// returns her user id.
func subscriber(t *testing.T, pool *pgxpool.Pool, channel, address, lang, region string, topics ...string) int64 {
	t.Helper()
	var id int64
	err := pool.QueryRow(t.Context(), `INSERT INTO users (channel, address, lang, region_code) VALUES ($1, $2, $3, nullif($4, ''))
		RETURNING id`, channel, address, lang, region).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	for _, topic := range topics {
		if _, err := pool.Exec(t.Context(), `INSERT INTO info_subscriptions (user_id, topic) VALUES ($1, $2)`, id, topic); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

func agencyOf(t *testing.T, pool *pgxpool.Pool, code string) int64 {
	t.Helper()
	var id int64
	if err := pool.QueryRow(t.Context(), `SELECT id FROM agencies WHERE code = $1`, code).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func progressOf(t *testing.T, db *postgres.DB, id int64) azizayol.BroadcastProgress {
	t.Helper()
	b, err := db.Broadcast(t.Context(), 0, id)
	if err != nil {
		t.Fatal(err)
	}
	return b.Progress
}

func planAll(t *testing.T, db *postgres.DB, batch int) {
	t.Helper()
	for {
		more, err := db.PlanBroadcasts(t.Context(), batch)
		if err != nil {
			t.Fatal(err)
		}
		if !more {
			return
		}
	}
}

func claimAll(t *testing.T, db *postgres.DB, ch azizayol.Channel) []azizayol.BroadcastSend {
	t.Helper()
	sends, _, err := db.ClaimBroadcastSends(t.Context(), ch, 1000, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	return sends
}

func result(s azizayol.BroadcastSend, status azizayol.DeliveryStatus, ext string) azizayol.BroadcastResult {
	return azizayol.BroadcastResult{BroadcastID: s.BroadcastID, UserID: s.UserID, Claim: s.Claim, At: time.Now(),
		Delivery: azizayol.Delivery{Status: status, ExternalID: ext}}
}

// Who a broadcast reaches: subscribers of its topics only, narrowed by language,
// place and channel; never a woman who blocked the bot or sent STOP. Recipients are
// found in batches; SMS beyond the budget are skipped; every outcome moves the
// counters once.
func TestBroadcastAudienceAndOutcomes(t *testing.T) {
	db, pool := open(t)
	ctx := t.Context()
	health := agencyOf(t, pool, "health")

	var telegram []int64
	for i := range 12 {
		lang := "uz-Latn"
		if i%3 == 0 {
			lang = "ru"
		}
		telegram = append(telegram, subscriber(t, pool, "telegram", "tg"+string(rune('a'+i)), lang, "1703", "health"))
	}
	elsewhere := subscriber(t, pool, "telegram", "tg-elsewhere", "uz-Latn", "1726", "health")
	other := subscriber(t, pool, "telegram", "tg-other-topic", "uz-Latn", "1703", "sport")
	subscriber(t, pool, "telegram", "tg-none", "uz-Latn", "1703")
	blocked := subscriber(t, pool, "telegram", "tg-blocked", "uz-Latn", "1703", "health")
	stopped := subscriber(t, pool, "sms", "+998900000009", "uz-Latn", "1703", "health")
	if _, err := pool.Exec(ctx, `UPDATE users SET blocked_at = now() WHERE id = $1`, blocked); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE users SET opted_out_at = now() WHERE id = $1`, stopped); err != nil {
		t.Fatal(err)
	}
	var sms []int64
	for i, lang := range []string{"uz-Latn", "ru", "uz-Latn", "ru"} {
		sms = append(sms, subscriber(t, pool, "sms", "+99890000000"+string(rune('1'+i)), lang, "1703", "health", "sport"))
	}

	a := azizayol.Audience{Topics: []azizayol.InfoTopic{azizayol.TopicHealth}, RegionCode: "1703",
		Channels: []azizayol.Channel{azizayol.Telegram, azizayol.SMS}}
	counts, err := db.CountAudience(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if counts[azizayol.Telegram][azizayol.UzLatn] != 8 || counts[azizayol.Telegram][azizayol.Ru] != 4 ||
		counts[azizayol.SMS][azizayol.UzLatn] != 2 || counts[azizayol.SMS][azizayol.Ru] != 2 {
		t.Fatalf("audience = %v, want telegram 8 uz-Latn + 4 ru, sms 2 + 2", counts)
	}
	ru := a
	ru.Langs = []azizayol.Lang{azizayol.Ru}
	ru.Topics = []azizayol.InfoTopic{azizayol.TopicSport, azizayol.TopicHealth}
	if counts, _ := db.CountAudience(ctx, ru); counts[azizayol.Telegram][azizayol.Ru] != 4 || counts[azizayol.SMS][azizayol.Ru] != 2 ||
		len(counts[azizayol.Telegram]) != 1 {
		t.Fatalf("Russian audience = %v", counts)
	}

	// SMS: 1 segment in Latin, 2 in Russian; a budget of 3 takes the first Latin
	// (1) and the first Russian (2) woman, and skips the other two.
	id, err := db.SaveBroadcast(ctx, azizayol.Broadcast{AgencyID: health, Audience: a, SMSBudget: 3,
		Texts:       map[azizayol.Lang]string{azizayol.UzLatn: "Salom", azizayol.UzCyrl: "Салом", azizayol.Ru: "Привет"},
		SMSSegments: map[azizayol.Lang]int{azizayol.UzLatn: 1, azizayol.UzCyrl: 2, azizayol.Ru: 2}})
	if err != nil {
		t.Fatal(err)
	}
	if more, err := db.PlanBroadcasts(ctx, 5); more || err != nil {
		t.Fatalf("a draft was planned: %v %v", more, err)
	}
	if err := db.SetBroadcastStatus(ctx, 0, id, []azizayol.BroadcastStatus{azizayol.BroadcastDraft}, azizayol.BroadcastRunning, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetBroadcastStatus(ctx, agencyOf(t, pool, "justice"), id, []azizayol.BroadcastStatus{azizayol.BroadcastRunning},
		azizayol.BroadcastPaused, time.Time{}); !errors.Is(err, azizayol.ErrBroadcastState) {
		t.Fatalf("another agency paused it: %v", err)
	}
	planAll(t, db, 5) // 16 recipients in batches of 5
	// Planned again from the start (as after a planner that read a stale place): the
	// women already found are not counted twice.
	if _, err := pool.Exec(ctx, `UPDATE broadcasts SET planned_after = 0, planned = false WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	planAll(t, db, 5)
	p := progressOf(t, db, id)
	if !p.Planned || p.Total != 16 || p.Skipped != 2 || p.SMSUsed != 3 {
		t.Fatalf("planned %+v, want 16 found, 2 SMS over budget, 3 segments used", p)
	}

	// After she was found: one unsubscribes, one blocks the bot.
	if _, err := pool.Exec(ctx, `DELETE FROM info_subscriptions WHERE user_id = $1`, telegram[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE users SET blocked_at = now() WHERE id = $1`, telegram[1]); err != nil {
		t.Fatal(err)
	}
	sends := claimAll(t, db, azizayol.Telegram)
	if len(sends) != 12 {
		t.Fatalf("claimed %d Telegram sends, want 12", len(sends))
	}
	if again := claimAll(t, db, azizayol.Telegram); len(again) != 0 {
		t.Fatalf("claimed twice: %d", len(again))
	}
	var results []azizayol.BroadcastResult
	for i, s := range sends {
		if slices.Contains([]int64{elsewhere, other, blocked}, s.UserID) {
			t.Fatalf("user %d is not in the audience", s.UserID)
		}
		switch s.UserID {
		case telegram[0]:
			if s.Skip != "unsubscribed" {
				t.Errorf("unsubscribed woman: skip %q", s.Skip)
			}
			results = append(results, result(s, azizayol.Withheld, ""))
		case telegram[1]:
			if s.Skip != "blocked" {
				t.Errorf("blocked woman: skip %q", s.Skip)
			}
			results = append(results, result(s, azizayol.UserBlocked, ""))
		case telegram[2]:
			results = append(results, result(s, azizayol.Failed, ""))
		case telegram[3]: // she is chatting: later
			r := result(s, azizayol.RetryLater, "")
			r.Delivery.RetryAt = time.Now().Add(-time.Second)
			results = append(results, r)
		default:
			if s.Skip != "" || s.Text == "" {
				t.Errorf("send %+v", s)
			}
			results = append(results, result(s, azizayol.Sent, strconv.Itoa(1000+i)))
		}
	}
	if _, err := db.RecordBroadcastSends(ctx, results); err != nil {
		t.Fatal(err)
	}
	p = progressOf(t, db, id)
	if p.Sent != 8 || p.Failed != 1 || p.Blocked != 1 || p.Skipped != 3 || p.Queued() != 3 {
		t.Fatalf("after Telegram %+v, want 8 sent, 1 failed, 1 blocked, 3 skipped, 3 queued", p)
	}
	// The retried one comes again; the SMS are claimed and their sender dies.
	if again := claimAll(t, db, azizayol.Telegram); len(again) != 1 || again[0].UserID != telegram[3] || again[0].Claim != 2 {
		t.Fatalf("retry: %+v", again)
	} else if _, err := db.RecordBroadcastSends(ctx, []azizayol.BroadcastResult{result(again[0], azizayol.Sent, "2000")}); err != nil {
		t.Fatal(err)
	}
	smsSends, _, err := db.ClaimBroadcastSends(ctx, azizayol.SMS, 10, time.Millisecond)
	if err != nil || len(smsSends) != 2 {
		t.Fatalf("SMS claims %d: %v", len(smsSends), err)
	}
	time.Sleep(20 * time.Millisecond)
	// One of them was marked as on its way when its sender died: unknown, never
	// sent again; the other goes back in the queue.
	markedOne := func(keys []azizayol.BroadcastKey) ([]bool, error) {
		on := make([]bool, len(keys))
		for i, k := range keys {
			on[i] = k.UserID == smsSends[1].UserID
		}
		return on, nil
	}
	if n, err := db.ExpireBroadcastClaims(ctx, markedOne); n != 2 || err != nil {
		t.Fatalf("expired %d: %v", n, err)
	}
	again := claimAll(t, db, azizayol.SMS)
	if len(again) != 1 || again[0].UserID != smsSends[0].UserID || again[0].Claim != 2 {
		t.Fatalf("expired claims came back as %+v", again)
	}
	// The first claim's sender, late, reports it not sent: that claim is over, the
	// new one is not touched.
	if recorded, err := db.RecordBroadcastSends(ctx, []azizayol.BroadcastResult{result(smsSends[0], azizayol.RetryLater, "")}); err != nil || len(recorded) != 0 {
		t.Fatalf("a record of an old claim changed %v (%v)", recorded, err)
	}
	if _, err := db.RecordBroadcastSends(ctx, []azizayol.BroadcastResult{result(again[0], azizayol.Sent, "sms-1")}); err != nil {
		t.Fatal(err)
	}
	// The one that was on its way was sent after all and its sender says so late:
	// counted sent, not unknown.
	if p := progressOf(t, db, id); p.Unknown != 1 {
		t.Fatalf("unknown %d, want 1", p.Unknown)
	}
	recorded, err := db.RecordBroadcastSends(ctx, []azizayol.BroadcastResult{result(smsSends[1], azizayol.Sent, "sms-2")})
	if err != nil || len(recorded) != 1 {
		t.Fatalf("a late record: %v %v", recorded, err)
	}
	if found, err := db.RecordReport(ctx, azizayol.SMS, "sms-1", azizayol.Delivered, time.Now()); !found || err != nil {
		t.Fatalf("report of a broadcast SMS: %v %v", found, err)
	}
	if n, err := db.FinishBroadcasts(ctx); n != 1 || err != nil {
		t.Fatalf("finished %d: %v", n, err)
	}
	b, err := db.Broadcast(ctx, health, id)
	if err != nil {
		t.Fatal(err)
	}
	p = b.Progress
	if b.Status != azizayol.BroadcastDone || p.Sent != 11 || p.Unknown != 0 || p.Delivered != 1 || p.Finished() != p.Total {
		t.Fatalf("done: %s %+v", b.Status, p)
	}
	var blockedNow bool
	if err := pool.QueryRow(ctx, `SELECT blocked_at IS NOT NULL FROM users WHERE id = $1`, telegram[1]).Scan(&blockedNow); err != nil || !blockedNow {
		t.Fatalf("blocked woman not marked: %v", err)
	}
	var tracked int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM chat_messages`).Scan(&tracked); err != nil || tracked != 9 {
		t.Fatalf("%d Telegram messages kept for clearing her chat, want 9 (%v)", tracked, err)
	}
}

// A paused broadcast sends nothing until resumed; a cancelled one never again, and
// what it did not send counts as cancelled.
func TestBroadcastPauseResumeCancel(t *testing.T) {
	db, pool := open(t)
	ctx := context.Background()
	for i := range 3 {
		subscriber(t, pool, "telegram", "p"+string(rune('a'+i)), "uz-Latn", "", "laws")
	}
	id, err := db.SaveBroadcast(ctx, azizayol.Broadcast{AgencyID: agencyOf(t, pool, "mahalla"),
		Audience: azizayol.Audience{Topics: []azizayol.InfoTopic{azizayol.TopicLaws}},
		Texts:    map[azizayol.Lang]string{azizayol.UzLatn: "a", azizayol.UzCyrl: "а", azizayol.Ru: "а"}})
	if err != nil {
		t.Fatal(err)
	}
	move := func(from, to azizayol.BroadcastStatus) {
		t.Helper()
		if err := db.SetBroadcastStatus(ctx, 0, id, []azizayol.BroadcastStatus{from}, to, time.Now().Add(-time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	move(azizayol.BroadcastDraft, azizayol.BroadcastScheduled)
	if n, err := db.StartDueBroadcasts(ctx, time.Now()); n != 1 || err != nil {
		t.Fatalf("started %d: %v", n, err)
	}
	planAll(t, db, 100)
	move(azizayol.BroadcastRunning, azizayol.BroadcastPaused)
	if sends := claimAll(t, db, azizayol.Telegram); len(sends) != 0 {
		t.Fatalf("paused, yet %d claimed", len(sends))
	}
	move(azizayol.BroadcastPaused, azizayol.BroadcastRunning)
	sends, _, err := db.ClaimBroadcastSends(ctx, azizayol.Telegram, 1, time.Minute)
	if err != nil || len(sends) != 1 {
		t.Fatalf("resumed: %d claimed: %v", len(sends), err)
	}
	if _, err := db.RecordBroadcastSends(ctx, []azizayol.BroadcastResult{result(sends[0], azizayol.Sent, "1")}); err != nil {
		t.Fatal(err)
	}
	move(azizayol.BroadcastRunning, azizayol.BroadcastCancelled)
	if sends := claimAll(t, db, azizayol.Telegram); len(sends) != 0 {
		t.Fatalf("cancelled, yet %d claimed", len(sends))
	}
	if _, err := db.SaveBroadcast(ctx, azizayol.Broadcast{ID: id, AgencyID: 0,
		Audience: azizayol.Audience{Topics: []azizayol.InfoTopic{azizayol.TopicLaws}}}); !errors.Is(err, azizayol.ErrBroadcastState) {
		t.Fatalf("a sent broadcast was edited: %v", err)
	}
	if p := progressOf(t, db, id); p.Sent != 1 || p.Cancelled != 2 {
		t.Fatalf("cancelled: %+v", p)
	}
}
