package store

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// gatherClock stands for the group's clock and its gather timer: the clock
// stands still at at, and the timer never fires, so that a test sees a
// gather end only because the changes it waited for came, or its request
// went away.
func gatherClock(t *testing.T, db *DB, at time.Time) *writeGroup {
	t.Helper()
	g := &db.group
	g.tokens()
	g.now = func() time.Time { return at }
	g.timer = func(time.Duration) (<-chan time.Time, func()) { return nil, func() {} }
	return g
}

// busyBefore makes the group's last one have ended at g.now with peak
// changes in flight, its transaction taking a millisecond.
func busyBefore(g *writeGroup, ended time.Time, peak int) {
	g.mu.Lock()
	g.lastEnd, g.lastPeak, g.prevPeak, g.lastTx = ended, peak, peak, time.Millisecond
	g.mu.Unlock()
}

// ask starts c as a change of progress to its action, answered on the
// returned WaitGroup.
func ask(ctx context.Context, db *DB, planID int64, now time.Time, c *groupChange, wg *sync.WaitGroup) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		c.rec = &actionbot.InboxItem{Delivery: c.delivery, UserID: c.actor, ChannelID: "C1", ResponseURL: "https://hooks.example/" + c.delivery}
		_, _, c.msg, c.err = db.UpdateActionChecked(ctx, planID, c.ref, c.actor, []actionbot.Verb{actionbot.VerbProgress}, 0, c.rec,
			func(a *actionbot.Action) ([]*actionbot.AuditEntry, error) {
				e, err := a.Apply(actionbot.Op{Verb: actionbot.VerbProgress, Progress: c.progress, Note: c.note}, c.actor, now)
				if err != nil {
					return nil, err
				}
				return []*actionbot.AuditEntry{e}, nil
			}, nil,
			func(a *actionbot.Action, es []*actionbot.AuditEntry) actionbot.Message {
				return actionbot.Message{Text: fmt.Sprintf("%s is at %d%%", a.Ref, a.Progress)}
			})
	}()
}

// until yields until cond holds.
func until(cond func() bool) {
	for !cond() {
		runtime.Gosched()
	}
}

func pendingIs(g *writeGroup, n int) func() bool {
	return func() bool {
		g.mu.Lock()
		defer g.mu.Unlock()
		return len(g.pending) == n
	}
}

// A lone change never waits for others: not in a new process, not after a
// busy minute long ago, not right after a change that was alone in flight.
func TestALoneChangeDoesNotGather(t *testing.T) {
	ctx := context.Background()
	db := mustDBWithGeneratedPlan(t, 20)
	p, err := db.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	refs := openActions(t, db, 3)
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	g := gatherClock(t, db, at)
	for i, last := range []struct {
		ended time.Time
		peak  int
	}{
		{time.Time{}, 0},               // nothing made yet
		{at.Add(-time.Minute), 4},      // four in flight, a minute ago
		{at.Add(-time.Microsecond), 1}, // just now, but alone
	} {
		busyBefore(g, last.ended, last.peak)
		gathers, commits := g.gathers.Load(), g.commits.Load()
		c := &groupChange{ref: refs[i], actor: "U0TEST", delivery: fmt.Sprintf("sig:lone%d", i), note: fmt.Sprintf("lone %d", i), progress: 40 + i}
		var wg sync.WaitGroup
		ask(ctx, db, p.ID, at, c, &wg)
		wg.Wait() // the timer never fires: a wait would never end
		if c.err != nil {
			t.Fatalf("%s: %v", c.note, c.err)
		}
		if n := g.gathers.Load() - gathers; n != 0 {
			t.Errorf("%s (last group ended %v, %d in flight): waited %d times", c.note, last.ended, last.peak, n)
		}
		if n := g.commits.Load() - commits; n != 1 {
			t.Errorf("%s: %d commits", c.note, n)
		}
		if n := auditedWith(t, db, c.note); n != 1 {
			t.Errorf("%s: audited %d times", c.note, n)
		}
	}
}

