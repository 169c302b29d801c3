package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// groupChange is one change asked of UpdateActionChecked by a test of
// group commit, and what it got back.
type groupChange struct {
	ref, actor, delivery, note string
	progress                   int
	fail                       error // the change function's error, if any
	panics                     bool  // the change function panics

	rec *actionbot.InboxItem
	msg actionbot.Message
	err error
}

// inOneGroup asks every change at once while the write lock is held, so
// that all of them are waiting when it is let go, and returns how many
// transactions committed them.
func inOneGroup(t *testing.T, db *DB, planID int64, now time.Time, cs []*groupChange) int64 {
	t.Helper()
	ctx := context.Background()
	g := &db.group
	token := g.tokens()
	token <- struct{}{} // a writer is busy: every change below waits
	before := g.commits.Load()
	var wg sync.WaitGroup
	for _, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.rec = &actionbot.InboxItem{Delivery: c.delivery, UserID: c.actor, ChannelID: "C1", ResponseURL: "https://hooks.example/" + c.delivery}
			_, _, c.msg, c.err = db.UpdateActionChecked(ctx, planID, c.ref, c.actor, []actionbot.Verb{actionbot.VerbProgress}, 0, c.rec,
				func(a *actionbot.Action) ([]*actionbot.AuditEntry, error) {
					if c.fail != nil {
						return nil, c.fail
					}
					if c.panics {
						panic("a bug in a change")
					}
					e, err := a.Apply(actionbot.Op{Verb: actionbot.VerbProgress, Progress: c.progress, Note: c.note}, c.actor, now)
					if err != nil {
						return nil, err
					}
					return []*actionbot.AuditEntry{e}, nil
				}, nil,
				func(a *actionbot.Action, es []*actionbot.AuditEntry) actionbot.Message {
					return actionbot.Message{Text: fmt.Sprintf("%s is at %d%% (entry %d)", a.Ref, a.Progress, es[0].ID)}
				})
		}()
	}
	for { // until every change is waiting for the lock
		g.mu.Lock()
		n := len(g.pending)
		g.mu.Unlock()
		if n == len(cs) {
			break
		}
		runtime.Gosched()
	}
	<-token
	wg.Wait()
	return g.commits.Load() - before
}

// openActions returns the refs of n open actions of the plan.
func openActions(t *testing.T, db *DB, n int) []string {
	t.Helper()
	s, err := db.currentSnapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for _, a := range s.all() {
		if a.Status != actionbot.StatusDone && len(refs) < n {
			refs = append(refs, a.Ref)
		}
	}
	if len(refs) < n {
		t.Fatalf("the plan has %d open actions, not %d", len(refs), n)
	}
	return refs
}

func auditedWith(t *testing.T, db *DB, note string) int {
	t.Helper()
	var n int
	if err := db.rw.GetContext(context.Background(), &n, `SELECT COUNT(*) FROM audit WHERE note = ?`, note); err != nil {
		t.Fatal(err)
	}
	return n
}

// snapshotIsTheDatabase checks, field for field, that the snapshot the
// changes left (before any read) is what a fresh load of the database gives.
func snapshotIsTheDatabase(t *testing.T, db *DB, refs []string) {
	t.Helper()
	ctx := context.Background()
	took := db.snap.cur.Load()
	tx, err := db.ro.BeginTxx(ctx, db.snapshotTxOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var c counters
	if err := tx.GetContext(ctx, &c, countersQuery); err != nil {
		t.Fatal(err)
	}
	fresh, err := loadSnapshot(ctx, tx, c)
	if err != nil {
		t.Fatal(err)
	}
	if took.auditMax != fresh.auditMax || took.planRev != fresh.planRev {
		t.Fatalf("the snapshot is at audit %d, revision %d; the database at %d, %d", took.auditMax, took.planRev, fresh.auditMax, fresh.planRev)
	}
	for _, ref := range refs {
		got, _ := took.find(ref)
		want, _ := fresh.find(ref)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: the snapshot holds\n%+v\nlatest %+v\nthe database\n%+v\nlatest %+v", ref, got, got.LastUpdate, want, want.LastUpdate)
		}
	}
}

