package commands_test

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/internal/fakeplan"
	"github.com/sevenoaks-csp/actionbot/planfile"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// Benchmarks run on the shipped plan and on generated plans of 10,000 and
// 100,000 actions (internal/fakeplan, fixed seed). Each database is built
// once per run of the benchmarks, outside the timings.

var benchDBs sync.Map // size -> *benchDB

type benchDB struct {
	once sync.Once
	db   *store.DB
	err  error
}

// benchAt is an instant in the plan year: many actions overdue, many due.
var benchAt = time.Date(2012, time.November, 5, 8, 30, 0, 0, storetest.London)

func mustBenchDB(b *testing.B, size int) *store.DB {
	b.Helper()
	v, _ := benchDBs.LoadOrStore(size, &benchDB{})
	bd := v.(*benchDB)
	bd.once.Do(func() {
		dir, err := benchDir()
		if err != nil {
			bd.err = err
			return
		}
		bd.db = store.NewDB(filepath.Join(dir, fmt.Sprintf("bench-%d.db", size)))
		bd.db.Now = func() time.Time { return benchAt }
		if bd.err = bd.db.Open(); bd.err != nil {
			return
		}
		bd.db.ConfiguredCoordinators = []string{fakeplan.Actor}
		if size == 0 {
			_, bd.err = planfile.EnsurePlan(ctx, bd.db)
			if bd.err == nil {
				bd.err = bd.db.AddMember(ctx, csuUser, "CSU", fakeplan.Actor)
			}
			return
		}
		_, bd.err = fakeplan.Load(ctx, bd.db, size, 7, 2, fakeplan.Seed)
	})
	if bd.err != nil {
		b.Fatal(bd.err)
	}
	return bd.db
}

var benchDirOnce struct {
	sync.Once
	dir string
	err error
}

// benchDir is one temporary directory for all benchmark databases; the
// operating system's temporary directory is cleaned by the machine.
func benchDir() (string, error) {
	benchDirOnce.Do(func() {
		benchDirOnce.dir, benchDirOnce.err = mkdirTemp()
	})
	return benchDirOnce.dir, benchDirOnce.err
}

var sizes = []struct {
	name string
	n    int
	user string
}{
	{"plan=shipped", 0, csuUser},
	{"plan=10k", 10_000, fakeplan.MemberID("CSU", 1)},
	{"plan=100k", 100_000, fakeplan.MemberID("CSU", 1)},
}

func BenchmarkParse(b *testing.B) {
	inputs := []string{"5.2", "5.2 progress 60 two schemes running", "list priority 3 agency Kent Police overdue", "5.2 due 30 June 2013 volunteers late", "admin member add @U123 CSU"}
	b.ReportAllocs()
	for b.Loop() {
		for _, in := range inputs {
			if _, err := commands.Parse(in); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func benchHandle(b *testing.B, text string) {
	for _, sz := range sizes {
		b.Run(sz.name, func(b *testing.B) {
			db := mustBenchDB(b, sz.n)
			db.ConfiguredCoordinators = []string{coord} // coordinators by the wiring's word
			h := &commands.Handler{Store: db, Now: func() time.Time { return benchAt }, Location: storetest.London}
			req := commands.Request{UserID: sz.user, ChannelID: "C1", Text: text}
			if m := h.Handle(ctx, req); len(m.Blocks) == 0 {
				b.Fatal("empty reply")
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				h.Handle(ctx, req)
			}
		})
	}
}

// BenchmarkCard is "/action 5.2": the action card.
func BenchmarkCard(b *testing.B) { benchHandle(b, "5.2") }

// BenchmarkListOverdue is "/action list overdue": a filter over the whole plan.
func BenchmarkListOverdue(b *testing.B) { benchHandle(b, "list overdue") }

// BenchmarkListFilters combines filters: priority, agency and due window.
func BenchmarkListFilters(b *testing.B) { benchHandle(b, "list priority 3 agency CSU due 60") }

// BenchmarkMine is "/action mine" for a CSU officer.
func BenchmarkMine(b *testing.B) { benchHandle(b, "mine") }

// BenchmarkListOverdueAfterChange is "/action list overdue" when every
// query follows a change: the in-memory plan is refreshed and the list
// scanned afresh each time (no remembered answer), as under mixed load.
// Each iteration includes the change itself (a note, one transaction).
func BenchmarkListOverdueAfterChange(b *testing.B) {
	for _, sz := range sizes {
		b.Run(sz.name, func(b *testing.B) {
			db := mustBenchDB(b, sz.n)
			db.ConfiguredCoordinators = []string{coord} // coordinators by the wiring's word
			h := &commands.Handler{Store: db, Now: func() time.Time { return benchAt }, Location: storetest.London}
			list := commands.Request{UserID: sz.user, ChannelID: "C1", Text: "list overdue"}
			note := commands.Request{UserID: coord, ChannelID: "C1", Text: "1.1 note benchmark"}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				h.Handle(ctx, note)
				h.Handle(ctx, list)
			}
		})
	}
}