// When the last group ended just now with three changes in flight, the
// first to arrive waits for the other two (the timer never fires), and the
// three are made in one transaction, each audited once and recorded. The
// group records the three in flight for the next writer.
func TestChangesInFlightAreGatheredIntoOneTransaction(t *testing.T) {
	ctx := context.Background()
	db := mustDBWithGeneratedPlan(t, 20)
	p, err := db.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	refs := openActions(t, db, 3)
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	g := gatherClock(t, db, at)
	busyBefore(g, at.Add(-500*time.Microsecond), 3)
	gathers, commits := g.gathers.Load(), g.commits.Load()
	var cs []*groupChange
	for i, ref := range refs {
		cs = append(cs, &groupChange{ref: ref, actor: "U0TEST", delivery: fmt.Sprintf("sig:g%d", i), note: fmt.Sprintf("gathered %d", i), progress: 50 + i})
	}
	var wg sync.WaitGroup
	ask(ctx, db, p.ID, at, cs[0], &wg)
	until(func() bool { return g.gathers.Load() == gathers+1 }) // the first is waiting, with the token
	ask(ctx, db, p.ID, at, cs[1], &wg)
	until(pendingIs(g, 2))
	ask(ctx, db, p.ID, at, cs[2], &wg)
	wg.Wait()
	if n := g.commits.Load() - commits; n != 1 {
		t.Fatalf("3 changes in flight together made in %d transactions, want 1", n)
	}
	if n := g.gathers.Load() - gathers; n != 1 {
		t.Errorf("%d waits, want 1", n)
	}
	for _, c := range cs {
		if c.err != nil {
			t.Fatalf("%s: %v", c.note, c.err)
		}
		if n := auditedWith(t, db, c.note); n != 1 {
			t.Errorf("%s: audited %d times, want once", c.note, n)
		}
		if it, err := db.Inbox(ctx, c.rec.ID); err != nil || it.Delivery != c.delivery || !it.Changed {
			t.Errorf("%s: recorded %+v, %v", c.note, it, err)
		}
	}
	g.mu.Lock()
	peak, inFlight := g.lastPeak, g.inFlight
	g.mu.Unlock()
	if peak != 3 || inFlight != 0 {
		t.Errorf("after the group: %d in flight at most, %d now; want 3 and 0", peak, inFlight)
	}
	snapshotIsTheDatabase(t, db, refs)
}

// A request that goes away while its writer gathers ends the wait (the
// timer never fires): it is answered with its context's error and leaves
// nothing, and the change that had joined it is made. A request that goes
// away while waiting in a gathered group is answered likewise, the others
// made.
func TestACancelledChangeWhileGatheringLosesNoneOfTheOthers(t *testing.T) {
	ctx := context.Background()
	db := mustDBWithGeneratedPlan(t, 20)
	p, err := db.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	refs := openActions(t, db, 5)
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	g := gatherClock(t, db, at)

	// The writer's own request goes away.
	busyBefore(g, at, 3)
	commits := g.commits.Load()
	wctx, cancel := context.WithCancel(ctx)
	writer := &groupChange{ref: refs[0], actor: "U0TEST", delivery: "sig:gone", note: "gone away", progress: 61}
	joined := &groupChange{ref: refs[1], actor: "U0TEST", delivery: "sig:joined", note: "joined", progress: 62}
	var wg sync.WaitGroup
	gathers := g.gathers.Load()
	ask(wctx, db, p.ID, at, writer, &wg)
	until(func() bool { return g.gathers.Load() == gathers+1 })
	ask(ctx, db, p.ID, at, joined, &wg)
	until(pendingIs(g, 2))
	cancel()
	wg.Wait()
	if !errors.Is(writer.err, context.Canceled) || writer.rec.ID != 0 {
		t.Errorf("the request gone away: %v, recorded as %d; want context.Canceled and no record", writer.err, writer.rec.ID)
	}
	if joined.err != nil {
		t.Errorf("the change that joined it: %v", joined.err)
	}
	if n := g.commits.Load() - commits; n != 1 {
		t.Errorf("%d commits, want 1", n)
	}

	// A request that joined goes away; the writer goes on waiting for the
	// third, and makes it with its own.
	busyBefore(g, at, 3)
	commits, gathers = g.commits.Load(), g.gathers.Load()
	first := &groupChange{ref: refs[2], actor: "U0TEST", delivery: "sig:first", note: "first", progress: 63}
	leaving := &groupChange{ref: refs[3], actor: "U0TEST", delivery: "sig:leaving", note: "leaving", progress: 64}
	third := &groupChange{ref: refs[4], actor: "U0TEST", delivery: "sig:third", note: "third", progress: 65}
	lctx, leave := context.WithCancel(ctx)
	ask(ctx, db, p.ID, at, first, &wg)
	until(func() bool { return g.gathers.Load() == gathers+1 })
	ask(lctx, db, p.ID, at, leaving, &wg)
	until(pendingIs(g, 2))
	leave()
	ask(ctx, db, p.ID, at, third, &wg)
	wg.Wait()
	if !errors.Is(leaving.err, context.Canceled) || leaving.rec.ID != 0 {
		t.Errorf("the request gone away: %v, recorded as %d; want context.Canceled and no record", leaving.err, leaving.rec.ID)
	}
	for _, c := range []*groupChange{first, third} {
		if c.err != nil {
			t.Errorf("%s: %v", c.note, c.err)
		}
	}
	if n := g.commits.Load() - commits; n != 1 {
		t.Errorf("%d commits, want 1", n)
	}

	for _, c := range []*groupChange{writer, leaving} {
		if n := auditedWith(t, db, c.note); n != 0 {
			t.Errorf("%s: audited %d times, want never", c.note, n)
		}
	}
	for _, c := range []*groupChange{joined, first, third} {
		if n := auditedWith(t, db, c.note); n != 1 {
			t.Errorf("%s: audited %d times, want once", c.note, n)
		}
	}
	snapshotIsTheDatabase(t, db, refs)
}
