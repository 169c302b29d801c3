package commands_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/planfile"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// unledPlan is another partnership's plan with no lead column: 1a and 1b
// import flagged "No lead".
const unledPlan = "Ref,Action,Timescale\n1a,Run a knife crime awareness week in secondary schools,March 2020\n1b,Map repeat victims of anti-social behaviour,December 2019\n"

// mustUnledPlan opens a database holding only unledPlan, read with
// planfile.Read, whose partnership has South Yorkshire Police (SYP, also
// "Police"), its Community Safety Unit (CSU) and Doncaster's community
// safety team (DCST), and All Partners; UCOORD1 coordinates and USYP is registered with SYP.
func mustUnledPlan(t *testing.T) (*store.DB, *commands.Handler, *actionbot.Plan) {
	t.Helper()
	clock := storetest.NewClock(time.Date(2019, time.June, 3, 10, 0, 0, 0, storetest.London))
	db := storetest.MustOpenEmpty(t, clock)
	agencies := []*actionbot.Agency{{Code: "SYP", Name: "South Yorkshire Police", Aliases: []string{"Police"}},
		{Code: "CSU", Name: "Community Safety Unit"}, {Code: "DCST", Name: "Doncaster Community Safety Team"},
		{Code: actionbot.AllPartners, Name: "All Partners"}}
	res, err := planfile.Read(strings.NewReader(unledPlan), actionbot.NewDirectory(agencies),
		planfile.Options{Name: "Doncaster CSP Plan 2019-20", Source: "doncaster.csv", Actor: "UCOORD1"})
	if err != nil {
		t.Fatal(err)
	}
	res.Import.Agencies = append(res.Import.Agencies, agencies...)
	if _, err := db.ImportPlan(ctx, res.Import); err != nil {
		t.Fatal(err)
	}
	db.ConfiguredCoordinators = []string{"UCOORD1"}
	if err := db.AddMember(ctx, "USYP", "SYP", "UCOORD1"); err != nil {
		t.Fatal(err)
	}
	plan, err := db.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return db, &commands.Handler{Store: db, Now: clock.Now, Location: storetest.London}, plan
}