// Changes that arrive while another write holds the lock are made together
// in one transaction when it is let go: each still answered with its own
// reply, audited once, its request recorded for a replay, and the snapshot
// given every one of them (two of them to the same action).
func TestConcurrentChangesCommitInOneTransaction(t *testing.T) {
	ctx := context.Background()
	db := groupDB(t, 50)
	p, err := db.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	refs := openActions(t, db, 5)
	now := time.Date(2026, 11, 26, 9, 0, 0, 123456789, time.UTC)
	var cs []*groupChange
	for i, ref := range refs {
		cs = append(cs, &groupChange{ref: ref, actor: "U0TEST", delivery: fmt.Sprintf("sig:%d", i), note: fmt.Sprintf("group %d", i), progress: 11 + i})
	}
	// Twice the same action in the group: the second sees the first.
	cs = append(cs, &groupChange{ref: refs[0], actor: "U0TEST", delivery: "sig:again", note: "group again", progress: 77})
	// On PostgreSQL a group's changes are written after all of them are
	// made (pggroup.go): the second change to an action is made in the
	// next group.
	want := int64(1)
	if db.Postgres() {
		want = 2
	}
	if n := inOneGroup(t, db, p.ID, now, cs); n != want {
		t.Fatalf("%d changes committed in %d transactions, want %d", len(cs), n, want)
	}
	seen := map[int64]bool{}
	for _, c := range cs {
		if c.err != nil {
			t.Fatalf("%s: %v", c.note, err)
		}
		if n := auditedWith(t, db, c.note); n != 1 {
			t.Errorf("%s: audited %d times, want once", c.note, n)
		}
		if c.rec.ID == 0 || seen[c.rec.ID] {
			t.Fatalf("%s: recorded as inbox item %d", c.note, c.rec.ID)
		}
		seen[c.rec.ID] = true
		it, err := db.Inbox(ctx, c.rec.ID)
		if err != nil {
			t.Fatal(err)
		}
		if it.Delivery != c.delivery || it.Reply == nil || it.Reply.Text != c.msg.Text || !it.Changed {
			t.Errorf("%s: recorded %+v (reply %+v), answered %q", c.note, it, it.Reply, c.msg.Text)
		}
	}
	// The two changes to one action were made one after the other, in
	// the order they were taken: the later one's entry is the action's
	// latest, and it changed what the earlier one left.
	a, err := db.FindAction(ctx, p.ID, refs[0])
	if err != nil {
		t.Fatal(err)
	}
	earlier, later := cs[0], cs[len(cs)-1]
	if later.rec.ID < earlier.rec.ID {
		earlier, later = later, earlier
	}
	if a.Progress != later.progress || a.LastUpdate == nil || a.LastUpdate.Note != later.note ||
		len(a.LastUpdate.Changes) != 1 || a.LastUpdate.Changes[0].From != strconv.Itoa(earlier.progress) {
		t.Errorf("%s after two changes in one group (%q then %q): progress %d, last entry %+v", refs[0], earlier.note, later.note, a.Progress, a.LastUpdate)
	}
	snapshotIsTheDatabase(t, db, refs)
	// A replay of one of them is refused as made already, changing nothing.
	replay := []*groupChange{{ref: refs[1], actor: "U0TEST", delivery: "sig:1", note: "group replayed", progress: 50}}
	inOneGroup(t, db, p.ID, now, replay)
	if actionbot.ErrorCode(replay[0].err) != actionbot.ECONFLICT {
		t.Errorf("a replay: %v, want ECONFLICT", replay[0].err)
	}
	if n := auditedWith(t, db, "group replayed"); n != 0 {
		t.Errorf("a replay was audited %d times", n)
	}
}

