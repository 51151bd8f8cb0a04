package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/azizayol/azizayol"
)

// PublicationsSchedule runs the publication reminders every morning, Tashkent time,
// before the agencies' working day.
const PublicationsSchedule = "0 9 * * *"

// PublicationsDB is the publication schedule and its reminders (postgres.DB).
type PublicationsDB interface {
	// Dues is what each schedule item of an agency (0: all) asks for.
	Dues(ctx context.Context, agencyID int64) ([]azizayol.PublicationDue, error)
	// Remind records one reminder, once: false when it was made before.
	Remind(ctx context.Context, scheduleID int64, dueOn time.Time, kind azizayol.PublicationReminderKind, now time.Time) (bool, error)
}

// Publications reminds each agency's admins of what resolution No. 507, Appendix 2
// has them publish: three days before a publication is due, and on the day it is
// late. Each reminder is made once; the articles page of the console shows them.
type Publications struct {
	DB  PublicationsDB
	Now azizayol.Clock
}

// Run makes today's reminders and returns how many it made. Run again the same day,
// or a day later, it makes none twice; a day it did not run is made up the next.
func (p *Publications) Run(ctx context.Context) error {
	_, err := p.remind(ctx)
	return err
}

func (p *Publications) remind(ctx context.Context) (int, error) {
	now := p.Now()
	dues, err := p.DB.Dues(ctx, 0)
	if err != nil {
		return 0, fmt.Errorf("jobs: publications: %w", err)
	}
	made := 0
	for _, d := range dues {
		kind, ok := d.Reminder(now)
		if !ok {
			continue
		}
		fresh, err := p.DB.Remind(ctx, d.Item.ID, d.DueOn, kind, now)
		if err != nil {
			return made, fmt.Errorf("jobs: publications: %w", err)
		}
		if fresh {
			made++
			slog.Info("publication reminder", "agency", d.Item.Agency.UzLatn, "row", d.Item.Row,
				"due", d.DueOn.Format(time.DateOnly), "kind", kind)
		}
	}
	return made, nil
}
