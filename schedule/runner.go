// Package schedule runs the bot's periodic jobs (the reminders' sweep, the
// daily digest, the quarterly paper, the integrity check) through one
// runner on one clock: the clock the bot is given, the wall clock in
// service or the console's -as-of clock. Cron only says when: each job
// works out from the instant it is given what is due, so a run made late,
// or twice, does no harm.
package schedule

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"
)

// Schedule is when a job runs: the next instant after a given one.
type Schedule interface {
	Next(time.Time) time.Time
}

// Parse parses a five-field cron spec ("0 9 * * 1-5"), a descriptor
// ("@daily") or an interval ("@every 24h").
func Parse(spec string) (Schedule, error) {
	return cron.ParseStandard(spec)
}

// Job is one periodic job.
type Job struct {
	// Name names the job in the log ("reminder sweep").
	Name string
	// Spec is when it runs, in the runner's time zone (see Parse).
	Spec string
	// Run does the job at now, the runner's clock's reading.
	Run func(ctx context.Context, now time.Time)
}

// Runner runs jobs on their schedules, on the clock Now, looking at each
// tick whether a job's time has come. Jobs run one at a time, in the
// runner's goroutine: a job that takes long delays the next, and none
// overlaps itself.
type Runner struct {
	// Now is the bot's clock; required.
	Now func() time.Time
	// Location is the partnership's time zone, in which specs are read.
	Location *time.Location
	// Tick is when the runner looks at the clock; nil is every second of
	// the wall clock. Tests step it by hand.
	Tick <-chan time.Time
	// Start runs once before the schedules start: the start-up catch-up.
	Start []func(ctx context.Context, now time.Time)
	Jobs  []Job
	// Logger logs each job's next run and any panic.
	Logger *slog.Logger
}

// Run checks every job's schedule, runs Start, and then each job whenever
// the clock reaches its next time, until ctx is done. A job that has started
// finishes with a context that is not cancelled, so nothing is left
// half-done. A job's panic is recovered and logged; the job runs again at
// its next time. A bad spec is an error before anything runs.
func (r *Runner) Run(ctx context.Context) error {
	if r.Now == nil || r.Location == nil {
		return fmt.Errorf("schedule: the runner needs a clock and a time zone")
	}
	type entry struct {
		Job
		sched Schedule
		next  time.Time
	}
	entries := make([]*entry, 0, len(r.Jobs))
	for _, j := range r.Jobs {
		sched, err := Parse(j.Spec)
		if err != nil {
			return fmt.Errorf("%s schedule %q: %w", j.Name, j.Spec, err)
		}
		entries = append(entries, &entry{Job: j, sched: sched})
	}
	log := r.logger()
	work := context.WithoutCancel(ctx)
	for _, start := range r.Start {
		r.safely(log, "start-up catch-up", func() { start(work, r.Now().In(r.Location)) })
	}
	now := r.Now().In(r.Location)
	for _, e := range entries {
		e.next = e.sched.Next(now)
		log.Info("scheduled", "job", e.Name, "next", e.next.Format(time.RFC3339))
	}
	tick := r.Tick
	if tick == nil {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick:
		}
		// One reading a tick: the jobs due at it run in their order.
		now := r.Now().In(r.Location)
		for _, e := range entries {
			if e.next.After(now) {
				continue
			}
			r.safely(log, e.Name, func() { e.Run(work, now) })
			e.next = e.sched.Next(now)
		}
	}
}

// safely runs f, logging a panic as the job's error.
func (r *Runner) safely(log *slog.Logger, name string, f func()) {
	defer func() {
		if p := recover(); p != nil {
			log.Error("scheduled job panicked: it runs again at its next time", "job", name, "panic", fmt.Sprint(p))
		}
	}()
	f()
}

func (r *Runner) logger() *slog.Logger {
	if r.Logger != nil {
		return r.Logger
	}
	return slog.Default()
}
