package reminders

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/schedule"
)

// Default schedules, in the partnership's time zone: the sweep at 09:00 and
// the digest at 08:30, Monday to Friday (bank holidays are skipped by the
// jobs themselves).
const (
	DefaultRemindCron = "0 9 * * 1-5"
	DefaultDigestCron = "30 8 * * 1-5"
)

// Schedule is when a job runs: the next instant after a given one.
type Schedule = schedule.Schedule

// ParseSchedule parses a five-field cron spec ("0 9 * * 1-5") or a
// descriptor ("@daily"), as the bot's one runner reads it.
func ParseSchedule(spec string) (Schedule, error) {
	return schedule.Parse(spec)
}

// FirstRunOn returns the first instant on day (in loc) at which sched runs,
// and false when it does not run that day.
func FirstRunOn(sched Schedule, day actionbot.Date, loc *time.Location) (time.Time, bool) {
	start := day.In(loc)
	t := sched.Next(start.Add(-time.Second))
	if t.IsZero() || actionbot.DateOf(t.In(loc)) != day {
		return time.Time{}, false
	}
	return t.In(loc), true
}

// Scheduler is the sweep and the digest as jobs of the bot's one runner
// (schedule.Runner), on their cron schedules in the partnership's time
// zone, with the start-up catch-up. Cron only says when to look: each job
// works out what is due from the instant it is given, and the ledger makes
// running a job twice harmless.
type Scheduler struct {
	Service *Service
	// RemindSpec is the sweep's schedule; empty turns reminders off.
	RemindSpec string
	// DigestSpec is the digest's schedule; empty turns the digest off.
	DigestSpec string
	// Now is the bot's clock (required): the jobs run when it reaches
	// their times, the wall clock's or the console's -as-of clock.
	Now func() time.Time
	// Tick is when Run looks at the clock (nil: every second); tests step
	// it by hand.
	Tick   <-chan time.Time
	Logger *slog.Logger
}

func (s *Scheduler) now() time.Time { return s.Now() }

func (s *Scheduler) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// Sweep runs the reminder sweep at the scheduler's now; a day that is not a
// working day is skipped.
func (s *Scheduler) Sweep(ctx context.Context) { s.sweepAt(ctx, s.now()) }

func (s *Scheduler) sweepAt(ctx context.Context, now time.Time) {
	if _, err := s.Service.Sweep(ctx, now); err != nil {
		s.logger().Error("reminder sweep failed", "err", err)
	}
}

// Digest posts the day's digest at the scheduler's now, once; a day that
// is not a working day is skipped.
func (s *Scheduler) Digest(ctx context.Context) { s.digestAt(ctx, s.now()) }

func (s *Scheduler) digestAt(ctx context.Context, now time.Time) {
	day, err := s.Service.DigestDay(now)
	if err != nil {
		s.logger().Info("digest: not a working day, nothing posted", "day", day.String())
		return
	}
	if d, queued, err := s.Service.PostDigest(ctx, now); err != nil {
		s.logger().Error("digest failed", "day", day.String(), "err", err)
	} else if !queued && (d == nil || !d.Skip) {
		s.logger().Info("digest already posted today", "day", day.String())
	}
}

// CatchUp does, at start-up, what a scheduled run earlier today would have
// done had the bot been running: on a working day, once a scheduled time
// has passed, it runs the sweep (harmless if it already ran) and posts the
// day's digest if it has not been posted. Earlier days are not back-filled:
// the next sweep sends each action's latest missed step, and the next
// digest covers everything since the last one posted.
func (s *Scheduler) CatchUp(ctx context.Context) error { return s.catchUpAt(ctx, s.now()) }

func (s *Scheduler) catchUpAt(ctx context.Context, now time.Time) error {
	loc := s.Service.Rules.Location
	day, err := s.Service.DigestDay(now) // the sweep and the digest keep the same working days
	if err != nil {
		return nil
	}
	missed := func(spec string) (bool, error) {
		if spec == "" {
			return false, nil
		}
		sched, err := ParseSchedule(spec)
		if err != nil {
			return false, err
		}
		first, ok := FirstRunOn(sched, day, loc)
		return ok && !first.After(now), nil
	}
	if late, err := missed(s.DigestSpec); err != nil {
		return fmt.Errorf("digest schedule %q: %w", s.DigestSpec, err)
	} else if late {
		if posted, err := s.Service.Store.DigestQueued(ctx, day); err != nil {
			return err
		} else if !posted {
			s.logger().Info("posting today's digest late: the bot was not running at its scheduled time", "day", day.String())
			s.digestAt(ctx, now)
		}
	}
	if late, err := missed(s.RemindSpec); err != nil {
		return fmt.Errorf("reminder schedule %q: %w", s.RemindSpec, err)
	} else if late {
		s.sweepAt(ctx, now)
	}
	return nil
}

// Jobs are the sweep and the digest for the bot's runner: those whose
// schedule is set.
func (s *Scheduler) Jobs() []schedule.Job {
	var jobs []schedule.Job
	if s.RemindSpec != "" {
		jobs = append(jobs, schedule.Job{Name: "reminder sweep", Spec: s.RemindSpec, Run: s.sweepAt})
	}
	if s.DigestSpec != "" {
		jobs = append(jobs, schedule.Job{Name: "digest", Spec: s.DigestSpec, Run: s.digestAt})
	}
	return jobs
}

// StartUp is the catch-up (see CatchUp) as the runner's start-up step.
func (s *Scheduler) StartUp(ctx context.Context, now time.Time) {
	if err := s.catchUpAt(ctx, now); err != nil {
		s.logger().Error("start-up catch-up failed", "err", err)
	}
}

// Runner is the bot's runner with the sweep and the digest alone.
func (s *Scheduler) Runner() *schedule.Runner {
	return &schedule.Runner{Now: s.Now, Location: s.Service.Rules.Location, Tick: s.Tick,
		Start: []func(context.Context, time.Time){s.StartUp}, Jobs: s.Jobs(), Logger: s.logger()}
}

// Run catches up (see CatchUp), then runs the sweep and the digest on
// their schedules until ctx is done (see schedule.Runner).
func (s *Scheduler) Run(ctx context.Context) error { return s.Runner().Run(ctx) }
