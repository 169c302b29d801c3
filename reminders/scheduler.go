package reminders

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/sevenoaks-csp/actionbot"
)

// Default schedules, in the partnership's time zone: the sweep at 09:00 and
// the digest at 08:30, Monday to Friday (bank holidays are skipped by the
// jobs themselves).
const (
	DefaultRemindCron = "0 9 * * 1-5"
	DefaultDigestCron = "30 8 * * 1-5"
)

// Schedule is when a job runs: the next instant after a given one. It is
// what ParseSchedule returns, so that the programs that schedule jobs read
// their settings with one parser and need not know the cron library.
type Schedule interface {
	Next(time.Time) time.Time
}

// ParseSchedule parses a five-field cron spec ("0 9 * * 1-5") or a
// descriptor ("@daily").
func ParseSchedule(spec string) (Schedule, error) {
	return cron.ParseStandard(spec)
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

// Scheduler runs the sweep and the digest on their cron schedules in the
// partnership's time zone. Cron only says when to look: each job works out
// what is due from Now, and the ledger makes running a job twice harmless.
type Scheduler struct {
	Service *Service
	// RemindSpec is the sweep's schedule; empty turns reminders off.
	RemindSpec string
	// DigestSpec is the digest's schedule; empty turns the digest off.
	DigestSpec string
	// Now returns the current instant; tests fix it.
	Now func() time.Time
	// Clocked runs the jobs when Now, not the wall clock, reaches their
	// times (the console's -as-of clock), checking every Tick (a second).
	Clocked bool
	Tick    <-chan time.Time
	Logger  *slog.Logger
}

func (s *Scheduler) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Scheduler) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// cronLogger adapts slog to cron's logger: cron's routine chatter at debug,
// skipped runs and panics at warn and error.
type cronLogger struct{ l *slog.Logger }

func (c cronLogger) Info(msg string, kv ...any) {
	if msg == "skip" {
		c.l.Warn("scheduled job skipped: the previous run is still going")
		return
	}
	c.l.Debug("cron "+msg, kv...)
}

func (c cronLogger) Error(err error, msg string, kv ...any) {
	c.l.Error("cron "+msg, append([]any{"err", err}, kv...)...)
}

// Sweep runs the reminder sweep at the scheduler's now; a day that is not a
// working day is skipped.
func (s *Scheduler) Sweep(ctx context.Context) {
	if _, err := s.Service.Sweep(ctx, s.now()); err != nil {
		s.logger().Error("reminder sweep failed", "err", err)
	}
}

// Digest posts the day's digest at the scheduler's now, once; a day that
// is not a working day is skipped.
func (s *Scheduler) Digest(ctx context.Context) {
	now := s.now()
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
func (s *Scheduler) CatchUp(ctx context.Context) error {
	now := s.now()
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
		if posted, err := s.Service.Store.DigestPosted(ctx, day); err != nil {
			return err
		} else if !posted {
			s.logger().Info("posting today's digest late: the bot was not running at its scheduled time", "day", day.String())
			s.Digest(ctx)
		}
	}
	if late, err := missed(s.RemindSpec); err != nil {
		return fmt.Errorf("reminder schedule %q: %w", s.RemindSpec, err)
	} else if late {
		s.Sweep(ctx)
	}
	return nil
}

// newCron builds the cron of the jobs: in the partnership's time zone, each
// job wrapped to recover from a panic and to skip a run while the previous
// one is still going. Jobs run with work, a context that is not cancelled,
// so that a job that has started finishes.
func (s *Scheduler) newCron(work context.Context) (*cron.Cron, map[string]cron.EntryID, error) {
	loc := s.Service.Rules.Location
	if loc == nil {
		return nil, nil, fmt.Errorf("scheduler: no time zone")
	}
	log := cronLogger{s.logger()}
	c := cron.New(cron.WithLocation(loc), cron.WithLogger(log),
		cron.WithChain(cron.Recover(log), cron.SkipIfStillRunning(log)))
	jobs := map[string]cron.EntryID{}
	if s.RemindSpec != "" {
		id, err := c.AddFunc(s.RemindSpec, func() { s.Sweep(work) })
		if err != nil {
			return nil, nil, fmt.Errorf("reminder schedule %q: %w", s.RemindSpec, err)
		}
		jobs["reminder sweep"] = id
	}
	if s.DigestSpec != "" {
		id, err := c.AddFunc(s.DigestSpec, func() { s.Digest(work) })
		if err != nil {
			return nil, nil, fmt.Errorf("digest schedule %q: %w", s.DigestSpec, err)
		}
		jobs["digest"] = id
	}
	return c, jobs, nil
}

// Run catches up (see CatchUp), then runs the jobs on their schedules until
// ctx is done, and waits for a running job to finish before returning. Jobs
// are wrapped to recover from panics and to skip a run while the previous
// one is still going. A job that has started finishes even if ctx ends
// meanwhile, so nothing is left half-done.
func (s *Scheduler) Run(ctx context.Context) error {
	if s.Clocked {
		return s.runClocked(ctx)
	}
	work := context.WithoutCancel(ctx)
	c, jobs, err := s.newCron(work)
	if err != nil {
		return err
	}
	log := cronLogger{s.logger()}
	catchUp := cron.NewChain(cron.Recover(log)).Then(cron.FuncJob(func() {
		if err := s.CatchUp(work); err != nil {
			s.logger().Error("start-up catch-up failed", "err", err)
		}
	}))
	catchUp.Run()
	c.Start()
	for name, id := range jobs {
		s.logger().Info("scheduled", "job", name, "next", c.Entry(id).Next.In(c.Location()).Format(time.RFC3339))
	}
	<-ctx.Done()
	<-c.Stop().Done()
	return nil
}

// runClocked is Run on Now's clock rather than the wall clock's: after the
// catch-up, at each tick it runs each job whose next time on Now's clock
// has come.
func (s *Scheduler) runClocked(ctx context.Context) error {
	loc := s.Service.Rules.Location
	type job struct {
		name  string
		sched cron.Schedule
		run   func(context.Context)
		next  time.Time
	}
	var jobs []*job
	for _, j := range []struct {
		name, spec string
		run        func(context.Context)
	}{{"reminder sweep", s.RemindSpec, s.Sweep}, {"digest", s.DigestSpec, s.Digest}} {
		if j.spec == "" {
			continue
		}
		sched, err := ParseSchedule(j.spec)
		if err != nil {
			return fmt.Errorf("%s schedule %q: %w", j.name, j.spec, err)
		}
		jobs = append(jobs, &job{name: j.name, sched: sched, run: j.run, next: sched.Next(s.now().In(loc))})
	}
	work := context.WithoutCancel(ctx)
	if err := s.CatchUp(work); err != nil {
		s.logger().Error("start-up catch-up failed", "err", err)
	}
	for _, j := range jobs {
		s.logger().Info("scheduled on the console's clock", "job", j.name, "next", j.next.Format(time.RFC3339))
	}
	tick := s.Tick
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
		now := s.now().In(loc)
		for _, j := range jobs {
			if j.next.After(now) {
				continue
			}
			j.run(work)
			j.next = j.sched.Next(now)
		}
	}
}
