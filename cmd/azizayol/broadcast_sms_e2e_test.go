package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A broadcast by SMS through the provider: the woman who sent STOP gets nothing, the
// budget (3 segments) reaches three of the other four, and a delivery report counts as
// delivered. Every SMS the aggregator takes is checked for words no SMS may carry.
func TestSMSBroadcastBudgetStopAndReports(t *testing.T) {
	agg := newFakeAggregator(t)
	e := smsEnv(t, agg, "http")
	serveInProcess(t, e)
	db := pool(t, e)
	ctx := t.Context()
	numbers := []string{"998901110001", "998901110002", "998901110003", "998901110004", "998901110005"}
	for i, n := range numbers {
		var id int64
		err := db.QueryRow(ctx, `INSERT INTO users (channel, address, lang, opted_out_at) VALUES ('sms', $1, 'uz-Latn',
			CASE WHEN $2 THEN now() END) RETURNING id`, n, i == 0).Scan(&id)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `INSERT INTO info_subscriptions (user_id, topic) VALUES ($1, 'health')`, id); err != nil {
			t.Fatal(err)
		}
	}
	var id int64
	err := db.QueryRow(ctx, `INSERT INTO broadcasts (agency_id, texts, topics, channels, sms_budget, sms_segments, status, started_at, running_since)
		SELECT id, '{"uz-Latn": "Shanba kuni bepul tekshiruv", "uz-Cyrl": "Шанба куни бепул текширув", "ru": "В субботу бесплатный осмотр"}',
		       '{health}', '{sms}', 3, '{"uz-Latn": 1, "uz-Cyrl": 1, "ru": 1}', 'running', now(), now()
		FROM agencies WHERE code = 'health' RETURNING id`).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	var status string
	var total, sent, skipped, delivered int
	read := func() {
		t.Helper()
		if err := db.QueryRow(ctx, `SELECT status, total, sent, skipped, delivered FROM broadcasts WHERE id = $1`, id).
			Scan(&status, &total, &sent, &skipped, &delivered); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for read(); status != "done"; read() {
		if time.Now().After(deadline) {
			t.Fatalf("not done: %s %d/%d", status, sent, total)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if total != 4 || sent != 3 || skipped != 1 {
		t.Fatalf("%d recipients, %d sent, %d skipped; want 4 (not the one who sent STOP), 3, 1 over budget", total, sent, skipped)
	}
	if got := agg.Sent(numbers[0]); len(got) != 0 {
		t.Errorf("the woman who sent STOP got %q", smsTexts(got))
	}
	var reached []string
	for _, n := range numbers[1:] {
		for _, m := range agg.Sent(n) {
			if !strings.Contains(m.Text, "Shanba kuni bepul tekshiruv") || !strings.Contains(m.Text, "STOP") {
				t.Errorf("%s got %q", n, m.Text)
			}
			reached = append(reached, m.ID)
		}
	}
	if len(reached) != 3 {
		t.Fatalf("%d SMS taken, want 3", len(reached))
	}
	body := fmt.Appendf(nil, `{"id":%q,"status":"delivered"}`, reached[0])
	if code := postSMS(t, e, "/sms/report?secret="+smsSecret, "application/json", body); code != http.StatusOK {
		t.Fatalf("report: HTTP %d", code)
	}
	if read(); delivered != 1 {
		t.Errorf("%d delivered, want 1", delivered)
	}
}
