// Package jobs runs the platform's scheduled work with robfig/cron, in Tashkent time,
// each scheduled run on one instance only: the daily digest of new courses and
// vacancies, the nightly pull from the national vacancy base, and the hourly closing
// of expired vacancies.
package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/azizayol/azizayol"
)

// Once lets one instance of many do a scheduled run (redis.Client).
type Once interface {
	Once(ctx context.Context, key string, ttl time.Duration) (bool, error)
}

// Job is one scheduled piece of work.
type Job struct {
	Name     string
	Schedule string // cron spec, Tashkent time: "0 10 * * *"
	Run      func(ctx context.Context) error
}

// Scheduler runs jobs on their schedules until its context ends.
type Scheduler struct {
	cron *cron.Cron
	once Once
}

// NewScheduler returns a scheduler of jobs that run once across the instances
// sharing once.
func NewScheduler(ctx context.Context, once Once, jobs ...Job) (*Scheduler, error) {
	logger := cron.PrintfLogger(slogPrintf{})
	// Recover inside SkipIfStillRunning: the other order stops a job for good after
	// one panic (see shared/LIBRARIES.md).
	c := cron.New(cron.WithLocation(azizayol.Tashkent),
		cron.WithChain(cron.SkipIfStillRunning(logger), cron.Recover(logger)))
	s := &Scheduler{cron: c, once: once}
	for _, j := range jobs {
		if _, err := c.AddFunc(j.Schedule, func() { s.run(ctx, j) }); err != nil {
			return nil, fmt.Errorf("jobs: %s: schedule %q: %w", j.Name, j.Schedule, err)
		}
	}
	return s, nil
}

// Run runs the jobs until ctx ends, then waits for a running one to finish.
func (s *Scheduler) Run(ctx context.Context) {
	s.cron.Start()
	<-ctx.Done()
	<-s.cron.Stop().Done()
}

// run does one scheduled run of j if no other instance has: runs are named by the
// minute they were due (cron fires on the minute; clocks differ by seconds).
func (s *Scheduler) run(ctx context.Context, j Job) {
	due := time.Now().Add(30 * time.Second).Truncate(time.Minute)
	key := j.Name + ":" + due.UTC().Format("2006-01-02T15:04")
	mine, err := s.once.Once(ctx, key, 48*time.Hour)
	if err != nil {
		slog.Error("scheduled job not started", "job", j.Name, "err", err)
		return
	}
	if !mine {
		return
	}
	start := time.Now()
	if err := j.Run(ctx); err != nil {
		slog.Error("scheduled job failed", "job", j.Name, "took", time.Since(start), "err", err)
		return
	}
	slog.Info("scheduled job done", "job", j.Name, "took", time.Since(start))
}

type slogPrintf struct{}

func (slogPrintf) Printf(format string, args ...any) {
	slog.Info(fmt.Sprintf("cron: "+format, args...))
}

// The deadline alerts' thresholds (postgres.DB.Deadlines): the assignee is warned a
// day before the deadline, six hours before for an urgent appeal; the agency admins
// hear of an urgent appeal left unanswered two hours after it was filed.
const (
	WarnBefore       = 24 * time.Hour
	WarnBeforeUrgent = 6 * time.Hour
	UrgentUnanswered = 2 * time.Hour
)
