package reminders_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/calendar"
	"github.com/sevenoaks-csp/actionbot/internal/fakeplan"
	"github.com/sevenoaks-csp/actionbot/planfile"
	"github.com/sevenoaks-csp/actionbot/reminders"
	"github.com/sevenoaks-csp/actionbot/store"
)

// Benchmarks of the parts of the reminders that grow with the plan, on the
// shipped plan and on generated plans of 10,000 and 100,000 actions
// (internal/fakeplan, fixed seed, one member per agency). Each database is
// built in the benchmark's temporary directory, outside the timings.

var benchSizes = []struct {
	name string
	n    int
}{{"plan=shipped", 0}, {"plan=10k", 10_000}, {"plan=100k", 100_000}}

// mustBenchService returns the service on a database of n actions (0: the
// shipped plan), and the first working day from 5 November of the plan's
// year: the plans are generated for the current financial year, the
// shipped one is 2012-13, and a day outside a plan's year has nothing due.
func mustBenchService(b *testing.B, n int) (*reminders.Service, *store.DB, actionbot.Date) {
	b.Helper()
	ctx := context.Background()
	db := store.NewDB(filepath.Join(b.TempDir(), "bench.db"))
	if err := db.Open(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	db.ConfiguredCoordinators = []string{fakeplan.Actor}
	if n == 0 {
		if _, err := planfile.EnsurePlan(ctx, db); err != nil {
			b.Fatal(err)
		}
		for _, code := range []string{"CSU", "POLICE", "KCC", "SDC", "KFRS"} {
			if err := db.AddMember(ctx, fakeplan.MemberID(code, 1), code, fakeplan.Actor); err != nil {
				b.Fatal(err)
			}
		}
	} else if _, err := fakeplan.Load(ctx, db, n, 7, 1, fakeplan.Seed); err != nil {
		b.Fatal(err)
	}
	cal, err := calendar.Embedded(calendar.DefaultDivision)
	if err != nil {
		b.Fatal(err)
	}
	rules := reminders.Rules{Location: london, Calendar: cal, Days: []int{28, 14, 7, 1, 0}, EscalateAfter: 14, StaleDays: 30}
	plan, err := db.CurrentPlan(ctx)
	if err != nil {
		b.Fatal(err)
	}
	day := actionbot.D(plan.Period.Start.Year, time.November, 5)
	if !cal.IsWorkingDay(day) {
		day = cal.NextWorkingDay(day)
	}
	return &reminders.Service{Store: db, Rules: rules, TaskingChannel: "CTASKING", DigestChannel: "CTASKING",
		RAG: actionbot.DefaultRAGRules(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, db, day
}

// BenchmarkSweep is the reminder sweep of a week's first working day, the
// heaviest of the week: the overdue reminders, escalations and check-ins go
// out then, beside the day's steps. Each iteration is that sweep of the
// next week, after a first sweep (not timed) has caught up with everything
// due before. It decides what is due for every open action, records the
// steps and queues the messages.
func BenchmarkSweep(b *testing.B) {
	for _, sz := range benchSizes {
		b.Run(sz.name, func(b *testing.B) {
			svc, _, day := mustBenchService(b, sz.n)
			ctx := context.Background()
			if first, err := svc.Sweep(ctx, day.At(9, 0, london)); err != nil {
				b.Fatal(err)
			} else if len(first.Queued()) == 0 {
				b.Fatalf("nothing due on %s: the benchmark would measure no sending", day)
			}
			queued := 0
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				day = weekStart(svc.Rules.Calendar, day.AddDays(7))
				run, err := svc.Sweep(ctx, day.At(9, 0, london))
				if err != nil {
					b.Fatal(err)
				}
				queued += len(run.Queued())
			}
			b.ReportMetric(float64(queued)/float64(b.N), "reminders/op")
		})
	}
}

// weekStart is the first working day of the week of d.
func weekStart(cal *calendar.Calendar, d actionbot.Date) actionbot.Date {
	mon := d.AddDays(-((int(d.Weekday()) + 6) % 7))
	if cal.IsWorkingDay(mon) {
		return mon
	}
	return cal.NextWorkingDay(mon)
}

// BenchmarkDue is the decision alone, for every open action of the plan:
// what the 09:00 sweep of a working day would send, after the previous
// day's sweep (not timed) recorded what was due then. Nothing is recorded,
// so every iteration does the same work.
func BenchmarkDue(b *testing.B) {
	for _, sz := range benchSizes {
		b.Run(sz.name, func(b *testing.B) {
			svc, _, day := mustBenchService(b, sz.n)
			ctx := context.Background()
			if _, err := svc.Sweep(ctx, day.At(9, 0, london)); err != nil {
				b.Fatal(err)
			}
			now := svc.Rules.Calendar.NextWorkingDay(day).At(9, 0, london)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := svc.Due(ctx, now); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDigest builds the daily tasking digest.
func BenchmarkDigest(b *testing.B) {
	for _, sz := range benchSizes {
		b.Run(sz.name, func(b *testing.B) {
			svc, _, day := mustBenchService(b, sz.n)
			ctx := context.Background()
			now := day.At(8, 30, london)
			d, err := svc.BuildDigest(ctx, now)
			if err != nil {
				b.Fatal(err)
			}
			if d.Overdue == 0 {
				b.Fatal(fmt.Sprintf("a digest with nothing overdue: %+v", d))
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := svc.BuildDigest(ctx, now); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
