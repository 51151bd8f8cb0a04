package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/azizayol/azizayol"
)

// ReportsDB is what the reports' reminders read and record (postgres.DB).
type ReportsDB interface {
	Indicators(ctx context.Context, agencyID int64) ([]azizayol.Indicator, error)
	RemindReports(ctx context.Context, due []azizayol.ReportDue, now time.Time) (int, error)
}

// Reports is the daily round of the agencies' periodic reports: it works out, for
// every active indicator, which periods are due within five days and which are
// late, and records a reminder of each for the indicator's agency — once, whenever
// the job runs (a day missed is made up the next), and none for a period submitted.
// The reports page shows them to the agency's staff.
type Reports struct {
	DB  ReportsDB
	Now azizayol.Clock
}

// ReportsSchedule is when the round runs: every morning at 08:00, Tashkent time,
// before the working day.
const ReportsSchedule = "0 8 * * *"

// Run records the reminders due now. It reads the clock once, so the periods worked
// out and the moment recorded are the same.
func (r *Reports) Run(ctx context.Context) error {
	now := r.Now()
	inds, err := r.DB.Indicators(ctx, 0)
	if err != nil {
		return fmt.Errorf("jobs: report reminders: %w", err)
	}
	due := azizayol.ReportReminders(inds, now)
	n, err := r.DB.RemindReports(ctx, due, now)
	if err != nil {
		return fmt.Errorf("jobs: report reminders: %w", err)
	}
	slog.Info("report reminders", "periods", len(due), "recorded", n)
	return nil
}
