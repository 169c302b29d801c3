package store_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/planfile"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// People in the tests of who may change what (IDs, never names).
const (
	uLead       = "U0LEAD"   // a member of the action's lead agency
	uPartner    = "U0PART"   // a member of one of its partner agencies
	uOutsider   = "U0OUT"    // a member of an agency it does not name
	uCoordDB    = "U0COORD"  // a coordinator recorded in the database
	uCoordWired = "U0CONFIG" // a coordinator by configuration (ConfiguredCoordinators)
)

// authzRef is the action the tests change: it has a due date, a lead agency
// and a partner agency of its own (not only "All Partners").
const authzRef = "5.2"

// authzFixture is a plan with one person in each relation to the action
// ref of the current plan, which every write changes.
type authzFixture struct {
	db    *store.DB
	clock *storetest.Clock
	plan  *actionbot.Plan // the current plan
	ref   string
	lead  string // ref's lead agency, of which uLead is a member
}

// mustAuthzFixture is the shipped plan with authzRef to change; with carry,
// the shipped plan archived under a next plan whose 1.1, to change, has
// the same lead and partner agencies as authzRef and can carry it on.
func mustAuthzFixture(tb testing.TB, carry bool) *authzFixture {
	tb.Helper()
	clock := storetest.NewClock(storetest.PlanStart)
	db := storetest.MustOpen(tb, clock)
	db.ConfiguredCoordinators = []string{uCoordWired}
	shipped := mustPlan(tb, db)
	a, err := db.FindAction(ctx, shipped.ID, authzRef)
	if err != nil {
		tb.Fatal(err)
	}
	named := map[string]bool{actionbot.AllPartners: true}
	var lead, partner string
	for _, p := range a.Lead {
		named[p.Agency], lead = true, p.Agency
	}
	for _, p := range a.Partners {
		named[p.Agency] = true
		if p.Agency != actionbot.AllPartners {
			partner = p.Agency
		}
	}
	ags, err := db.Agencies(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	outsider := ""
	for _, ag := range ags {
		if !named[ag.Code] && ag.Code != actionbot.AllPartners {
			outsider = ag.Code
		}
	}
	if lead == "" || partner == "" || outsider == "" {
		tb.Fatalf("%s: lead %q, partner %q, another agency %q: the test needs all three", authzRef, lead, partner, outsider)
	}
	for _, m := range []struct{ user, agency string }{{uLead, lead}, {uPartner, partner}, {uOutsider, outsider}} {
		if err := db.AddMember(ctx, m.user, m.agency, uCoordWired); err != nil {
			tb.Fatal(err)
		}
	}
	if err := db.AddCoordinator(ctx, uCoordDB, uCoordWired); err != nil {
		tb.Fatal(err)
	}
	f := &authzFixture{db: db, clock: clock, plan: shipped, ref: authzRef, lead: lead}
	if carry {
		csv := "id,priority,priority_title,action,lead,partners,by_when,funding\n1.1,1,ASB,Next year's action," +
			partiesCSV(a.Lead) + "," + partiesCSV(a.Partners) + ",March 2014,\n"
		mustImportCSV(tb, db, csv, planfile.Options{Source: "next.csv"})
		f.plan, f.ref = mustPlan(tb, db), "1.1"
	}
	return f
}

// written is what a write could leave behind: the action's audit entries,
// the admin log, the measures' figures, the outbox, and the action itself.
type written struct {
	audit, admin, figures, outbox int
	action                        actionbot.Action
	who                           string // members, coordinators and channels
}

func (f *authzFixture) mustWritten(tb testing.TB) written {
	tb.Helper()
	var w written
	var err error
	if w.audit, err = f.db.AuditCount(ctx, f.plan.ID, f.ref); err != nil {
		tb.Fatal(err)
	}
	log, err := f.db.AdminLog(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	w.admin = len(log)
	figures, err := f.db.MeasureValues(ctx, f.plan.ID)
	if err != nil {
		tb.Fatal(err)
	}
	w.figures = len(figures)
	queued, err := f.db.Outgoing(ctx, "", 1000)
	if err != nil {
		tb.Fatal(err)
	}
	w.outbox = len(queued)
	a, err := f.db.FindAction(ctx, f.plan.ID, f.ref)
	if err != nil {
		tb.Fatal(err)
	}
	a.LastUpdate = nil
	w.action = *a
	members, err := f.db.Members(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	coords, err := f.db.Coordinators(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	prs, err := f.db.Priorities(ctx, f.plan.ID)
	if err != nil {
		tb.Fatal(err)
	}
	var channels []string
	for _, p := range prs {
		channels = append(channels, p.Channel)
	}
	w.who = fmt.Sprint(len(members), coords, channels)
	return w
}

// TestStoreWritesEnforceWhoMayChangeWhat runs every store write that
// changes an action as each kind of person: the store itself refuses
// those the domain's rules (actionbot.CanChange, CanCoordinate) do not
// allow, whoever calls it, and then writes nothing at all.
func TestStoreWritesEnforceWhoMayChangeWhat(t *testing.T) {
	// change applies one op to authzRef of the current plan as actor.
	change := func(op actionbot.Op) func(*authzFixture, string) error {
		return func(f *authzFixture, actor string) error {
			_, _, err := f.db.UpdateAction(ctx, f.plan.ID, f.ref, func(a *actionbot.Action) (*actionbot.AuditEntry, error) {
				return a.Apply(op, actor, f.clock.Now())
			}, func(a *actionbot.Action, e *actionbot.AuditEntry) []*actionbot.Outgoing {
				return []*actionbot.Outgoing{{Key: "announce:" + actor, Kind: "announce", To: "C1", Message: actionbot.Simple("changed")}}
			})
			return err
		}
	}
	due, err := actionbot.ParseDeadline("June 2013")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name       string
		write      func(f *authzFixture, actor string) error
		carry      bool // on the carry fixture
		leadMay    bool // a member of the lead agency may
		partnerMay bool // a member of a partner agency may
	}{
		{"done", change(actionbot.Op{Verb: actionbot.VerbDone, Note: "delivered"}), false, true, false},
		{"progress", change(actionbot.Op{Verb: actionbot.VerbProgress, Progress: 40}), false, true, false},
		{"blocked", change(actionbot.Op{Verb: actionbot.VerbBlocked, Note: "awaiting funding"}), false, true, false},
		{"at risk", change(actionbot.Op{Verb: actionbot.VerbAtRisk, Note: "short of staff"}), false, true, false},
		{"due", change(actionbot.Op{Verb: actionbot.VerbDue, Deadline: due, Note: "moved by the board"}), false, true, false},
		{"snooze", change(actionbot.Op{Verb: actionbot.VerbSnooze, Until: storetest.PlanStart.AddDate(0, 0, 14)}), false, true, false},
		{"note", change(actionbot.Op{Verb: actionbot.VerbNote, Note: "met the schools"}), false, true, true},
		{"a form's steps", func(f *authzFixture, actor string) error {
			_, _, err := f.db.UpdateActionSteps(ctx, f.plan.ID, f.ref, 0, func(a *actionbot.Action) ([]*actionbot.AuditEntry, error) {
				// A note a partner may add, then a progress it may not:
				// the whole form is refused.
				n, err := a.Apply(actionbot.Op{Verb: actionbot.VerbNote, Note: "met the schools"}, actor, f.clock.Now())
				if err != nil {
					return nil, err
				}
				p, err := a.Apply(actionbot.Op{Verb: actionbot.VerbProgress, Progress: 60}, actor, f.clock.Now())
				if err != nil {
					return nil, err
				}
				return []*actionbot.AuditEntry{n, p}, nil
			}, nil)
			return err
		}, false, true, false},
		{"confirm a deadline", func(f *authzFixture, actor string) error {
			_, err := f.db.ConfirmDeadline(ctx, f.plan.ID, f.ref, actor)
			return err
		}, false, false, false},
		{"record a measure", func(f *authzFixture, actor string) error {
			return f.db.RecordMeasure(ctx, &actionbot.MeasureValue{Priority: 3, N: 1, Value: -2.5, AsOf: actionbot.D(2012, time.September, 30), Source: "police figures", Actor: actor, At: f.clock.Now()})
		}, false, false, false},
		{"add a member", func(f *authzFixture, actor string) error {
			return f.db.AddMember(ctx, "U0NEW", f.lead, actor)
		}, false, false, false},
		{"remove a member", func(f *authzFixture, actor string) error {
			return f.db.RemoveMember(ctx, uLead, f.lead, actor)
		}, false, false, false},
		{"give the coordinator role", func(f *authzFixture, actor string) error {
			return f.db.AddCoordinator(ctx, "U0NEW", actor)
		}, false, false, false},
		{"take the coordinator role away", func(f *authzFixture, actor string) error {
			return f.db.RemoveCoordinator(ctx, uCoordDB, actor)
		}, false, false, false},
		{"set a priority's channel", func(f *authzFixture, actor string) error {
			return f.db.SetPriorityChannel(ctx, 5, "C0SPEED", actor)
		}, false, false, false},
		{"carry", func(f *authzFixture, actor string) error {
			_, _, err := f.db.CarryAction(ctx, f.plan.ID, f.ref, "2012-13", authzRef, actor)
			return err
		}, true, false, false},
	}
	people := []struct {
		name    string
		actor   string
		allowed func(leadMay, partnerMay bool) bool
	}{
		{"a member of another agency", uOutsider, func(bool, bool) bool { return false }},
		{"nobody named", "", func(bool, bool) bool { return false }},
		{"someone registered with no agency", "U0STRANGER", func(bool, bool) bool { return false }},
		{"a member of a partner agency", uPartner, func(_, p bool) bool { return p }},
		{"a member of the lead agency", uLead, func(l, _ bool) bool { return l }},
		{"a coordinator", uCoordDB, func(bool, bool) bool { return true }},
		{"a coordinator by configuration", uCoordWired, func(bool, bool) bool { return true }},
	}
	for _, c := range cases {
		for _, p := range people {
			allowed := p.allowed(c.leadMay, c.partnerMay)
			verdict := "is refused and nothing is written"
			if allowed {
				verdict = "is made"
			}
			t.Run(c.name+" by "+p.name+" "+verdict, func(t *testing.T) {
				f := mustAuthzFixture(t, c.carry)
				before := f.mustWritten(t)
				err := c.write(f, p.actor)
				after := f.mustWritten(t)
				if !allowed {
					if actionbot.ErrorCode(err) != actionbot.EUNAUTHORIZED {
						t.Fatalf("error %v, want EUNAUTHORIZED", err)
					}
					if before.audit != after.audit || before.admin != after.admin ||
						before.figures != after.figures || before.outbox != after.outbox || before.who != after.who {
						t.Errorf("written although refused: before %+v, after %+v", before, after)
					}
					if !equalActions(before.action, after.action) {
						t.Errorf("action changed although refused:\nbefore %+v\nafter  %+v", before.action, after.action)
					}
					return
				}
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if after.audit+after.admin == before.audit+before.admin {
					t.Errorf("allowed, but nothing was recorded: before %+v, after %+v", before, after)
				}
			})
		}
	}
}

func partiesCSV(ps []actionbot.Party) string {
	var codes []string
	for _, p := range ps {
		codes = append(codes, p.Agency)
	}
	return `"` + joinSemi(codes) + `"`
}

func joinSemi(ss []string) string {
	out := ""
	for i, s := range ss {
		if i > 0 {
			out += "; "
		}
		out += s
	}
	return out
}

func equalActions(a, b actionbot.Action) bool {
	return a.Status == b.Status && a.Reason == b.Reason && a.Progress == b.Progress &&
		a.Deadline.Written == b.Deadline.Written && a.SnoozedUntil.Equal(b.SnoozedUntil) &&
		a.CarriedFrom == b.CarriedFrom && slices.Equal(a.Lead, b.Lead) && slices.Equal(a.Partners, b.Partners)
}

// A change refused inside its transaction says who the actor is as the
// store read them there: their agencies in order of code, whatever order
// they joined in (the write state reads them in one statement).
func TestRefusalNamesTheActorsAgenciesInOrder(t *testing.T) {
	f := mustAuthzFixture(t, false)
	ags, err := f.db.Agencies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// uOutsider joined one agency; a second, before it in order of code
	// and not the action's lead, joins after.
	var first, earlier string
	if ms, err := f.db.Members(ctx); err != nil {
		t.Fatal(err)
	} else {
		for _, m := range ms {
			if m.UserID == uOutsider {
				first = m.Agency
			}
		}
	}
	for _, ag := range ags {
		if ag.Code < first && ag.Code != f.lead && ag.Code != actionbot.AllPartners {
			earlier = ag.Code
			break
		}
	}
	if first == "" || earlier == "" {
		t.Fatalf("the outsider's agency %q, and one before it %q: the test needs both", first, earlier)
	}
	if err := f.db.AddMember(ctx, uOutsider, earlier, uCoordWired); err != nil {
		t.Fatal(err)
	}
	_, _, _, err = f.db.UpdateActionChecked(ctx, f.plan.ID, f.ref, uOutsider, []actionbot.Verb{actionbot.VerbProgress}, 0, nil,
		func(a *actionbot.Action) ([]*actionbot.AuditEntry, error) {
			t.Error("the change ran for an actor who may not make it")
			return nil, errors.New("not allowed")
		}, nil, nil)
	var re *store.RefusedError
	if !errors.As(err, &re) {
		t.Fatalf("change by %s: %v, want a RefusedError", uOutsider, err)
	}
	if want := []string{earlier, first}; !slices.Equal(re.Who.Agencies, want) {
		t.Errorf("refused %s as a member of %q, want %q", uOutsider, re.Who.Agencies, want)
	}
}
