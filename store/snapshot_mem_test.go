package store

import (
	"context"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/internal/fakeplan"
)

// liveHeap is the bytes the heap holds after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC() // the first may leave finalised objects for the second
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// mustDBWithGeneratedPlan opens a database with a generated plan of n
// actions and returns it; the snapshot is not loaded yet.
func mustDBWithGeneratedPlan(tb testing.TB, n int) *DB {
	tb.Helper()
	db := NewDB(filepath.Join(tb.TempDir(), "snapshot.db"))
	if err := db.Open(); err != nil {
		tb.Fatalf("open database: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	db.ConfiguredCoordinators = []string{"U0TEST", fakeplan.Actor} // the tests' writer may change any action
	if _, err := fakeplan.Load(context.Background(), db, n, 7, 2, fakeplan.Seed); err != nil {
		tb.Fatalf("load a generated plan of %d actions: %v", n, err)
	}
	return db
}

// The snapshot is serve's largest use of memory, and with the collector's
// headroom every byte of it counts about one and a half times in resident
// memory: a 10,000-action plan must leave serve under 64 MB (BENCHMARKS.md).
func TestSnapshotOfTenThousandActionsIsSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("loads a 10,000-action plan")
	}
	db := mustDBWithGeneratedPlan(t, 10000)
	before := liveHeap()
	s, err := db.currentSnapshot(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(s.actions) != 10000 {
		t.Fatalf("the snapshot holds %d actions, want 10000", len(s.actions))
	}
	size := liveHeap() - before
	runtime.KeepAlive(s)
	t.Logf("snapshot of 10,000 actions: %.2f MB live, %d bytes an action", float64(size)/(1<<20), size/10000)
	const most = 7 << 20 // 8.1 MB before its repeated values were shared
	if size > most {
		t.Errorf("the snapshot of 10,000 actions holds %d bytes, want at most %d", size, most)
	}
}

func TestSharedPartyListsCannotBeWrittenThroughAnAppend(t *testing.T) {
	in := newInterner()
	grown := append(make([]actionbot.Party, 0, 4), actionbot.Party{Agency: "CSU"}, actionbot.Party{Agency: "SDC", Role: "lead officer"})
	a := &actionbot.Action{Ref: "1.1", Lead: grown}
	b := &actionbot.Action{Ref: "1.2", Lead: slices.Clone(grown)}
	in.action(a)
	in.action(b)
	if &a.Lead[0] != &b.Lead[0] {
		t.Error("two equal lead lists were not shared")
	}
	if cap(a.Lead) != len(a.Lead) {
		t.Fatalf("the shared list has capacity %d for %d parties: an append would write into it", cap(a.Lead), len(a.Lead))
	}
	mine := append(a.Lead, actionbot.Party{Agency: "KFRS"})
	mine[0].Agency = "changed"
	if b.Lead[0].Agency != "CSU" || len(b.Lead) != 2 {
		t.Errorf("a caller's append to one action's lead changed another's: %+v", b.Lead)
	}
}

func TestAnUpdatedActionKeepsWhatChangedAndSharesTheRest(t *testing.T) {
	prev := &actionbot.Action{Ref: "1.1", Funding: "Existing resources", Status: actionbot.StatusOpen,
		Lead: []actionbot.Party{{Agency: "CSU"}}, Partners: []actionbot.Party{{Agency: "SDC"}}}
	next := &actionbot.Action{Ref: "1.1", Funding: "Existing " + "resources", Status: actionbot.StatusDone,
		Lead: []actionbot.Party{{Agency: "CSU"}}, Partners: append(make([]actionbot.Party, 0, 4), actionbot.Party{Agency: "KFRS"})}
	shareWith(next, prev)
	if next.Status != actionbot.StatusDone || next.Funding != "Existing resources" {
		t.Errorf("shareWith changed a value: status %q, funding %q", next.Status, next.Funding)
	}
	if &next.Lead[0] != &prev.Lead[0] {
		t.Error("an unchanged lead list was not shared with the action's previous version")
	}
	if len(next.Partners) != 1 || next.Partners[0].Agency != "KFRS" || cap(next.Partners) != 1 {
		t.Errorf("a changed partner list = %+v (capacity %d), want [KFRS] of capacity 1", next.Partners, cap(next.Partners))
	}
}

func TestFullLoadGivesEachActionItsLatestEntryAsTheAuditTrailHasIt(t *testing.T) {
	ctx := context.Background()
	db := mustDBWithGeneratedPlan(t, 300)
	p, err := db.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	for i, tc := range []struct {
		ref string
		op  actionbot.Op
	}{
		{"1.1", actionbot.Op{Verb: actionbot.VerbProgress, Progress: 70, Note: "halfway and more"}},
		{"1.1", actionbot.Op{Verb: actionbot.VerbNote, Note: "the latest of two"}},
		{"2.3", actionbot.Op{Verb: actionbot.VerbDone, Note: "finished"}},
		{"3.4", actionbot.Op{Verb: actionbot.VerbProgress, Progress: 95}},
	} {
		if _, _, err := db.UpdateAction(ctx, p.ID, tc.ref, func(a *actionbot.Action) (*actionbot.AuditEntry, error) {
			return a.Apply(tc.op, "U0TEST", now.Add(time.Duration(i)*time.Minute))
		}, nil); err != nil {
			t.Fatalf("%s %s: %v", tc.ref, tc.op.Verb, err)
		}
	}
	tx, err := db.ro.BeginTxx(ctx, db.snapshotTxOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var c counters
	if err := tx.GetContext(ctx, &c, countersQuery); err != nil {
		t.Fatal(err)
	}
	s, err := loadSnapshot(ctx, tx, c)
	if err != nil {
		t.Fatal(err)
	}
	want, err := auditEntries(ctx, tx, `a.id IN (`+latestOfPlan+`)`, []any{p.ID}, false, 0)
	if err != nil {
		t.Fatal(err)
	}
	withEntry := 0
	for _, a := range s.actions {
		if a.LastUpdate != nil {
			withEntry++
		}
	}
	if withEntry != len(want) || len(want) != 3 {
		t.Fatalf("the audit trail has latest entries for %d actions (want 3), the snapshot for %d", len(want), withEntry)
	}
	for _, w := range want {
		got := s.actions[s.byID[w.ActionID]].LastUpdate
		if got == nil {
			t.Errorf("%s: no latest entry in the snapshot, want %+v", w.Ref, w)
			continue
		}
		if got.ID != w.ID || got.Ref != w.Ref || !got.At.Equal(w.At) || got.Actor != w.Actor || got.Verb != w.Verb || got.Note != w.Note ||
			!slices.Equal(got.Changes, w.Changes) {
			t.Errorf("%s: snapshot's latest entry %+v, the audit trail's %+v", w.Ref, got, w)
		}
	}
	if e := s.actions[s.byRef["1.1"]].LastUpdate; e.Note != "the latest of two" {
		t.Errorf("1.1's latest entry is %q, want the later note", e.Note)
	}
	if e := s.actions[s.byRef["3.4"]].LastUpdate; len(e.Changes) == 0 {
		t.Error("3.4's progress entry lost its changes")
	}
}

func TestARefreshAfterOneChangeShowsItAndLeavesTheRest(t *testing.T) {
	ctx := context.Background()
	db := mustDBWithGeneratedPlan(t, 50)
	p, err := db.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	before, err := db.currentSnapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	for i, progress := range []int{40, 45} { // two refreshes of one change each
		if _, _, err := db.UpdateAction(ctx, p.ID, "1.2", func(a *actionbot.Action) (*actionbot.AuditEntry, error) {
			return a.Apply(actionbot.Op{Verb: actionbot.VerbProgress, Progress: progress, Note: "step"}, "U0TEST", now.Add(time.Duration(i)*time.Hour))
		}, nil); err != nil {
			t.Fatal(err)
		}
		after, err := db.currentSnapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := after.at(after.byRef["1.2"])
		if got.Progress != progress || got.LastUpdate == nil || got.LastUpdate.Verb != actionbot.VerbProgress || len(got.LastUpdate.Changes) == 0 {
			t.Fatalf("after progress %d: the snapshot has progress %d, latest entry %+v", progress, got.Progress, got.LastUpdate)
		}
		for i, a := range after.all() {
			if a.Ref != "1.2" && a != before.all()[i] {
				t.Errorf("%s changed in the snapshot though only 1.2 was changed", a.Ref)
			}
		}
	}
}

// A change made through this DB is put into the snapshot without reading it
// back (took): what the snapshot then holds must be what a fresh load of
// the database gives, field for field, or a later change and every card
// would start from something the database does not hold.
func TestTheSnapshotAfterAChangeIsWhatTheDatabaseHolds(t *testing.T) {
	ctx := context.Background()
	db := mustDBWithGeneratedPlan(t, 50)
	p, err := db.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	london, _ := time.LoadLocation("Europe/London")
	now := time.Date(2026, 11, 26, 9, 0, 0, 123456789, london)
	ops := []actionbot.Op{
		{Verb: actionbot.VerbProgress, Progress: 40, Note: "step"},
		{Verb: actionbot.VerbSnooze, Until: now.Add(72 * time.Hour)},
		{Verb: actionbot.VerbBlocked, Note: "waiting on the council"},
		{Verb: actionbot.VerbDone},
	}
	if _, err := db.currentSnapshot(ctx); err != nil {
		t.Fatal(err)
	}
	for i, op := range ops {
		if _, _, err := db.UpdateAction(ctx, p.ID, "1.2", func(a *actionbot.Action) (*actionbot.AuditEntry, error) {
			return a.Apply(op, "U0TEST", now.Add(time.Duration(i)*time.Minute))
		}, nil); err != nil {
			t.Fatal(err)
		}
		took := db.snap.cur.Load() // as the change left it, before any read
		tx, err := db.ro.BeginTxx(ctx, db.snapshotTxOptions())
		if err != nil {
			t.Fatal(err)
		}
		var c counters
		if err := tx.GetContext(ctx, &c, countersQuery); err != nil {
			t.Fatal(err)
		}
		fresh, err := loadSnapshot(ctx, tx, c)
		tx.Rollback()
		if err != nil {
			t.Fatal(err)
		}
		if took.auditMax != fresh.auditMax || took.planRev != fresh.planRev {
			t.Fatalf("after %s: the snapshot is at audit %d, revision %d; the database at %d, %d", op.Verb, took.auditMax, took.planRev, fresh.auditMax, fresh.planRev)
		}
		got, _ := took.find("1.2")
		want, _ := fresh.find("1.2")
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("after %s: the snapshot holds\n%+v\nlatest %+v\nthe database\n%+v\nlatest %+v", op.Verb, got, got.LastUpdate, want, want.LastUpdate)
		}
	}
}

// within reports whether s's bytes lie inside big's.
func within(s, big string) bool {
	if s == "" {
		return false
	}
	p, lo := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(unsafe.StringData(big)))
	return p >= lo && p < lo+uintptr(len(big))
}

