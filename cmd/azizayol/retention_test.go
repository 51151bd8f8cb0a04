package main

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/azizayol/azizayol"
	"github.com/azizayol/azizayol/jobs"
)

// The retention periods: the README's defaults, days or durations, 0 to keep, and one
// line naming each bad setting; the purge is among the nightly jobs.
func TestRetentionSettings(t *testing.T) {
	const day = 24 * time.Hour
	cfg, err := loadConfig(envOf("TELEGRAM_BOT_TOKEN", "1:a"), true)
	if err != nil {
		t.Fatal(err)
	}
	want := azizayol.Retention{Inbox: 30 * day, Outbox: 30 * day, ClosedTexts: 365 * day, Audit: 1095 * day}
	if cfg.Retention != want {
		t.Errorf("default retention %+v, want %+v", cfg.Retention, want)
	}
	cfg, err = loadConfig(envOf("TELEGRAM_BOT_TOKEN", "1:a", "RETENTION_INBOX", "7d", "RETENTION_OUTBOX", "36h",
		"RETENTION_CLOSED_TEXTS", "730d", "RETENTION_AUDIT", "0"), true)
	if err != nil {
		t.Fatal(err)
	}
	want = azizayol.Retention{Inbox: 7 * day, Outbox: 36 * time.Hour, ClosedTexts: 730 * day}
	if cfg.Retention != want {
		t.Errorf("retention %+v, want %+v", cfg.Retention, want)
	}
	_, err = loadConfig(envOf("TELEGRAM_BOT_TOKEN", "1:a", "RETENTION_INBOX", "a month", "RETENTION_OUTBOX", "-3d",
		"RETENTION_CLOSED_TEXTS", "10m", "RETENTION_AUDIT", "3y"), true)
	for _, name := range []string{"RETENTION_INBOX", "RETENTION_OUTBOX", "RETENTION_CLOSED_TEXTS", "RETENTION_AUDIT"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%v does not name %s", err, name)
		}
	}

	var purge *jobs.Job
	for _, j := range (&platform{}).jobs(cfg) {
		if j.Name == "retention-purge" {
			purge = &j
		}
	}
	if purge == nil || purge.Schedule != jobs.PurgeSchedule {
		t.Errorf("the nightly purge is not among the jobs: %+v", purge)
	}

	// Every setting is in the README's table.
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range retentionSettings {
		if !strings.Contains(string(readme), "| `"+s.name+"` | `"+s.def+"` |") {
			t.Errorf("README's configuration table lacks %s with its default %s", s.name, s.def)
		}
	}
}
