package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/planfile"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

var ctx = context.Background()

func mustPlan(tb testing.TB, db *store.DB) *actionbot.Plan {
	tb.Helper()
	p, err := db.CurrentPlan(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func mustApply(tb testing.TB, db *store.DB, clock *storetest.Clock, ref string, op actionbot.Op, actor string) *actionbot.AuditEntry {
	tb.Helper()
	_, e, err := db.UpdateAction(ctx, mustPlan(tb, db).ID, ref, func(a *actionbot.Action) (*actionbot.AuditEntry, error) {
		return a.Apply(op, actor, clock.Now())
	}, nil)
	if err != nil {
		tb.Fatalf("%s %s: %v", ref, op.Verb, err)
	}
	return e
}

// mustImportCSV reads a plan from CSV text and imports it.
func mustImportCSV(tb testing.TB, db *store.DB, csv string, opt planfile.Options) *actionbot.ImportResult {
	tb.Helper()
	as, err := planfile.Agencies()
	if err != nil {
		tb.Fatal(err)
	}
	res, err := planfile.Read(strings.NewReader(csv), actionbot.NewDirectory(as), opt)
	if err != nil {
		tb.Fatal(err)
	}
	res.Import.Agencies = append(res.Import.Agencies, as...)
	out, err := db.ImportPlan(ctx, res.Import)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func TestOpenCreatesOwnerOnlyFileAndRecordsMigrations(t *testing.T) {
	clock := storetest.NewClock(storetest.PlanStart)
	db := storetest.MustOpenEmpty(t, clock)
	if !storetest.OnPostgres() { // PostgreSQL keeps no file of ours
		st, err := os.Stat(db.Path)
		if err != nil {
			t.Fatal(err)
		}
		if perm := st.Mode().Perm(); perm != 0o600 {
			t.Fatalf("database file mode %o, want 600", perm)
		}
	}
	names, err := db.Migrations(ctx)
	if err != nil || len(names) == 0 || names[0] != "migrations/001_plan.sql" {
		t.Fatalf("migrations %v, %v", names, err)
	}
	// Opening again applies nothing twice.
	db2 := store.NewDB(db.Path)
	if err := db2.Open(); err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	again, err := db2.Migrations(ctx)
	if err != nil || len(again) != len(names) {
		t.Fatalf("after reopening: %v, %v", again, err)
	}
}

func TestOpenRefusesSharedMemory(t *testing.T) {
	for _, path := range []string{":memory:", "file::memory:?cache=shared", ""} {
		if err := store.NewDB(path).Open(); err == nil {
			t.Errorf("Open(%q) succeeded", path)
		}
	}
}

func TestPlanOrderAndFilters(t *testing.T) {
	clock := storetest.NewClock(storetest.PlanStart)
	db := storetest.MustOpenEmpty(t, clock)
	csv := "id,priority,priority_title,action,lead,partners,by_when,funding\n" +
		"1.10,1,T,Tenth,CSU,,March 2013,\n1.2,1,T,Second speedwatch,Police,CSU,June 2012,\n1.1,1,T,First,KCC,All Partners,On going,\n2.1,2,U,Other,CSU,,April 2012,\n"
	mustImportCSV(t, db, csv, planfile.Options{Name: "P"})
	p := mustPlan(t, db)
	refs, err := db.Refs(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(refs, " "); got != "1.1 1.2 1.10 2.1" {
		t.Fatalf("plan order %s", got)
	}
	tests := []struct {
		name string
		f    actionbot.ActionFilter
		want string
	}{
		{"all", actionbot.ActionFilter{}, "1.1 1.2 1.10 2.1"},
		{"priority", actionbot.ActionFilter{Priority: 2}, "2.1"},
		{"agency leads or partners", actionbot.ActionFilter{Agency: "CSU"}, "1.2 1.10 2.1"},
		{"led by", actionbot.ActionFilter{LedBy: []string{"POLICE", "KCC"}}, "1.1 1.2"},
		{"partnered by, incl. all partners, not led", actionbot.ActionFilter{PartneredBy: []string{"CSU"}}, "1.1 1.2"},
		{"due window", actionbot.ActionFilter{DueFrom: actionbot.D(2012, 4, 1), DueTo: actionbot.D(2012, 6, 30)}, "1.2 2.1"},
		{"ongoing", actionbot.ActionFilter{Ongoing: true}, "1.1"},
		{"words", actionbot.ActionFilter{Words: []string{"SPEEDWATCH", "sec"}}, "1.2"},
		{"like wildcards are literal", actionbot.ActionFilter{Words: []string{"%"}}, ""},
		{"refs", actionbot.ActionFilter{Refs: []string{"2.1", "1.10"}}, "1.10 2.1"},
		{"limit", actionbot.ActionFilter{Limit: 2}, "1.1 1.2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.f.PlanID = p.ID
			as, err := db.FindActions(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, a := range as {
				got = append(got, a.Ref)
			}
			if strings.Join(got, " ") != tc.want {
				t.Fatalf("got %v, want %s", got, tc.want)
			}
		})
	}
}

func TestUpdateActionWritesChangeAuditAndOutboxTogether(t *testing.T) {
	clock := storetest.NewClock(storetest.PlanStart)
	db := mustOpenWriting(t, clock)
	p := mustPlan(t, db)
	msg := &actionbot.Outgoing{Key: "announce:x", Kind: "announce", To: "C1", Message: actionbot.Simple("hello")}
	a, e, err := db.UpdateAction(ctx, p.ID, "5.2", func(a *actionbot.Action) (*actionbot.AuditEntry, error) {
		return a.Apply(actionbot.Op{Verb: actionbot.VerbProgress, Progress: 60, Note: "started"}, "U1", clock.Now())
	}, func(*actionbot.Action, *actionbot.AuditEntry) []*actionbot.Outgoing {
		return []*actionbot.Outgoing{msg}
	})
	if err != nil {
		t.Fatal(err)
	}
	if a.Progress != 60 || e.ID == 0 || a.LastUpdate != e {
		t.Fatalf("action %+v entry %+v", a, e)
	}
	got, err := db.FindAction(ctx, p.ID, "5.2")
	if err != nil {
		t.Fatal(err)
	}
	if got.Progress != 60 || got.LastUpdate == nil || got.LastUpdate.Note != "started" || got.LastUpdate.Actor != "U1" {
		t.Fatalf("stored %+v, latest %+v", got, got.LastUpdate)
	}
	if !got.LastActivity.Equal(clock.Now()) {
		t.Fatalf("last activity %v", got.LastActivity)
	}
	pending, err := db.OutboxHeads(ctx, store.SlackOwner, clock.Now(), 10)
	if err != nil || len(pending) != 1 || pending[0].Message.Text != "hello" {
		t.Fatalf("outbox %v, %v", pending, err)
	}

	// A change that fails writes nothing: no audit entry, no message.
	_, _, err = db.UpdateAction(ctx, p.ID, "5.2", func(a *actionbot.Action) (*actionbot.AuditEntry, error) {
		return a.Apply(actionbot.Op{Verb: actionbot.VerbProgress, Progress: 60}, "U1", clock.Now())
	}, func(*actionbot.Action, *actionbot.AuditEntry) []*actionbot.Outgoing {
		return []*actionbot.Outgoing{{Key: "announce:y", Kind: "announce", To: "C1", Message: actionbot.Simple("no")}}
	})
	if actionbot.ErrorCode(err) != actionbot.EUNCHANGED {
		t.Fatalf("repeat = %v, want EUNCHANGED", err)
	}
	if n, _ := db.AuditCount(ctx, p.ID, "5.2"); n != 1 {
		t.Fatalf("audit count %d, want 1", n)
	}
	if all, _ := db.Outgoing(ctx, "", 10); len(all) != 1 {
		t.Fatalf("outbox has %d messages, want 1", len(all))
	}
	if _, _, err := db.UpdateAction(ctx, p.ID, "4.4", nil, nil); actionbot.ErrorCode(err) != actionbot.ENOTFOUND {
		t.Fatalf("update of 4.4 = %v, want ENOTFOUND", err)
	}
}

func TestConcurrentUpdatesLoseNothing(t *testing.T) {
	clock := storetest.NewClock(storetest.PlanStart)
	db := mustOpenWriting(t, clock)
	p := mustPlan(t, db)
	const writers, each = 16, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				ref := "5.2"
				if i%2 == 1 {
					ref = "3.3"
				}
				_, _, err := db.UpdateAction(ctx, p.ID, ref, func(a *actionbot.Action) (*actionbot.AuditEntry, error) {
					return a.Apply(actionbot.Op{Verb: actionbot.VerbNote, Note: fmt.Sprintf("writer %d note %d", w, i)}, fmt.Sprintf("U%d", w), clock.Now())
				}, nil)
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	// Readers run beside the writers.
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if _, err := db.FindAction(ctx, p.ID, "5.2"); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent update: %v", err)
	}
	n52, _ := db.AuditCount(ctx, p.ID, "5.2")
	n33, _ := db.AuditCount(ctx, p.ID, "3.3")
	if n52 != writers*((each+1)/2) || n33 != writers*(each/2) {
		t.Fatalf("audit counts 5.2=%d 3.3=%d, want %d and %d", n52, n33, writers*((each+1)/2), writers*(each/2))
	}
}

func TestConcurrentProgressIsSerialised(t *testing.T) {
	// Many people set progress on one action at once: every accepted change
	// has its own audit entry, and each entry's "from" is the previous "to".
	clock := storetest.NewClock(storetest.PlanStart)
	db := mustOpenWriting(t, clock)
	p := mustPlan(t, db)
	var wg sync.WaitGroup
	for v := 1; v <= 40; v++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := db.UpdateAction(ctx, p.ID, "1.5", func(a *actionbot.Action) (*actionbot.AuditEntry, error) {
				return a.Apply(actionbot.Op{Verb: actionbot.VerbProgress, Progress: v}, "U1", clock.Now())
			}, nil)
			if err != nil {
				t.Errorf("progress %d: %v", v, err)
			}
		}()
	}
	wg.Wait()
	h, err := db.History(ctx, p.ID, "1.5", 0)
	if err != nil || len(h) != 40 {
		t.Fatalf("history %d entries, %v", len(h), err)
	}
	prev := "0"
	for i := len(h) - 1; i >= 0; i-- {
		c, _ := h[i].Changed("progress")
		if c.From != prev {
			t.Fatalf("entry %d goes from %s, but the previous entry ended at %s", h[i].ID, c.From, prev)
		}
		prev = c.To
	}
	a, _ := db.FindAction(ctx, p.ID, "1.5")
	if fmt.Sprint(a.Progress) != prev {
		t.Fatalf("progress %d, last audited %s", a.Progress, prev)
	}
}

func TestReimportIsIdempotentAndKeepsStatus(t *testing.T) {
	clock := storetest.NewClock(storetest.PlanStart)
	db := mustOpenWriting(t, clock)
	p := mustPlan(t, db)
	mustApply(t, db, clock, "5.2", actionbot.Op{Verb: actionbot.VerbDone, Note: "trained"}, "U1")
	june, _ := actionbot.ParseDeadline("June 2013")
	mustApply(t, db, clock, "3.3", actionbot.Op{Verb: actionbot.VerbDue, Deadline: june, Note: "new platform"}, "U1")

	imp, err := planfile.Sevenoaks()
	if err != nil {
		t.Fatal(err)
	}
	res, err := db.ImportPlan(ctx, imp)
	if err != nil {
		t.Fatal(err)
	}
	if res.Created || len(res.Added) != 0 || len(res.Updated) != 0 || res.Unchanged != 42 || len(res.Missing) != 0 {
		t.Fatalf("re-import of the same plan: %+v", res)
	}

	// Change texts and deadlines in the file; statuses and history stay.
	for _, a := range imp.Actions {
		switch a.Ref {
		case "5.2":
			a.Text += " and schools"
		case "3.3":
			a.Deadline, _ = actionbot.ParseDeadline("December 2012")
		case "1.5":
			a.Deadline, _ = actionbot.ParseDeadline("February 2013")
		}
	}
	imp.Actions = imp.Actions[:len(imp.Actions)-1] // 7.6 left out
	clock.Advance(time.Hour)
	res, err = db.ImportPlan(ctx, imp)
	if err != nil {
		t.Fatal(err)
	}
	var updated []string
	for _, d := range res.Updated {
		updated = append(updated, d.Ref)
	}
	if strings.Join(updated, " ") != "1.5 3.3 5.2" || strings.Join(res.Missing, " ") != "7.6" || res.Unchanged != 38 {
		t.Fatalf("updated %v missing %v unchanged %d", updated, res.Missing, res.Unchanged)
	}
	a52, _ := db.FindAction(ctx, p.ID, "5.2")
	if a52.Status != actionbot.StatusDone || !strings.HasSuffix(a52.Text, "and schools") {
		t.Fatalf("5.2 after re-import: %+v", a52)
	}
	if n, _ := db.AuditCount(ctx, p.ID, "5.2"); n != 2 {
		t.Fatalf("5.2 has %d audit entries, want its done and the import", n)
	}
	a33, _ := db.FindAction(ctx, p.ID, "3.3")
	if a33.Deadline.Written != "June 2013" || a33.Original.Written != "December 2012" {
		t.Fatalf("3.3: a moved deadline stays moved, the agreed one follows the file: %+v / %+v", a33.Deadline, a33.Original)
	}
	a15, _ := db.FindAction(ctx, p.ID, "1.5")
	if a15.Deadline.Written != "February 2013" || a15.Original.Written != "February 2013" {
		t.Fatalf("1.5: %+v / %+v", a15.Deadline, a15.Original)
	}
	if _, err := db.FindAction(ctx, p.ID, "7.6"); err != nil {
		t.Fatalf("7.6 is kept: %v", err)
	}
}

func TestImportingANewPlanArchivesTheOld(t *testing.T) {
	clock := storetest.NewClock(storetest.PlanStart)
	db := mustOpenWriting(t, clock)
	old := mustPlan(t, db)
	mustApply(t, db, clock, "5.2", actionbot.Op{Verb: actionbot.VerbNote, Note: "history"}, "U1")

	next := "id,priority,priority_title,action,lead,partners,by_when,funding\n1.1,1,ASB,Next year's action,CSU,,March 2014,\n"
	res := mustImportCSV(t, db, next, planfile.Options{Source: "next.csv"})
	if !res.Created || res.Archived == nil || res.Archived.ID != old.ID || res.Plan.Period.Label() != "2013-14" {
		t.Fatalf("import result %+v", res)
	}
	cur := mustPlan(t, db)
	if cur.ID == old.ID || cur.Name != "next" { // named from the file, next.csv
		t.Fatalf("current plan %+v", cur)
	}
	// The old plan keeps its history and is read-only.
	if h, err := db.History(ctx, old.ID, "5.2", 0); err != nil || len(h) != 1 {
		t.Fatalf("old history %v, %v", h, err)
	}
	_, _, err := db.UpdateAction(ctx, old.ID, "5.2", func(a *actionbot.Action) (*actionbot.AuditEntry, error) {
		return a.Apply(actionbot.Op{Verb: actionbot.VerbDone}, "U1", clock.Now())
	}, nil)
	if actionbot.ErrorCode(err) != actionbot.ECONFLICT {
		t.Fatalf("update of archived plan = %v, want ECONFLICT", err)
	}
	imp, _ := planfile.Sevenoaks()
	if _, err := db.ImportPlan(ctx, imp); actionbot.ErrorCode(err) != actionbot.ECONFLICT {
		t.Fatalf("re-import of archived plan = %v, want ECONFLICT", err)
	}
	ps, _ := db.Plans(ctx)
	if len(ps) != 2 || !ps[0].Current || ps[1].Current {
		t.Fatalf("plans %+v", ps)
	}
}

func TestImportIntoNewDatabaseHoldsOnlyThatPlan(t *testing.T) {
	clock := storetest.NewClock(storetest.PlanStart)
	db := storetest.MustOpenEmpty(t, clock)
	csv := "id,priority,priority_title,action,lead,partners,by_when,funding\n1.1,1,ASB,Only action,CSU,,March 2016,\n"
	res := mustImportCSV(t, db, csv, planfile.Options{})
	if !res.Created || res.Archived != nil {
		t.Fatalf("%+v", res)
	}
	ps, _ := db.Plans(ctx)
	if len(ps) != 1 {
		t.Fatalf("%d plans", len(ps))
	}
}

func TestMembersAndCoordinators(t *testing.T) {
	clock := storetest.NewClock(storetest.PlanStart)
	db := mustOpenWriting(t, clock)
	if err := db.AddMember(ctx, "U1", "CSU", "U0"); err != nil {
		t.Fatal(err)
	}
	if err := db.AddMember(ctx, "U1", "CSU", "U0"); actionbot.ErrorCode(err) != actionbot.EUNCHANGED {
		t.Fatalf("second add = %v", err)
	}
	if err := db.AddMember(ctx, "U1", "NOPE", "U0"); actionbot.ErrorCode(err) != actionbot.ENOTFOUND {
		t.Fatalf("unknown agency = %v", err)
	}
	if err := db.AddMember(ctx, "U1", "POLICE", "U0"); err != nil {
		t.Fatal(err)
	}
	ags, _ := db.MemberAgencies(ctx, "U1")
	if strings.Join(ags, ",") != "CSU,POLICE" {
		t.Fatalf("agencies %v", ags)
	}
	if err := db.RemoveMember(ctx, "U1", "CSU", "U0"); err != nil {
		t.Fatal(err)
	}
	if err := db.RemoveMember(ctx, "U1", "CSU", "U0"); actionbot.ErrorCode(err) != actionbot.EUNCHANGED {
		t.Fatalf("second remove = %v", err)
	}
	if err := db.AddCoordinator(ctx, "U9", "U0"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := db.IsCoordinator(ctx, "U9"); !ok {
		t.Fatal("U9 should be a coordinator")
	}
	log, _ := db.AdminLog(ctx)
	if len(log) != 4 {
		t.Fatalf("admin log %+v, want 4 entries (2 adds, 1 remove, 1 coordinator)", log)
	}
}

func TestOutboxLifecycle(t *testing.T) {
	clock := storetest.NewClock(storetest.PlanStart)
	db := mustOpenWriting(t, clock)
	m := func(key string) *actionbot.Outgoing {
		return &actionbot.Outgoing{Key: key, Kind: "reminder", To: "U1", Message: actionbot.Simple(key)}
	}
	n, err := db.Enqueue(ctx, m("a"), m("b"), m("a"))
	if err != nil || n != 2 {
		t.Fatalf("enqueue = %d, %v", n, err)
	}
	if _, err := db.Enqueue(ctx, &actionbot.Outgoing{Key: "", To: "U1"}); err == nil {
		t.Fatal("a message without a key must be refused")
	}
	// due is every pending message due now, whatever its recipient.
	due := func(context.Context, time.Time, int) ([]*actionbot.Outgoing, error) {
		all, err := db.Outgoing(ctx, actionbot.OutboxPending, 10)
		var out []*actionbot.Outgoing
		for _, o := range all {
			if !o.NextAttempt.After(clock.Now()) {
				out = append(out, o)
			}
		}
		return out, err
	}
	p, _ := due(ctx, clock.Now(), 10)
	if len(p) != 2 || p[0].Key != "a" || !p[0].IsDirect() {
		t.Fatalf("pending %+v", p)
	}
	if err := db.MarkRetry(ctx, p[0].ID, "timeout", clock.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkFailed(ctx, p[1].ID, "channel_not_found"); err != nil {
		t.Fatal(err)
	}
	if p, _ := due(ctx, clock.Now(), 10); len(p) != 0 {
		t.Fatalf("pending now %+v", p)
	}
	clock.Advance(time.Minute)
	p, _ = due(ctx, clock.Now(), 10)
	if len(p) != 1 || p[0].Attempts != 1 || p[0].LastError != "timeout" {
		t.Fatalf("pending after a minute %+v", p)
	}
	if err := db.MarkSent(ctx, p[0].ID, "", "1234.5678"); err != nil {
		t.Fatal(err)
	}
	failed, _ := db.Outgoing(ctx, actionbot.OutboxFailed, 10)
	if len(failed) != 1 || failed[0].LastError != "channel_not_found" {
		t.Fatalf("failed %+v", failed)
	}
	if err := db.Requeue(ctx, failed[0].ID); err != nil {
		t.Fatal(err)
	}
	if p, _ := due(ctx, clock.Now(), 10); len(p) != 1 || p[0].Key != "b" {
		t.Fatalf("requeued %+v", p)
	}
	// Only a failed message is retried: a delivered one would be posted
	// twice, a queued one is on its way.
	all, _ := db.Outgoing(ctx, "", 10)
	for _, o := range all {
		before := o.State
		err := db.Requeue(ctx, o.ID)
		if actionbot.ErrorCode(err) != actionbot.EUNCHANGED {
			t.Errorf("retry of a %s message = %v, want EUNCHANGED", o.State, err)
		}
		if after, _ := db.Outgoing(ctx, before, 10); !slices.ContainsFunc(after, func(x *actionbot.Outgoing) bool { return x.ID == o.ID }) {
			t.Errorf("retry moved a %s message", before)
		}
	}
	if err := db.Requeue(ctx, 999); actionbot.ErrorCode(err) != actionbot.ENOTFOUND {
		t.Fatalf("retry unknown = %v", err)
	}
	if err := db.MarkSent(ctx, 999, "", ""); actionbot.ErrorCode(err) != actionbot.ENOTFOUND {
		t.Fatalf("mark unknown = %v", err)
	}
}

func TestTwoProcessesShareTheFile(t *testing.T) {
	// The CLI opens the database while the bot has it open.
	clock := storetest.NewClock(storetest.PlanStart)
	a := mustOpenWriting(t, clock)
	b := store.NewDB(a.Path)
	b.Now = clock.Now
	b.ConfiguredCoordinators = testWriters
	if err := b.Open(); err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.AddMember(ctx, "U1", "CSU", "U0"); err != nil {
		t.Fatal(err)
	}
	if ags, _ := a.MemberAgencies(ctx, "U1"); len(ags) != 1 {
		t.Fatalf("member added through the second handle is not seen by the first: %v", ags)
	}
	if !storetest.OnPostgres() && filepath.Base(a.Path) != "actionbot.db" {
		t.Fatal(a.Path)
	}
}

func TestTheStoreRefusesAMemberOfAllPartners(t *testing.T) {
	db := mustOpenWriting(t, storetest.NewClock(storetest.PlanStart))
	ctx := context.Background()
	if err := db.AddMember(ctx, "U1", actionbot.AllPartners, "U0"); actionbot.ErrorCode(err) != actionbot.EINVALID {
		t.Fatalf("AddMember(ALL) = %v, want EINVALID", err)
	}
	if ms, err := db.Members(ctx, actionbot.AllPartners); err != nil || len(ms) != 0 {
		t.Fatalf("members of ALL after the refusal: %v, %v", ms, err)
	}
}

// testWriters are the people most tests change actions as. They write
// through the store as the handler does after its own checks, so they are
// given the coordinator's right to make any change; the tests of who may
// change what (authz_test.go) open the database without them.
var testWriters = func() []string {
	ids := []string{"ULEAD"}
	for i := range 20 {
		ids = append(ids, fmt.Sprintf("U%d", i))
	}
	return ids
}()

// mustOpenWriting opens a database holding the shipped plan in which the
// testWriters may make any change.
func mustOpenWriting(tb testing.TB, clock *storetest.Clock) *store.DB {
	tb.Helper()
	db := storetest.MustOpen(tb, clock)
	db.ConfiguredCoordinators = testWriters
	return db
}