// One change of a group refused, one failing, and one a second delivery of
// another in the same group (found only after its writes): each gets its
// own error and leaves nothing behind, and the others are made.
func TestABadChangeInAGroupLosesNoneOfTheOthers(t *testing.T) {
	ctx := context.Background()
	db := groupDB(t, 50)
	p, err := db.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	refs := openActions(t, db, 5)
	before := map[string]*actionbot.Action{}
	for _, ref := range refs {
		if before[ref], err = db.FindAction(ctx, p.ID, ref); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	broken := errors.New("the change could not be worked out")
	good1 := &groupChange{ref: refs[0], actor: "U0TEST", delivery: "sig:good1", note: "good 1", progress: 21}
	refused := &groupChange{ref: refs[1], actor: "U0STRANGER", delivery: "sig:refused", note: "refused", progress: 22}
	failing := &groupChange{ref: refs[2], actor: "U0TEST", delivery: "sig:failing", note: "failing", progress: 23, fail: broken}
	first := &groupChange{ref: refs[3], actor: "U0TEST", delivery: "sig:twice", note: "first delivery", progress: 24}
	second := &groupChange{ref: refs[4], actor: "U0TEST", delivery: "sig:twice", note: "second delivery", progress: 25}
	good2 := &groupChange{ref: refs[4], actor: "U0TEST", delivery: "sig:good2", note: "good 2", progress: 26}
	cs := []*groupChange{good1, refused, failing, first, second, good2}
	// On PostgreSQL the later of the two changes to refs[4] is made in a
	// group after (pggroup.go): a transaction of its own, unless it is
	// the second delivery, refused.
	most := int64(1)
	if db.Postgres() {
		most = 2
	}
	if n := inOneGroup(t, db, p.ID, now, cs); n < 1 || n > most {
		t.Fatalf("%d changes committed in %d transactions, want 1 to %d", len(cs), n, most)
	}
	var re *RefusedError
	if !errors.As(refused.err, &re) {
		t.Errorf("refused: %v, want a RefusedError", refused.err)
	}
	if !errors.Is(failing.err, broken) {
		t.Errorf("failing: %v, want %v", failing.err, broken)
	}
	// The two deliveries of one request race: whichever is made first is
	// made, the other is refused as made already.
	made, replayed := first, second
	if first.err != nil {
		made, replayed = second, first
	}
	if made.err != nil || actionbot.ErrorCode(replayed.err) != actionbot.ECONFLICT || replayed.rec.ID != 0 {
		t.Errorf("two deliveries of one request: %v and %v (recorded as %d), want one made and one ECONFLICT", made.err, replayed.err, replayed.rec.ID)
	}
	for _, c := range []*groupChange{good1, made, good2} {
		if c.err != nil {
			t.Errorf("%s: %v", c.note, c.err)
		}
		if n := auditedWith(t, db, c.note); n != 1 {
			t.Errorf("%s: audited %d times, want once", c.note, n)
		}
	}
	for _, c := range []*groupChange{refused, failing, replayed} {
		if n := auditedWith(t, db, c.note); n != 0 {
			t.Errorf("%s: audited %d times, want never", c.note, n)
		}
	}
	for _, c := range []*groupChange{refused, failing} {
		a, err := db.FindAction(ctx, p.ID, c.ref)
		if err != nil {
			t.Fatal(err)
		}
		if a.Progress != before[c.ref].Progress {
			t.Errorf("%s: progress %d after a change that was not made, was %d", c.ref, a.Progress, before[c.ref].Progress)
		}
	}
	snapshotIsTheDatabase(t, db, refs)
}

// A change that panics in a group fails the group (the transaction is in no
// known state), each change answered with an error and none made, and the
// changes after it are made as ever.
func TestAChangeThatPanicsFailsItsGroupAndNoMore(t *testing.T) {
	ctx := context.Background()
	db := groupDB(t, 50)
	p, err := db.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	refs := openActions(t, db, 3)
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	cs := []*groupChange{
		{ref: refs[0], actor: "U0TEST", delivery: "sig:p1", note: "beside a panic", progress: 31},
		{ref: refs[1], actor: "U0TEST", delivery: "sig:p2", note: "panics", progress: 32, panics: true},
	}
	if n := inOneGroup(t, db, p.ID, now, cs); n != 0 {
		t.Fatalf("a group with a panic committed %d times", n)
	}
	for _, c := range cs {
		if c.err == nil || c.rec.ID != 0 {
			t.Errorf("%s: %v, recorded as %d; want an error and no record", c.note, c.err, c.rec.ID)
		}
		if n := auditedWith(t, db, c.note); n != 0 {
			t.Errorf("%s: audited %d times", c.note, n)
		}
	}
	after := []*groupChange{{ref: refs[2], actor: "U0TEST", delivery: "sig:p3", note: "after a panic", progress: 33}}
	if n := inOneGroup(t, db, p.ID, now, after); n != 1 || after[0].err != nil {
		t.Fatalf("the change after a panic: %v, in %d commits", after[0].err, n)
	}
	snapshotIsTheDatabase(t, db, refs)
}
