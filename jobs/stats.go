package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/azizayol/azizayol"
)

// StatsDB keeps the statistics rollups current (postgres.DB).
type StatsDB interface {
	RefreshStats(ctx context.Context, now time.Time) (int, error)
}

// Stats refreshes the statistics dashboard's figures: the days whose appeals changed
// since its last run, the days whose open appeals passed their deadline, and the
// women reached (see migrations/00012_stats.sql for why a job and not counters).
type Stats struct {
	DB  StatsDB
	Now azizayol.Clock
}

// StatsSchedule is every minute: the dashboard's figures are current to the minute.
const StatsSchedule = "* * * * *"

// Run brings the figures up to date as of now.
func (s *Stats) Run(ctx context.Context) error {
	start := time.Now()
	days, err := s.DB.RefreshStats(ctx, s.Now())
	if err != nil {
		return fmt.Errorf("jobs: stats refresh: %w", err)
	}
	if days > 0 {
		slog.Debug("stats refreshed", "days", days, "took", time.Since(start))
	}
	return nil
}
