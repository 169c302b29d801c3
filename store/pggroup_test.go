package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/internal/fakeplan"
)

// groupDB opens a database with a generated plan of n actions for a test
// of group commit: on the PostgreSQL server ACTIONBOT_TEST_POSTGRES names,
// when set, in a schema of its own dropped when the test ends (as
// storetest does: this package's own tests cannot import it), and
// otherwise a SQLite file in the test's directory.
func groupDB(t *testing.T, n int) *DB {
	t.Helper()
	base := os.Getenv("ACTIONBOT_TEST_POSTGRES")
	if base == "" {
		return mustDBWithGeneratedPlan(t, n)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := sqlx.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(context.Background(), `CREATE SCHEMA `+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin, err := sqlx.Open("pgx", base)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer admin.Close()
		if _, err := admin.ExecContext(context.Background(), `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db := NewDB(u.String())
	if err := db.Open(); err != nil {
		t.Fatalf("open database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	db.ConfiguredCoordinators = []string{"U0TEST", fakeplan.Actor}
	if _, err := fakeplan.Load(context.Background(), db, n, 7, 2, fakeplan.Seed); err != nil {
		t.Fatalf("load a generated plan of %d actions: %v", n, err)
	}
	return db
}

// A replayed request in a group (its delivery recorded by an earlier
// change) is refused as made already, and every other change of the group
// is made, audited once and recorded: on PostgreSQL the replay is found
// only when the group's writes fail on the record's unique index, and the
// group is then made again without it.
func TestAReplayInAGroupLosesNoneOfTheOthers(t *testing.T) {
	ctx := context.Background()
	db := groupDB(t, 50)
	p, err := db.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	refs := openActions(t, db, 4)
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	earlier := []*groupChange{{ref: refs[0], actor: "U0TEST", delivery: "sig:replayed", note: "made first", progress: 41}}
	inOneGroup(t, db, p.ID, now, earlier)
	if earlier[0].err != nil {
		t.Fatal(earlier[0].err)
	}
	replay := &groupChange{ref: refs[1], actor: "U0TEST", delivery: "sig:replayed", note: "the replay", progress: 42}
	others := []*groupChange{
		{ref: refs[2], actor: "U0TEST", delivery: "sig:other1", note: "other 1", progress: 43},
		{ref: refs[3], actor: "U0TEST", delivery: "sig:other2", note: "other 2", progress: 44},
		{ref: refs[0], actor: "U0TEST", delivery: "sig:other3", note: "other 3", progress: 45},
	}
	inOneGroup(t, db, p.ID, now, append([]*groupChange{replay}, others...))
	if actionbot.ErrorCode(replay.err) != actionbot.ECONFLICT || replay.rec.ID != 0 {
		t.Errorf("the replay: %v (recorded as %d), want ECONFLICT and no record", replay.err, replay.rec.ID)
	}
	if n := auditedWith(t, db, "the replay"); n != 0 {
		t.Errorf("the replay was audited %d times", n)
	}
	for _, c := range others {
		if c.err != nil {
			t.Errorf("%s: %v", c.note, c.err)
			continue
		}
		if n := auditedWith(t, db, c.note); n != 1 {
			t.Errorf("%s: audited %d times, want once", c.note, n)
		}
		it, err := db.Inbox(ctx, c.rec.ID)
		if err != nil {
			t.Fatal(err)
		}
		if it.Delivery != c.delivery || it.Reply == nil || it.Reply.Text != c.msg.Text {
			t.Errorf("%s: recorded %+v (reply %+v), answered %q", c.note, it, it.Reply, c.msg.Text)
		}
	}
	snapshotIsTheDatabase(t, db, refs)
}

// Several changes to one action in flight at once are all made, one after
// the other: each entry's change starts from what the one before left, the
// action ends as the last left it, and the audit ids are consecutive, one
// per change, as the replies named them.
func TestChangesToOneActionInFlightAreAllMadeInOrder(t *testing.T) {
	ctx := context.Background()
	db := groupDB(t, 50)
	p, err := db.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	refs := openActions(t, db, 2)
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	var cs []*groupChange
	for i := range 4 {
		cs = append(cs, &groupChange{ref: refs[0], actor: "U0TEST", delivery: fmt.Sprintf("sig:same%d", i), note: fmt.Sprintf("same %d", i), progress: 51 + i})
	}
	cs = append(cs, &groupChange{ref: refs[1], actor: "U0TEST", delivery: "sig:beside", note: "beside", progress: 61})
	inOneGroup(t, db, p.ID, now, cs)
	for _, c := range cs {
		if c.err != nil {
			t.Fatalf("%s: %v", c.note, c.err)
		}
		if n := auditedWith(t, db, c.note); n != 1 {
			t.Errorf("%s: audited %d times, want once", c.note, n)
		}
	}
	hist, err := db.History(ctx, p.ID, refs[0], 4)
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(hist) // oldest first
	for i, e := range hist {
		if len(e.Changes) != 1 {
			t.Fatalf("entry %d: %+v", e.ID, e.Changes)
		}
		if i > 0 {
			if e.Changes[0].From != hist[i-1].Changes[0].To {
				t.Errorf("entry %d changed %s from %q, the entry before left %q", e.ID, e.Changes[0].Field, e.Changes[0].From, hist[i-1].Changes[0].To)
			}
		}
		found := false
		for _, c := range cs {
			if c.note == e.Note {
				found = true
				if want := fmt.Sprintf("%s is at %d%% (entry %d)", refs[0], c.progress, e.ID); c.msg.Text != want {
					t.Errorf("%s: answered %q, want %q", c.note, c.msg.Text, want)
				}
			}
		}
		if !found {
			t.Errorf("entry %d (%q) is none of the changes", e.ID, e.Note)
		}
	}
	a, err := db.FindAction(ctx, p.ID, refs[0])
	if err != nil {
		t.Fatal(err)
	}
	if last := hist[len(hist)-1]; a.LastUpdate == nil || a.LastUpdate.ID != last.ID || strconv.Itoa(a.Progress) != last.Changes[0].To {
		t.Errorf("%s ends at %d%%, latest %+v; the last entry is %+v", refs[0], a.Progress, a.LastUpdate, last)
	}
	snapshotIsTheDatabase(t, db, refs)
}

// On PostgreSQL, changes that arrive while another writer is busy are made
// in one transaction too: one BEGIN, one write lock, one notice, one
// COMMIT (and fsync) for all of them.
func TestConcurrentChangesOnPostgresCommitInOneTransaction(t *testing.T) {
	if os.Getenv("ACTIONBOT_TEST_POSTGRES") == "" {
		t.Skip("needs PostgreSQL: set ACTIONBOT_TEST_POSTGRES")
	}
	ctx := context.Background()
	db := groupDB(t, 50)
	p, err := db.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	refs := openActions(t, db, 6)
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	var cs []*groupChange
	for i, ref := range refs {
		// Two actors: each one's write state read in the first round trip.
		actor := "U0TEST"
		if i%2 == 1 {
			actor = fakeplan.Actor
		}
		cs = append(cs, &groupChange{ref: ref, actor: actor, delivery: fmt.Sprintf("sig:pg%d", i), note: fmt.Sprintf("pg %d", i), progress: 71 + i})
	}
	if n := inOneGroup(t, db, p.ID, now, cs); n != 1 {
		t.Fatalf("%d changes committed in %d transactions, want 1", len(cs), n)
	}
	var ids []int64
	for _, c := range cs {
		if c.err != nil {
			t.Fatalf("%s: %v", c.note, c.err)
		}
		if n := auditedWith(t, db, c.note); n != 1 {
			t.Errorf("%s: audited %d times, want once", c.note, n)
		}
		var id int64
		if err := db.rw.GetContext(ctx, &id, `SELECT id FROM audit WHERE note = ?`, c.note); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for i := range ids[1:] {
		if ids[i+1] != ids[i]+1 {
			t.Errorf("the group's audit ids are %v, want consecutive", ids)
		}
	}
	snapshotIsTheDatabase(t, db, refs)
}

// A group's changes, once answered, are seen through every replica that
// listens: the group waits for its one notice to be heard, as a change
// alone does.
func TestAGroupIsSeenThroughTheOtherReplicaOnceAnswered(t *testing.T) {
	if os.Getenv("ACTIONBOT_TEST_POSTGRES") == "" {
		t.Skip("needs PostgreSQL: set ACTIONBOT_TEST_POSTGRES")
	}
	ctx := context.Background()
	a := groupDB(t, 50)
	p, err := a.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b := NewDB(a.Path)
	b.ConfiguredCoordinators = a.ConfiguredCoordinators
	if err := b.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	lctx, cancel := context.WithCancel(ctx)
	t.Cleanup(cancel)
	for _, db := range []*DB{a, b} {
		if err := db.ListenForChanges(lctx); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for !a.FeedReady(1) || !b.FeedReady(1) {
		if time.Now().After(deadline) {
			t.Fatal("30 s after listening, the replicas neither trust their counters nor hear each other")
		}
		time.Sleep(5 * time.Millisecond) // waiting for the listeners' pings
	}
	refs := openActions(t, a, 4)
	for _, ref := range refs {
		if _, err := b.FindAction(ctx, p.ID, ref); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	var cs []*groupChange
	for i, ref := range refs {
		cs = append(cs, &groupChange{ref: ref, actor: "U0TEST", delivery: fmt.Sprintf("sig:seen%d", i), note: fmt.Sprintf("seen %d", i), progress: 81 + i})
	}
	if n := inOneGroup(t, a, p.ID, now, cs); n != 1 {
		t.Fatalf("%d changes committed in %d transactions, want 1", len(cs), n)
	}
	for _, c := range cs {
		if c.err != nil {
			t.Fatalf("%s: %v", c.note, c.err)
		}
		x, err := b.FindAction(ctx, p.ID, c.ref)
		if err != nil {
			t.Fatal(err)
		}
		if x.Progress != c.progress {
			t.Errorf("right after %s went to %d%% in a group through one replica, the other reads %d%%", c.ref, c.progress, x.Progress)
		}
	}
}
