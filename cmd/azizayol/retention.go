package main

import (
	"time"

	"github.com/azizayol/azizayol"
)

// retentionSettings are the retention periods, with their defaults (README,
// Configuration). A period is days ("30d") or a Go duration ("36h"); "0" keeps that
// kind of data.
var retentionSettings = []struct {
	name, def string
	to        func(*azizayol.Retention) *time.Duration
}{
	// Raw updates are needed only until processed and for investigating a fault soon
	// after; the month leaves time to look into a complaint.
	{"RETENTION_INBOX", "30d", func(r *azizayol.Retention) *time.Duration { return &r.Inbox }},
	// The texts sent to her: the month also covers her START queueing again what was
	// withheld (30 days).
	{"RETENTION_OUTBOX", "30d", func(r *azizayol.Retention) *time.Duration { return &r.Outbox }},
	// A closed appeal's words: a year, for a complaint about the answer or an appeal
	// filed again on the same matter; the consent text tells her so.
	{"RETENTION_CLOSED_TEXTS", "365d", func(r *azizayol.Retention) *time.Duration { return &r.ClosedTexts }},
	// Who saw or did what in the console: three years, the usual limitation period
	// for a complaint about how an official handled an appeal.
	{"RETENTION_AUDIT", "1095d", func(r *azizayol.Retention) *time.Duration { return &r.Audit }},
}

// minRetention is the shortest period allowed: shorter would blank what is still in
// use (an entry being retried, an answer she is reading).
const minRetention = time.Hour

// loadRetention reads the retention periods into r and lists what is wrong with them.
func loadRetention(env func(name, def string) string, r *azizayol.Retention) []string {
	var errs []string
	for _, s := range retentionSettings {
		d, err := azizayol.ParseRetention(env(s.name, s.def))
		if err != nil || (d != 0 && d < minRetention) {
			errs = append(errs, s.name+" must be a number of days (e.g. "+s.def+"), a duration of at least 1h, or 0 (keep)")
		}
		*s.to(r) = d
	}
	return errs
}
