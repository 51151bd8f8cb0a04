package main

import (
	"context"
	"math"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/azizayol/azizayol/bot/telegram/telegramtest"
)

// broadcastRate is the rate of the broadcast tests: the fake Bot API allows exactly
// this many messages a second (and one a second per chat), and so is the binary
// configured. Higher than Telegram's 30 so the test takes a minute, not six.
const broadcastRate = 200

// sentLog records when the fake Bot API took each message, by chat.
type sentLog struct {
	mu    sync.Mutex
	at    []time.Time
	chats map[int64]int
}

func (l *sentLog) add(m telegramtest.Message) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.at = append(l.at, time.Now())
	l.chats[m.ChatID]++
}

func (l *sentLog) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.at)
}

// rate is the messages a second between the i-th and the j-th message taken.
func (l *sentLog) rate(i, j int) float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return float64(j-i) / l.at[j].Sub(l.at[i]).Seconds()
}

// A 10,000-recipient broadcast under the fake Bot API's limits: no 429, the configured
// rate within 5%, the binary killed halfway and started again, and nobody gets a
// second copy; women who blocked the bot or unsubscribed get nothing, and the blocked
// ones are skipped by the next broadcast without a try.
func TestBroadcastTenThousandKilledHalfway(t *testing.T) {
	if testing.Short() {
		t.Skip("a minute of sending")
	}
	fake := telegramtest.New(t, token)
	// Like Telegram, the fake tolerates a short burst (a fifth of a second's worth);
	// the binary's own limiter allows a twentieth, the rest is room for the jitter
	// of the network and the scheduler between its limiter and the API.
	fake.SetGlobalLimit(broadcastRate, broadcastRate/5)
	fake.SetChatLimit(1, 3)
	log := &sentLog{chats: map[int64]int{}}
	fake.OnSent(log.add)
	const first, n = 5_000_000, 10_000
	blocked := map[int64]bool{}
	for i := range 50 {
		id := int64(first + 1 + i*150)
		fake.BlockBot(id)
		blocked[id] = true
	}
	e := newEnv(t, fake).with("TELEGRAM_RATE", strconv.Itoa(broadcastRate), "TELEGRAM_CHAT_RATE", "1",
		"BROADCAST_WORKERS", "16", "LOG_LEVEL", "error")
	kill := serveProcess(t, e)
	db := pool(t, e)
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := db.Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(`INSERT INTO users (channel, address, lang)
		SELECT 'telegram', ($1 + g)::text, (ARRAY['uz-Latn', 'uz-Cyrl', 'ru'])[1 + g % 3] FROM generate_series(1, $2) g
		ON CONFLICT (channel, address) DO UPDATE SET lang = excluded.lang`, first, n+300) // those who blocked the bot may be known already
	exec(`INSERT INTO info_subscriptions (user_id, topic)
		SELECT id, CASE WHEN address::bigint <= $1 THEN 'health' ELSE 'sport' END FROM users WHERE channel = 'telegram'`, first+n)
	// The last 200 unsubscribe while it runs: they must get nothing.
	unsubscribed := func(chat int64) bool { return chat > first+n-200 && chat <= first+n }
	var health, laws int64
	if err := db.QueryRow(ctx, `SELECT id FROM agencies WHERE code = 'health'`).Scan(&health); err != nil {
		t.Fatal(err)
	}
	var id int64
	err := db.QueryRow(ctx, `INSERT INTO broadcasts (agency_id, texts, topics, channels, status, started_at, running_since)
		VALUES ($1, '{"uz-Latn": "Emlash kuni", "uz-Cyrl": "Эмлаш куни", "ru": "День прививок"}', '{health}', '{telegram}',
		'running', now(), now()) RETURNING id`, health).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	exec(`DELETE FROM info_subscriptions s USING users u WHERE u.id = s.user_id AND u.address::bigint > $1 AND u.address::bigint <= $2`,
		first+n-200, first+n)

	wait := func(what string, within time.Duration, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(within)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not within %s (%d sent)", what, within, log.count())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	wait("half sent", 2*time.Minute, func() bool { return log.count() >= n/2 })
	kill()
	killedAt := log.count()
	time.Sleep(time.Second)
	e = e.with("HTTP_ADDR", freeAddr(t))
	serveProcess(t, e)
	status := func(id int64) string {
		var s string
		if err := db.QueryRow(ctx, `SELECT status FROM broadcasts WHERE id = $1`, id).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	wait("done", 3*time.Minute, func() bool { return status(id) == "done" })

	var total, sent, failed, blockedN, skipped, unknown int
	err = db.QueryRow(ctx, `SELECT total, sent, failed, blocked, skipped, unknown FROM broadcasts WHERE id = $1`, id).
		Scan(&total, &sent, &failed, &blockedN, &skipped, &unknown)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("broadcast: %d recipients, %d sent, %d blocked, %d skipped, %d unknown, %d failed; %d messages taken (%d before the kill)",
		total, sent, blockedN, skipped, unknown, failed, log.count(), killedAt)

	if got := fake.TooManyRequests(); got != 0 {
		t.Errorf("%d answers 429, want none", got)
	}
	log.mu.Lock()
	var twice, toBlocked, toUnsubscribed, received int
	for chat, k := range log.chats {
		received++
		switch {
		case k > 1:
			twice++
		case blocked[chat]:
			toBlocked++
		case unsubscribed(chat):
			toUnsubscribed++
		}
	}
	log.mu.Unlock()
	if twice > 0 || toBlocked > 0 || toUnsubscribed > 0 {
		t.Errorf("%d women got it twice, %d who blocked the bot and %d who unsubscribed got it", twice, toBlocked, toUnsubscribed)
	}
	want := n - len(blocked) - 200
	// A message taken by Telegram whose record died with the binary counts unknown.
	if received < sent || received > sent+unknown || sent+unknown < want || unknown > 20 {
		t.Errorf("%d women received it; %d recorded sent and %d unknown, want %d in all", received, sent, unknown, want)
	}
	if failed != 0 {
		t.Errorf("%d failed", failed)
	}

	// The rate, away from the start and the kill: the fake's clock of what it took.
	for _, run := range [][2]int{{200, killedAt - 200}, {killedAt + 400, log.count() - 1}} {
		if run[1]-run[0] < 1000 {
			t.Fatalf("too few messages to measure a rate: %v", run)
		}
		rate := log.rate(run[0], run[1])
		t.Logf("rate between messages %d and %d: %.1f/s (configured %d/s)", run[0], run[1], rate, broadcastRate)
		if math.Abs(rate-broadcastRate)/broadcastRate > 0.05 {
			t.Errorf("rate %.1f/s, want %d/s within 5%%", rate, broadcastRate)
		}
	}

	// Those who blocked the bot are marked and not tried again.
	var marked int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM users WHERE blocked_at IS NOT NULL`).Scan(&marked); err != nil || marked != len(blocked) {
		t.Fatalf("%d women marked as having blocked the bot, want %d (%v)", marked, len(blocked), err)
	}
	if err := db.QueryRow(ctx, `SELECT id FROM agencies WHERE code = 'mahalla'`).Scan(&laws); err != nil {
		t.Fatal(err)
	}
	exec(`INSERT INTO info_subscriptions (user_id, topic) SELECT id, 'laws' FROM users WHERE address::bigint % 200 = 1`)
	var subscribers, subscribedBlocked int
	err = db.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE u.blocked_at IS NOT NULL)
		FROM info_subscriptions s JOIN users u ON u.id = s.user_id WHERE s.topic = 'laws'`).Scan(&subscribers, &subscribedBlocked)
	if err != nil || subscribedBlocked == 0 {
		t.Fatalf("laws: %d subscribers, %d blocked (%v)", subscribers, subscribedBlocked, err)
	}
	before := log.count()
	err = db.QueryRow(ctx, `INSERT INTO broadcasts (agency_id, texts, topics, status, started_at, running_since)
		VALUES ($1, '{"uz-Latn": "Yangi qonun", "uz-Cyrl": "Янги қонун", "ru": "Новый закон"}', '{laws}',
		'running', now(), now()) RETURNING id`, laws).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	wait("second done", time.Minute, func() bool { return status(id) == "done" })
	var total2, blocked2 int
	if err := db.QueryRow(ctx, `SELECT total, blocked FROM broadcasts WHERE id = $1`, id).Scan(&total2, &blocked2); err != nil {
		t.Fatal(err)
	}
	if want := subscribers - subscribedBlocked; total2 != want || blocked2 != 0 || log.count()-before != want {
		t.Errorf("second broadcast: %d recipients, %d tried and blocked, %d sent; want %d, 0, %d",
			total2, blocked2, log.count()-before, want, want)
	}
}
