package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/azizayol/azizayol"
)

// PurgeDB blanks or deletes what is past its retention (postgres.DB).
type PurgeDB interface {
	Purge(ctx context.Context, now time.Time, r azizayol.Retention) (azizayol.Purged, error)
}

// Purge is the nightly retention purge: what the law lets us keep no longer than
// needed (Ministry of Justice order No. 3478) goes when its kind's time is up.
type Purge struct {
	DB        PurgeDB
	Retention azizayol.Retention
	Now       azizayol.Clock
}

// PurgeSchedule is when the purge runs: every night at 02:15, Tashkent time, when
// hardly anyone writes.
const PurgeSchedule = "15 2 * * *"

// Run purges what is due now, and logs how much of each kind went. Run again, it
// finds nothing more.
func (p *Purge) Run(ctx context.Context) error {
	start := time.Now()
	n, err := p.DB.Purge(ctx, p.Now(), p.Retention)
	if err != nil {
		return fmt.Errorf("jobs: retention purge (after %d inbox, %d outbox, %d appeals, %d audit): %w",
			n.Inbox, n.Outbox, n.Appeals, n.Audit, err)
	}
	slog.Info("retention purge", "inbox", n.Inbox, "outbox", n.Outbox, "appeals", n.Appeals, "audit", n.Audit,
		"took", time.Since(start))
	return nil
}
