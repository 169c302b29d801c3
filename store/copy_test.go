package store_test

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/planfile"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// mustOpenAt opens a database at a location (a file or a postgres:// URL),
// closed when the test ends.
func mustOpenAt(tb testing.TB, where string, clock *storetest.Clock) *store.DB {
	tb.Helper()
	db := store.NewDB(where)
	db.Now = clock.Now
	db.ConfiguredCoordinators = testWriters
	if err := db.Open(); err != nil {
		tb.Fatalf("open %s: %v", actionbot.Redact(where), err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// mustBusyDatabase is a database with something in every table CopyTo
// copies: the shipped plan, changes and their audit, measures, members,
// coordinators, channels, the outbox, the inbox, deliveries, the reminder
// ledger, a digest and a quarterly report.
func mustBusyDatabase(tb testing.TB, where string, clock *storetest.Clock) *store.DB {
	tb.Helper()
	db := mustOpenAt(tb, where, clock)
	if _, err := planfile.EnsurePlan(ctx, db); err != nil {
		tb.Fatal(err)
	}
	p := mustPlan(tb, db)
	mustApply(tb, db, clock, "5.2", actionbot.Op{Verb: actionbot.VerbProgress, Progress: 40, Note: "Two schemes running"}, "U1")
	clock.Advance(time.Hour)
	mustApply(tb, db, clock, "1.7", actionbot.Op{Verb: actionbot.VerbNote, Note: "Campaign \"Don't dump it\" | launched"}, "U2")
	mustApply(tb, db, clock, "7.6", actionbot.Op{Verb: actionbot.VerbBlocked, Note: "Waiting on funding"}, "U1")
	must := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	must(db.AddMember(ctx, "U1", "CSU", "U0"))
	must(db.AddCoordinator(ctx, "U9", "U0"))
	must(db.SetPriorityChannel(ctx, 5, "C0SPEED", "U9"))
	must(db.RecordMeasure(ctx, &actionbot.MeasureValue{Priority: 1, N: 1, Value: -2.5, AsOf: actionbot.D(2012, time.September, 30), Source: "Police figures", Actor: "U9", At: clock.Now()}))
	if _, err := db.Enqueue(ctx, &actionbot.Outgoing{Key: "test:1", Kind: "announce", To: "C0SPEED", Message: actionbot.Message{Text: "hello"}}); err != nil {
		tb.Fatal(err)
	}
	if _, err := db.FirstDelivery(ctx, "Ev1", time.Hour); err != nil {
		tb.Fatal(err)
	}
	mustReceive(tb, db, "sig1", "/action 5.2 progress 50")
	a, err := db.FindAction(ctx, p.ID, "5.2")
	must(err)
	if _, err := db.RecordReminder(ctx, a.ID, "2013-03-31", "before:28", actionbot.D(2013, time.March, 3), nil,
		[]*actionbot.Outgoing{{Key: "reminder:test", Kind: "reminder", To: "U1", Message: actionbot.Message{Text: "due soon"}}}); err != nil {
		tb.Fatal(err)
	}
	if _, err := db.RecordDigest(ctx, p.ID, actionbot.D(2012, time.April, 3), clock.Now().Add(-24*time.Hour), clock.Now(),
		&actionbot.Outgoing{Key: "digest:2012-04-03", Kind: "digest", To: "C0SPEED", Message: actionbot.Message{Text: "the digest"}}); err != nil {
		tb.Fatal(err)
	}
	must(db.SetReminderMode(ctx, "U1", "weekly", "U1"))
	if _, err := db.AddMemberByEmail(ctx, "speedwatch.lead@kent.police.uk", "POLICE", "U9"); err != nil {
		tb.Fatal(err)
	}
	if _, err := db.ConfirmDeadline(ctx, p.ID, "7.6", "U9"); err != nil {
		tb.Fatal(err)
	}
	if _, err := db.RecordNotice(ctx, p.ID, "year-end", actionbot.D(2013, time.April, 2),
		[]*actionbot.Outgoing{{Key: "year-end:test", Kind: "year-end", To: "C0SPEED", Message: actionbot.Message{Text: "the year"}}}); err != nil {
		tb.Fatal(err)
	}
	if _, err := db.RecordQuarterly(ctx, p.ID, "2012-Q1", "q1.html",
		&actionbot.Outgoing{Key: "quarterly:2012-Q1", Kind: "quarterly", To: "C0SPEED", Message: actionbot.Message{Text: "the quarter"}}); err != nil {
		tb.Fatal(err)
	}
	return db
}

func mustCopy(tb testing.TB, from, to *store.DB) *store.CopyReport {
	tb.Helper()
	rep, err := from.CopyTo(ctx, to)
	if err != nil {
		tb.Fatalf("copy: %v", err)
	}
	if rep.FromChecksum != rep.ToChecksum || !slices.Equal(rep.From, rep.To) {
		tb.Fatalf("copy reported a difference: %+v", rep)
	}
	return rep
}

func mustDump(tb testing.TB, db *store.DB) string {
	tb.Helper()
	s, err := store.Dump(db)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestCopyCoversEveryTable(t *testing.T) {
	db := storetest.MustOpenEmpty(t, storetest.NewClock(storetest.PlanStart))
	tables, err := store.Tables(db)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range tables {
		if !slices.Contains(store.CopyTables, name) {
			t.Errorf("copy-db does not copy the table %s: add it to copyTables in store/copy.go", name)
		}
	}
}

func TestCopyToAnEmptyDatabaseCopiesEverything(t *testing.T) {
	clock := storetest.NewClock(storetest.PlanStart)
	src := mustBusyDatabase(t, filepath.Join(t.TempDir(), "from.db"), clock)
	dst := mustOpenAt(t, storetest.MustLocation(t), clock)
	rep := mustCopy(t, src, dst)
	for _, c := range rep.From {
		if c.Rows == 0 {
			t.Errorf("the busy database has nothing in %s: the test would not see it lost", c.Table)
		}
	}
	if got, want := mustDump(t, dst), mustDump(t, src); got != want {
		t.Fatalf("the copy differs from its source:\n%s\n---- source:\n%s", got, want)
	}
	// The copy carries on where the source stopped: new ids follow the old.
	e := mustApply(t, dst, clock, "5.2", actionbot.Op{Verb: actionbot.VerbNote, Note: "after the move"}, "U1")
	var last int64
	hist, err := src.History(ctx, mustPlan(t, src).ID, "5.2", 0)
	if err != nil || len(hist) == 0 {
		t.Fatal(hist, err)
	}
	for _, h := range hist {
		last = max(last, h.ID)
	}
	if e.ID <= last {
		t.Fatalf("a change after the copy got audit id %d, not after the copied %d", e.ID, last)
	}
}

func TestCopyRefusesATargetThatHoldsAnything(t *testing.T) {
	clock := storetest.NewClock(storetest.PlanStart)
	src := mustBusyDatabase(t, filepath.Join(t.TempDir(), "from.db"), clock)
	dst := mustOpenWriting(t, clock) // the shipped plan
	before := mustDump(t, dst)
	_, err := src.CopyTo(ctx, dst)
	if actionbot.ErrorCode(err) != actionbot.ECONFLICT {
		t.Fatalf("copy into a database with a plan: %v, want a conflict", err)
	}
	if after := mustDump(t, dst); after != before {
		t.Fatal("a refused copy changed the target")
	}
}

func TestCopyRoundTripThroughPostgreSQLLosesNothing(t *testing.T) {
	pg := storetest.MustPostgres(t)
	clock := storetest.NewClock(storetest.PlanStart)
	dir := t.TempDir()
	start := mustBusyDatabase(t, filepath.Join(dir, "start.db"), clock)
	mid := mustOpenAt(t, pg, clock)
	end := mustOpenAt(t, filepath.Join(dir, "end.db"), clock)
	there := mustCopy(t, start, mid)
	back := mustCopy(t, mid, end)
	if there.FromChecksum != back.ToChecksum {
		t.Fatalf("audit checksum %s at the start, %s after the round trip", there.FromChecksum, back.ToChecksum)
	}
	if got, want := mustDump(t, end), mustDump(t, start); got != want {
		t.Fatalf("the round trip changed the database:\n%s\n---- start:\n%s", got, want)
	}
}
