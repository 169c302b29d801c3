// Package storetest opens real databases for tests: a SQLite file in the
// test's temporary directory, or with ACTIONBOT_TEST_POSTGRES set a schema
// of its own on that PostgreSQL server, with the shipped plan loaded and the
// clock under the test's control.
package storetest

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot/planfile"
	"github.com/sevenoaks-csp/actionbot/store"
)

// Clock is a settable clock, safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock reading t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set sets the clock.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// London is Europe/London, the partnership's time zone.
var London = MustLoadLocation("Europe/London")

// MustLoadLocation loads a time zone or panics.
func MustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// PlanStart is 9:00 on the first day of the shipped plan, in London.
var PlanStart = time.Date(2012, time.April, 2, 9, 0, 0, 0, London)

// MustOpenEmpty opens a new database with no plan, its clock set to
// clock, and closes it when the test ends: a file in tb's temporary
// directory, or a schema of its own on PostgreSQL (MustLocation).
func MustOpenEmpty(tb testing.TB, clock *Clock) *store.DB {
	tb.Helper()
	db := store.NewDB(MustLocation(tb))
	db.Now = clock.Now
	if err := db.Open(); err != nil {
		tb.Fatalf("open database: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("close database: %v", err)
		}
	})
	return db
}

// MustOpen opens a new database with the shipped plan loaded.
func MustOpen(tb testing.TB, clock *Clock) *store.DB {
	tb.Helper()
	db := MustOpenEmpty(tb, clock)
	// The shipped plan has been in use since its start: it is imported on
	// its first morning, whatever day the test is on, as staleness counts
	// from the later of the plan's start and the import.
	now := clock.Now()
	if first := PlanStart.AddDate(0, 0, -1); now.After(first) { // Sunday 1 April 2012
		clock.Set(first)
	}
	if _, err := planfile.EnsurePlan(context.Background(), db); err != nil {
		tb.Fatalf("load plan: %v", err)
	}
	clock.Set(now)
	return db
}

// MustDamage writes 64 KiB of pseudo-random bytes (always the same ones)
// into the middle of a database file, as a failing disk or a stray program
// might. Close the database first: a checkpoint would write over them.
func MustDamage(tb testing.TB, path string) {
	tb.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		tb.Fatal(err)
	}
	junk := make([]byte, 64<<10)
	rand.NewChaCha8([32]byte{12, 13}).Read(junk)
	// Past the first pages (the schema), so the damage is found by reading
	// the data, as on a real disk.
	at := max(st.Size()/2, 16<<10)
	if _, err := f.WriteAt(junk, at); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

// MustOpenDamaged opens a database with the shipped plan whose file has
// then been damaged under it (MustDamage): it opens, and reading the
// damaged pages (QuickCheck) finds it.
func MustOpenDamaged(tb testing.TB, clock *Clock) *store.DB {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "actionbot.db")
	first := store.NewDB(path)
	first.Now = clock.Now
	if err := first.Open(); err != nil {
		tb.Fatal(err)
	}
	if _, err := planfile.EnsurePlan(context.Background(), first); err != nil {
		tb.Fatal(err)
	}
	if err := first.Close(); err != nil { // all of it in the main file
		tb.Fatal(err)
	}
	db := store.NewDB(path)
	db.Now = clock.Now
	if err := db.Open(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	MustDamage(tb, path)
	return db
}

// LogBuffer collects log output written from many goroutines, for tests
// that read the logs (to check what was said, or that no secret was).
type LogBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends to the buffer.
func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns everything written so far.
func (l *LogBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
