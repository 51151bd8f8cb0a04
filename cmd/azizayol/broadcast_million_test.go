package main

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/bot/telegram/telegramtest"
)

// A broadcast to 1,000,000 women with every limit off, for the binary's memory (its
// peak resident set, read from /proc) and the rate it reaches. Minutes long: run it
// with AZIZAYOL_MILLION=1 go test -run TestBroadcastMillion -v -timeout 30m ./cmd/azizayol
func TestBroadcastMillion(t *testing.T) {
	if os.Getenv("AZIZAYOL_MILLION") == "" {
		t.Skip("AZIZAYOL_MILLION=1 runs it")
	}
	const n = 1_000_000
	fake := telegramtest.New(t, token)
	e := newEnv(t, fake).with("TELEGRAM_RATE", "0", "TELEGRAM_CHAT_RATE", "0", "BROADCAST_WORKERS", "32", "LOG_LEVEL", "error")
	_, pid := serveProcessPID(t, e)
	db := pool(t, e)
	ctx := context.Background()
	start := time.Now()
	if _, err := db.Exec(ctx, `INSERT INTO users (channel, address, lang)
		SELECT 'telegram', (9000000 + g)::text, (ARRAY['uz-Latn', 'uz-Cyrl', 'ru'])[1 + g % 3] FROM generate_series(1, $1) g`, n); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO info_subscriptions (user_id, topic) SELECT id, 'health' FROM users`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `VACUUM ANALYZE users`); err != nil {
		t.Fatal(err)
	}
	t.Logf("1,000,000 subscribers made in %s; the binary's memory before: %s", time.Since(start).Round(time.Second), memory(t, pid))
	var id int64
	err := db.QueryRow(ctx, `INSERT INTO broadcasts (agency_id, texts, topics, status, started_at, running_since)
		SELECT id, '{"uz-Latn": "Emlash kuni", "uz-Cyrl": "Эмлаш куни", "ru": "День прививок"}', '{health}', 'running', now(), now()
		FROM agencies WHERE code = 'health' RETURNING id`).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	var peak, sent, total int
	var status string
	for status != "done" {
		time.Sleep(2 * time.Second)
		if err := db.QueryRow(ctx, `SELECT status, sent, total FROM broadcasts WHERE id = $1`, id).Scan(&status, &sent, &total); err != nil {
			t.Fatal(err)
		}
		if rss := residentKB(t, pid, "VmRSS"); rss > peak {
			peak = rss
		}
		if time.Since(start) > 25*time.Minute {
			t.Fatalf("not done after 25 minutes: %d of %d sent", sent, total)
		}
	}
	took := time.Since(start)
	t.Logf("1,000,000 sent in %s: %.0f messages/s; the binary's resident memory at most %d MB (VmHWM %d MB)",
		took.Round(time.Second), float64(sent)/took.Seconds(), peak/1024, residentKB(t, pid, "VmHWM")/1024)
	eta := azizayol.BroadcastProgress{Total: n, Planned: true}.ETA(30)
	t.Logf("at Telegram's 30 messages/s the console's ETA at the start is %s", eta.Round(time.Minute))
	if sent != n || fake.TooManyRequests() != 0 {
		t.Errorf("%d sent, %d answers 429", sent, fake.TooManyRequests())
	}
}

// residentKB reads a memory figure of a process from /proc (kB).
func residentKB(t *testing.T, pid int, field string) int {
	t.Helper()
	status, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return kb
		}
	}
	return 0
}

func memory(t *testing.T, pid int) string {
	return strconv.Itoa(residentKB(t, pid, "VmRSS")/1024) + " MB"
}
