package schedule

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

var london = mustLoad("Europe/London")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// log records what jobs ran, and when by the runner's clock.
type log struct {
	mu  sync.Mutex
	ran []string
}

func (l *log) job(name string) func(context.Context, time.Time) {
	return func(_ context.Context, now time.Time) {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.ran = append(l.ran, name+"@"+now.Format("Mon 15:04"))
	}
}

func (l *log) String() string { l.mu.Lock(); defer l.mu.Unlock(); return strings.Join(l.ran, ",") }

// started runs r in the background with a hand-stepped tick; step moves
// the clock and returns once the runner has looked at it.
func started(t *testing.T, r *Runner, c *clock) (step func(time.Time), stop func() error) {
	t.Helper()
	tick := make(chan time.Time)
	r.Tick = tick
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	// Once a tick is taken the start-up has run on the clock as it was.
	tick <- c.Now()
	return func(at time.Time) {
			c.Set(at)
			// An unbuffered tick is taken only once the previous one is
			// handled: after the second, the first has been.
			tick <- at
			tick <- at
		}, func() error {
			cancel()
			return <-done
		}
}

func TestJobsRunWhenTheInjectedClockReachesTheirTimesAfterTheStartUp(t *testing.T) {
	c := &clock{t: time.Date(2012, 11, 5, 8, 0, 0, 0, london)} // a Monday
	ran := &log{}
	r := &Runner{Now: c.Now, Location: london, Logger: slog.New(slog.DiscardHandler),
		Start: []func(context.Context, time.Time){ran.job("catch-up")},
		Jobs: []Job{
			{Name: "digest", Spec: "30 8 * * 1-5", Run: ran.job("digest")},
			{Name: "sweep", Spec: "0 9 * * 1-5", Run: ran.job("sweep")},
			{Name: "integrity", Spec: "@every 24h", Run: ran.job("integrity")},
		}}
	step, stop := started(t, r, c)
	for _, s := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2012, 11, 5, 8, 29, 0, 0, london), "catch-up@Mon 08:00"},
		{time.Date(2012, 11, 5, 8, 31, 0, 0, london), "catch-up@Mon 08:00,digest@Mon 08:31"},
		{time.Date(2012, 11, 5, 8, 45, 0, 0, london), "catch-up@Mon 08:00,digest@Mon 08:31"},
		// The clock jumps (the console's /next, or a machine asleep): each
		// job due runs once, not once for every time it missed.
		{time.Date(2012, 11, 7, 9, 5, 0, 0, london), "catch-up@Mon 08:00,digest@Mon 08:31,digest@Wed 09:05,sweep@Wed 09:05,integrity@Wed 09:05"},
	} {
		step(s.at)
		if got := ran.String(); got != s.want {
			t.Errorf("at %s: ran %s, want %s", s.at.Format("Mon 15:04"), got, s.want)
		}
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}

func TestSchedulesAreReadInThePartnershipsTimeZoneAcrossTheClockChange(t *testing.T) {
	for _, tc := range []struct {
		spec       string
		from, want time.Time
	}{
		{"30 8 * * 1-5", time.Date(2012, 10, 26, 9, 0, 0, 0, london), time.Date(2012, 10, 29, 8, 30, 0, 0, time.UTC)},
		{"0 9 * * 1-5", time.Date(2012, 10, 26, 9, 30, 0, 0, london), time.Date(2012, 10, 29, 9, 0, 0, 0, time.UTC)},
		{"0 9 * * 1-5", time.Date(2013, 3, 29, 9, 30, 0, 0, london), time.Date(2013, 4, 1, 8, 0, 0, 0, time.UTC)},
	} {
		s, err := Parse(tc.spec)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Next(tc.from); !got.Equal(tc.want) {
			t.Errorf("%q after %s: %s, want %s", tc.spec, tc.from, got.UTC(), tc.want)
		}
	}
}

func TestAJobThatPanicsIsLoggedAndRunsAgainAtItsNextTime(t *testing.T) {
	c := &clock{t: time.Date(2012, 11, 5, 8, 0, 0, 0, london)}
	var logs bytes.Buffer
	var mu sync.Mutex
	runs := 0
	r := &Runner{Now: c.Now, Location: london, Logger: slog.New(slog.NewTextHandler(&syncWriter{w: &logs, mu: &mu}, nil)),
		Jobs: []Job{{Name: "digest", Spec: "30 8 * * *", Run: func(context.Context, time.Time) { runs++; panic("digest record unreadable") }}}}
	step, stop := started(t, r, c)
	step(time.Date(2012, 11, 5, 8, 31, 0, 0, london))
	step(time.Date(2012, 11, 6, 8, 31, 0, 0, london))
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if runs != 2 || !strings.Contains(logs.String(), "digest record unreadable") || !strings.Contains(logs.String(), "job=digest") {
		t.Errorf("%d runs; logs:\n%s", runs, logs.String())
	}
}

type syncWriter struct {
	w  *bytes.Buffer
	mu *sync.Mutex
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func TestABadScheduleIsRefusedBeforeAnythingRuns(t *testing.T) {
	c := &clock{t: time.Date(2012, 11, 5, 8, 0, 0, 0, london)}
	ran := &log{}
	r := &Runner{Now: c.Now, Location: london, Start: []func(context.Context, time.Time){ran.job("catch-up")},
		Jobs: []Job{{Name: "reminder sweep", Spec: "every morning", Run: ran.job("sweep")}}}
	err := r.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), `reminder sweep schedule "every morning"`) {
		t.Errorf("Run = %v", err)
	}
	if ran.String() != "" {
		t.Errorf("ran %s before refusing", ran)
	}
	if err := (&Runner{Location: london}).Run(context.Background()); err == nil {
		t.Error("a runner with no clock ran")
	}
}

func TestAJobStartedBeforeTheStopFinishes(t *testing.T) {
	c := &clock{t: time.Date(2012, 11, 5, 8, 0, 0, 0, london)}
	entered, release := make(chan struct{}), make(chan struct{})
	var jobCtxErr error
	r := &Runner{Now: c.Now, Location: london, Logger: slog.New(slog.DiscardHandler),
		Start: []func(context.Context, time.Time){func(ctx context.Context, _ time.Time) {
			close(entered)
			<-release
			jobCtxErr = ctx.Err()
		}}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	<-entered
	cancel()
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if jobCtxErr != nil {
		t.Errorf("the job's context was cancelled under it: %v", jobCtxErr)
	}
}