func TestACoordinatorSetsTheLeadAndPartnersOfAnAction(t *testing.T) {
	tests := []struct {
		name   string
		before []string // run by the coordinator first
		user   string
		text   string
		want   []string // in the reply
		card   []string // in 1a's card afterwards
		noCard []string // not in it
		hist   []string // in 1a's history afterwards
	}{
		{name: "the plan names no lead: the card says so", user: "UOUT", text: "1a",
			want: []string{"Lead: —", "Needs review: No lead"}},
		{name: "a coordinator sets the lead by name: the card shows it, the no-lead flag goes, the history records it",
			user: "UCOORD1", text: "1a lead South Yorkshire Police",
			want:   []string{"1a is now led by South Yorkshire Police (SYP).", "Its reminders go to the person registered with SYP.", "/action 1a history"},
			card:   []string{"Lead: South Yorkshire Police (SYP)"},
			noCard: []string{"Needs review"},
			hist:   []string{"lead — → SYP", "UCOORD1"}},
		{name: "several agencies separated by ;, by code and by alias, with a role",
			user: "UCOORD1", text: "1a lead CSU (schools); Police",
			want: []string{"1a is now led by Community Safety Unit (CSU) – schools, South Yorkshire Police (SYP)."},
			card: []string{"Lead: Community Safety Unit (CSU) – schools, South Yorkshire Police (SYP)"},
			hist: []string{"lead — → CSU (schools); SYP"}},
		{name: "codes may simply follow each other, verb first too",
			user: "UCOORD1", text: "lead 1a DCST and SYP",
			card: []string{"Lead: Doncaster Community Safety Team (DCST), South Yorkshire Police (SYP)"},
			hist: []string{"lead — → DCST; SYP"}},
		{name: "a lead nobody is registered with is said, with how to register someone",
			user: "UCOORD1", text: "1a lead DCST",
			want: []string{"Nobody is registered with it yet, so its reminders reach nobody: /action admin member add @person DCST."},
			hist: []string{"lead — → DCST, review No lead → —"}},
		{name: "setting the lead it has changes nothing",
			before: []string{"1a lead SYP"}, user: "UCOORD1", text: "1a lead South Yorkshire Police",
			want: []string{"1a is led by SYP already. Nothing was changed."}},
		{name: "a member of an agency who does not coordinate is refused and nothing changes",
			user: "USYP", text: "1a lead SYP",
			want:   []string{"Only a coordinator can set who leads an action; nothing was changed."},
			card:   []string{"Lead: —", "Needs review: No lead"},
			noCard: []string{"SYP"}},
		{name: "an unknown agency is refused naming the nearest, and how a new agency is added",
			user: "UCOORD1", text: "1a lead South Yorkshre Police",
			want: []string{`I don't know the agency "South Yorkshre Police" — did you mean South Yorkshire Police (SYP)?`, `/action admin agency add "South Yorkshre Police" as CODE`, `actionbot agency add "South Yorkshre Police" --code CODE`},
			card: []string{"Lead: —", "Needs review: No lead"}},
		{name: "an unknown agency after a known one is refused whole",
			user: "UCOORD1", text: "1a lead SYP; Probation",
			want: []string{`I don't know the agency "Probation"`},
			card: []string{"Lead: —"}},
		{name: "All Partners cannot lead", user: "UCOORD1", text: "1a lead All Partners",
			want: []string{"“All Partners” cannot lead an action"},
			card: []string{"Lead: —"}},
		{name: "All Partners can partner", user: "UCOORD1", text: "1a partners add All Partners",
			card: []string{"Partners: All Partners"},
			hist: []string{"partners — → ALL"}},
		{name: "adding a partner it has changes nothing",
			before: []string{"1a partners add CSU"}, user: "UCOORD1", text: "1a partners add csu",
			want: []string{"Already partners on 1a: CSU. Nothing was changed."}},
		{name: "a partner is added, with the lead flag left as it was",
			user: "UCOORD1", text: "1a partners add DCST",
			want: []string{"1a's partners are now Doncaster Community Safety Team (DCST)."},
			card: []string{"Partners: Doncaster Community Safety Team (DCST)", "Needs review: No lead"},
			hist: []string{"partners — → DCST"}},
		{name: "a partner is removed",
			before: []string{"1a partners add DCST; CSU"}, user: "UCOORD1", text: "1a partner remove dcst",
			want: []string{"1a's partners are now Community Safety Unit (CSU)."},
			card: []string{"Partners: Community Safety Unit (CSU)"},
			hist: []string{"partners DCST; CSU → CSU"}},
		{name: "removing an agency that is no partner changes nothing",
			user: "UCOORD1", text: "1a partners remove DCST",
			want: []string{"DCST is not a partner on 1a (its partners: none). Nothing was changed."}},
		{name: "the lead is not also a partner",
			before: []string{"1a lead SYP"}, user: "UCOORD1", text: "1a partners add Police",
			want: []string{"SYP leads 1a: a lead is not also a partner."}},
		{name: "a non-coordinator cannot change partners either",
			user: "USYP", text: "1a partners add DCST",
			want:   []string{"Only a coordinator can change an action's partners"},
			noCard: []string{"DCST"}},
		{name: "partners needs add or remove", user: "UCOORD1", text: "1a partners DCST",
			want: []string{"Add or remove? /action 1a partners add AGENCY or /action 1a partners remove AGENCY."}},
		{name: "lead needs an agency", user: "UCOORD1", text: "1a lead",
			want: []string{"Which agency leads it? /action 1a lead AGENCY (a code or a name; several separated by ;)."}},
		{name: "help explains lead with the plan's id", user: "UOUT", text: "help lead",
			want: []string{"/action 1a lead AGENCY [; AGENCY…]", "several separated by ;"}},
		{name: "the help card lists lead and partners for coordinators", user: "UOUT", text: "help",
			want: []string{"/action 1a lead AGENCY [; AGENCY…]", "/action 1a partners add|remove AGENCY [; AGENCY…]"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db, h, plan := mustUnledPlan(t)
			run := func(user, text string) actionbot.Message {
				return h.Handle(ctx, commands.Request{UserID: user, ChannelID: "C1", Text: text})
			}
			for _, b := range tc.before {
				if _, err := h.Do(ctx, commands.Request{UserID: "UCOORD1", ChannelID: "C1", Text: b}, mustParse(t, h, b)); err != nil {
					t.Fatalf("%s: %v", b, err)
				}
			}
			audits, err := db.AuditCount(ctx, plan.ID, "1a")
			if err != nil {
				t.Fatal(err)
			}
			got := plain(run(tc.user, tc.text))
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("/action %s as %s: the reply lacks %q:\n%s", tc.text, tc.user, w, got)
				}
			}
			card := plain(run("UOUT", "1a"))
			for _, w := range tc.card {
				if !strings.Contains(card, w) {
					t.Errorf("the card lacks %q:\n%s", w, card)
				}
			}
			for _, w := range tc.noCard {
				if strings.Contains(card, w) {
					t.Errorf("the card still says %q:\n%s", w, card)
				}
			}
			after, err := db.AuditCount(ctx, plan.ID, "1a")
			if err != nil {
				t.Fatal(err)
			}
			if want := min(len(tc.hist), 1); after-audits != want {
				t.Errorf("/action %s wrote %d audit entries, want %d", tc.text, after-audits, want)
			}
			hist := plain(run("UOUT", "1a history"))
			for _, w := range tc.hist {
				if !strings.Contains(hist, w) {
					t.Errorf("the history lacks %q:\n%s", w, hist)
				}
			}
		})
	}
}

func mustParse(t *testing.T, h *commands.Handler, text string) *commands.Command {
	t.Helper()
	c, err := h.Parse(ctx, text)
	if err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	return c
}

// Once a lead is set, "mine" of its members lists the action: the plan's
// parties as the lists read them follow the change.
func TestTheLeadSetIsTheLeadOfMine(t *testing.T) {
	_, h, _ := mustUnledPlan(t)
	run := func(user, text string) string {
		return plain(h.Handle(ctx, commands.Request{UserID: user, ChannelID: "C1", Text: text}))
	}
	if got := run("USYP", "mine"); strings.Contains(got, "1a") {
		t.Fatalf("before any lead is set, SYP's mine lists 1a:\n%s", got)
	}
	run("UCOORD1", "1a lead SYP")
	if got := run("USYP", "mine"); !strings.Contains(got, "1a") {
		t.Errorf("SYP's mine does not list 1a, which it now leads:\n%s", got)
	}
	if got := run("USYP", "1a progress 20 assemblies booked"); !strings.Contains(got, "1a is now at 20%") {
		t.Errorf("a member of the new lead agency cannot update 1a:\n%s", got)
	}
}