// A change's actor, note and reason arrive as parts of the request that
// carried them (the form's values are slices of its body): the snapshot
// keeps them for as long as the action is not changed again, so it must
// keep copies, not the whole request's body with each (at 10,000 changed
// actions, 5 MB of request bodies held, 7 MB more resident).
func TestTheSnapshotKeepsNoPartOfTheChangesRequest(t *testing.T) {
	ctx := context.Background()
	db := mustDBWithGeneratedPlan(t, 20)
	p, err := db.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.currentSnapshot(ctx); err != nil {
		t.Fatal(err)
	}
	body := "token=x&user_id=U0TEST&text=1.2+blocked+waiting+on+the+council&reason=waiting on the council" + strings.Repeat("&pad=x", 100)
	actor := body[strings.Index(body, "U0TEST"):][:len("U0TEST")]
	note := body[strings.LastIndex(body, "waiting on the council"):][:len("waiting on the council")]
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	if _, _, err := db.UpdateAction(ctx, p.ID, "1.2", func(a *actionbot.Action) (*actionbot.AuditEntry, error) {
		return a.Apply(actionbot.Op{Verb: actionbot.VerbBlocked, Note: note}, actor, now)
	}, nil); err != nil {
		t.Fatal(err)
	}
	took := db.snap.cur.Load()
	if took.auditMax == 0 || took.delta == nil {
		t.Fatal("the change was not put into the snapshot")
	}
	a, _ := took.find("1.2")
	e := a.LastUpdate
	if e == nil || e.Actor != "U0TEST" || e.Note != note || a.Reason != note {
		t.Fatalf("the snapshot holds %+v, latest %+v", a, e)
	}
	kept := []string{e.Actor, e.Note, string(e.Verb), a.Reason, a.Review, string(a.Status), e.Ref}
	for _, c := range e.Changes {
		kept = append(kept, c.Field, c.From, c.To)
	}
	for _, s := range kept {
		if within(s, body) {
			t.Errorf("the snapshot's %q is part of the request's body", s)
		}
	}
}
