package reminders

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/calendar"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// gatedStore holds the first FindActions until released, and panics in
// DigestPosted, to exercise the cron's job wrappers.
type gatedStore struct {
	*store.DB
	once    sync.Once
	entered chan struct{}
	release chan struct{}
}

func (g *gatedStore) FindActions(ctx context.Context, f actionbot.ActionFilter) ([]*actionbot.Action, error) {
	g.once.Do(func() {
		close(g.entered)
		<-g.release
	})
	return g.DB.FindActions(ctx, f)
}

func (g *gatedStore) DigestPosted(context.Context, actionbot.Date) (bool, error) {
	panic("digest record unreadable")
}

// TestCronWiring checks the cron the scheduler runs: its time zone, its
// schedules across a clock change, and the wrappers around its jobs.
func TestCronWiring(t *testing.T) {
	london := storetest.London
	now := time.Date(2012, 11, 5, 9, 0, 0, 0, london)
	clock := storetest.NewClock(now)
	db := storetest.MustOpen(t, clock)
	cal, err := calendar.Embedded(calendar.DefaultDivision)
	if err != nil {
		t.Fatal(err)
	}
	logs := &storetest.LogBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	gs := &gatedStore{DB: db, entered: make(chan struct{}), release: make(chan struct{})}
	s := &Scheduler{
		Service:    &Service{Store: gs, Rules: DefaultRules(london, cal), TaskingChannel: "CTASKING", DigestChannel: "CDIGEST", Logger: log},
		RemindSpec: DefaultRemindCron,
		DigestSpec: DefaultDigestCron,
		Now:        clock.Now,
		Logger:     log,
	}
	c, jobs, err := s.newCron(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c.Location() != london {
		t.Errorf("the cron runs in %s, want Europe/London", c.Location())
	}

	t.Run("schedules across the clock change", func(t *testing.T) {
		tests := []struct {
			job  string
			from time.Time
			want time.Time
		}{
			{"digest", time.Date(2012, 10, 26, 9, 0, 0, 0, london), time.Date(2012, 10, 29, 8, 30, 0, 0, time.UTC)},
			{"reminder sweep", time.Date(2012, 10, 26, 9, 30, 0, 0, london), time.Date(2012, 10, 29, 9, 0, 0, 0, time.UTC)},
			{"reminder sweep", time.Date(2013, 3, 29, 9, 30, 0, 0, london), time.Date(2013, 4, 1, 8, 0, 0, 0, time.UTC)}, // the cron fires on Easter Monday; the job finds it is not a working day
		}
		for _, tc := range tests {
			if got := c.Entry(jobs[tc.job]).Schedule.Next(tc.from); !got.Equal(tc.want) {
				t.Errorf("%s after %s: %s, want %s", tc.job, tc.from, got.UTC(), tc.want)
			}
		}
	})

	t.Run("a run is skipped while the previous one is going", func(t *testing.T) {
		sweep := c.Entry(jobs["reminder sweep"]).WrappedJob
		done := make(chan struct{})
		go func() {
			defer close(done)
			sweep.Run()
		}()
		<-gs.entered
		sweep.Run() // returns at once: the first run holds the job
		if !strings.Contains(logs.String(), "scheduled job skipped") {
			t.Errorf("the skipped run is not logged:\n%s", logs.String())
		}
		close(gs.release)
		<-done
		out, err := db.Outgoing(context.Background(), "", 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(out) == 0 {
			t.Error("the first run did not finish its sweep")
		}
	})

	t.Run("a panic is recovered", func(t *testing.T) {
		c.Entry(jobs["digest"]).WrappedJob.Run()
		if !strings.Contains(logs.String(), "cron panic") || !strings.Contains(logs.String(), "digest record unreadable") {
			t.Errorf("the panic is not logged:\n%s", logs.String())
		}
	})
}
