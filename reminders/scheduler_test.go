package reminders_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/reminders"
	"github.com/sevenoaks-csp/actionbot/store"
)

func (f *fixture) scheduler(now time.Time) *reminders.Scheduler {
	f.clock.Set(now)
	return &reminders.Scheduler{
		Service:    f.svc,
		RemindSpec: reminders.DefaultRemindCron,
		DigestSpec: reminders.DefaultDigestCron,
		Now:        f.clock.Now,
		Logger:     f.svc.Logger,
	}
}

func (f *fixture) kinds() map[string]int {
	out := map[string]int{}
	for _, o := range f.outbox() {
		out[o.Kind]++
	}
	return out
}

// TestCatchUp: started after the scheduled times of a working day, the bot
// posts the day's digest late, once, and runs the sweep; otherwise it
// leaves them to the schedule.
func TestCatchUp(t *testing.T) {
	tests := []struct {
		name       string
		at         time.Time
		digestSpec string
		digest     bool
		sweep      bool
	}{
		{"down at 08:30, up at 10:00", at(2012, 11, 5, 10, 0), reminders.DefaultDigestCron, true, true},
		{"up at 08:45: the digest is late, the sweep is not due", at(2012, 11, 5, 8, 45), reminders.DefaultDigestCron, true, false},
		{"up at 08:00: both are to come", at(2012, 11, 5, 8, 0), reminders.DefaultDigestCron, false, false},
		{"a Saturday", at(2012, 11, 3, 10, 0), reminders.DefaultDigestCron, false, false},
		{"Easter Monday", at(2013, 4, 1, 10, 0), reminders.DefaultDigestCron, false, false},
		{"in BST, up at 08:45", at(2012, 10, 26, 8, 45), reminders.DefaultDigestCron, true, false},
		{"the digest turned off", at(2012, 11, 5, 10, 0), "", false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := mustFixture(t, tc.at)
			s := f.scheduler(tc.at)
			s.DigestSpec = tc.digestSpec
			if err := s.CatchUp(context.Background()); err != nil {
				t.Fatal(err)
			}
			k := f.kinds()
			if got := k["digest"] == 1; got != tc.digest || k["digest"] > 1 {
				t.Errorf("%d digests queued, want digest %v", k["digest"], tc.digest)
			}
			if got := k["reminder"]+k["escalation"] > 0; got != tc.sweep {
				t.Errorf("%d reminders queued, want sweep %v", k["reminder"]+k["escalation"], tc.sweep)
			}
			if tc.digest && !strings.Contains(f.logs.String(), "posting today's digest late") {
				t.Errorf("the late digest is not logged:\n%s", f.logs.String())
			}
		})
	}

	t.Run("restarted again the same day", func(t *testing.T) {
		f := mustFixture(t, at(2012, 11, 5, 10, 0))
		if err := f.scheduler(at(2012, 11, 5, 10, 0)).CatchUp(context.Background()); err != nil {
			t.Fatal(err)
		}
		before := len(f.outbox())
		if err := f.scheduler(at(2012, 11, 5, 11, 30)).CatchUp(context.Background()); err != nil {
			t.Fatal(err)
		}
		if after := len(f.outbox()); after != before {
			t.Errorf("a second start the same day queued %d more messages", after-before)
		}
		if n := f.kinds()["digest"]; n != 1 {
			t.Errorf("%d digests", n)
		}
	})
}

// TestSchedulerRun: Run catches up, then stops when its context ends.
func TestSchedulerRun(t *testing.T) {
	t.Run("catches up and stops", func(t *testing.T) {
		f := mustFixture(t, at(2012, 11, 5, 10, 0))
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // stop at once: what was started still finishes
		if err := f.scheduler(at(2012, 11, 5, 10, 0)).Run(ctx); err != nil {
			t.Fatal(err)
		}
		if k := f.kinds(); k["digest"] != 1 || k["reminder"]+k["escalation"] == 0 {
			t.Errorf("after Run: %v; want the late digest and the sweep", k)
		}
	})
	t.Run("a bad schedule", func(t *testing.T) {
		f := mustFixture(t, at(2012, 11, 5, 10, 0))
		s := f.scheduler(at(2012, 11, 5, 10, 0))
		s.RemindSpec = "every morning"
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := s.Run(ctx); err == nil || !strings.Contains(err.Error(), `reminder sweep schedule "every morning"`) {
			t.Errorf("Run with a bad schedule: %v", err)
		}
		if n := len(f.outbox()); n != 0 {
			t.Errorf("%d messages queued with a bad schedule", n)
		}
	})
	t.Run("a panic in a job is recovered and logged", func(t *testing.T) {
		f := mustFixture(t, at(2012, 11, 5, 10, 0))
		s := f.scheduler(at(2012, 11, 5, 10, 0))
		s.Service.Store = panicky{f.db}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := s.Run(ctx); err != nil {
			t.Fatal(err)
		}
		if logs := f.logs.String(); !strings.Contains(logs, "scheduled job panicked") || !strings.Contains(logs, "digest record unreadable") {
			t.Errorf("the panic is not logged:\n%s", logs)
		}
	})
}

// panicky is the store with a digest record that cannot be read.
type panicky struct{ *store.DB }

func (panicky) DigestQueued(context.Context, actionbot.Date) (bool, error) {
	panic("digest record unreadable")
}

// TestSchedulerOnItsOwnClock: on the console's -as-of clock the jobs run
// when that clock reaches their times, not the wall clock.
func TestSchedulerOnItsOwnClock(t *testing.T) {
	f := mustFixture(t, at(2012, 11, 5, 8, 0))
	f.mustAddMember(userCSU, "CSU")
	s := f.scheduler(at(2012, 11, 5, 8, 0))
	tick := make(chan time.Time)
	s.Tick = tick
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	// step moves the clock and waits for the scheduler to have looked at it
	// (an unbuffered tick is taken only once the previous one is handled).
	step := func(t time.Time) map[string]int {
		f.clock.Set(t)
		tick <- t
		tick <- t
		return f.kinds()
	}
	if k := step(at(2012, 11, 5, 8, 20)); len(k) != 0 {
		t.Errorf("at 08:20: %v; want nothing yet", k)
	}
	if k := step(at(2012, 11, 5, 8, 31)); k["digest"] != 1 || k["reminder"] != 0 {
		t.Errorf("at 08:31: %v; want the digest", k)
	}
	if k := step(at(2012, 11, 5, 9, 1)); k["digest"] != 1 || k["reminder"]+k["escalation"] == 0 {
		t.Errorf("at 09:01: %v; want the digest and the sweep's messages", k)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
