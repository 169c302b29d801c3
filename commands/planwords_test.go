package commands_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// sevenoaksWords are the shipped plan's examples: another partnership's
// help, hints and home never show them. (The carry example, "admin carry
// 2012-13/1.3", names an earlier plan, not this one, and stays as README
// shows it.)
var sevenoaksWords = []string{"5.2", "March 2013", "Kent Police", "June 2013", "2013-06-30", "30/06/2013", "2012-12-31", "2012-Q3", "2013-03-31", "CSU"}

// otherPlan is a South Yorkshire plan for 2019-20 whose ids are the plan's
// own ("1a", "DAB 1"), led by South Yorkshire Police and Doncaster's
// community safety team; first is its first action. 2a is due before the
// plan year.
func otherPlan(first string) *actionbot.PlanImport {
	due := func(s string) actionbot.Deadline {
		d, err := actionbot.ParseDeadline(s)
		if err != nil {
			panic(err)
		}
		return d
	}
	refs := []string{"1a", "1b", "DAB 1"}
	if first == "DAB 1" {
		refs = []string{"DAB 1", "1a", "1b"}
	}
	text := map[string]string{"1a": "Run a knife crime awareness week in secondary schools", "1b": "Map repeat victims of anti-social behaviour",
		"DAB 1": "Refer every high-risk domestic abuse case to MARAC within a day"}
	lead := map[string]string{"1a": "SYP", "1b": "DCST", "DAB 1": "SYP"}
	deadline := map[string]string{"1a": "March 2020", "1b": "December 2019", "DAB 1": "March 2020"}
	var actions []*actionbot.Action
	for _, r := range refs {
		actions = append(actions, &actionbot.Action{Ref: r, Priority: 1, Text: text[r], Lead: []actionbot.Party{{Agency: lead[r]}},
			Deadline: due(deadline[r]), Original: due(deadline[r])})
	}
	actions = append(actions, &actionbot.Action{Ref: "2a", Priority: 2, Text: "Refresh the partnership's information-sharing agreement",
		Lead: []actionbot.Party{{Agency: "DCST"}}, Deadline: due("January 2019"), Original: due("January 2019")})
	return &actionbot.PlanImport{
		Name:       "Doncaster CSP Plan 2019-20",
		Period:     actionbot.Period{Start: actionbot.D(2019, time.April, 1), End: actionbot.D(2020, time.March, 31)},
		Priorities: []actionbot.Priority{{Number: 1, Title: "Violence and exploitation"}, {Number: 2, Title: "Partnership working"}},
		Actions:    actions,
		Agencies: []*actionbot.Agency{{Code: "SYP", Name: "South Yorkshire Police"},
			{Code: "DCST", Name: "Doncaster Community Safety Team"}},
		Source: "doncaster-2019-20.csv", Actor: "UCOORD1",
	}
}

// mustOtherPlan opens a database holding only otherPlan(first), with any
// extra actions after its own, on a Monday morning in its year, with a
// coordinator and nobody registered.
func mustOtherPlan(t *testing.T, first string, extra ...*actionbot.Action) (*store.DB, *commands.Handler) {
	t.Helper()
	return mustPlan(t, withActions(otherPlan(first), extra...))
}

// withActions adds actions to a plan's, after its own.
func withActions(p *actionbot.PlanImport, extra ...*actionbot.Action) *actionbot.PlanImport {
	p.Actions = append(p.Actions, extra...)
	return p
}

// mustPlan opens a database holding only p, as mustOtherPlan does.
func mustPlan(t *testing.T, p *actionbot.PlanImport) (*store.DB, *commands.Handler) {
	t.Helper()
	clock := storetest.NewClock(time.Date(2019, time.June, 3, 10, 0, 0, 0, storetest.London))
	db := storetest.MustOpenEmpty(t, clock)
	if _, err := db.ImportPlan(ctx, p); err != nil {
		t.Fatal(err)
	}
	db.ConfiguredCoordinators = []string{"UCOORD1"}
	return db, &commands.Handler{Store: db, Now: clock.Now, Location: storetest.London}
}

func TestHelpHintsAndHomeSpeakTheLoadedPlansWords(t *testing.T) {
	tests := []struct {
		name  string
		first string // the plan's first action
		user  string
		text  string // "" is the App Home
		want  []string
	}{
		{name: "help shows the plan's first id and a deadline of its year", first: "1a", user: "UOUT", text: "help",
			want: []string{"/action 1a\n", "/action 1a done [evidence]", "/action 1a due <March 2020 | 2020-03-31 | 31/03/2020 | ongoing> <reason> (or: 1a due confirm)",
				"/action 1a history [as of 2019-12-31]", "report [priority N | quarter [2019-Q3]]", "Ids can be written 1a, #1a or 1A."}},
		{name: "help keeps a multi-word id readable", first: "DAB 1", user: "UOUT", text: "help",
			want: []string{"/action DAB 1 done [evidence]", "/action DAB 1 progress 60 [note]", "(or: DAB 1 due confirm)"}},
		{name: "help for one verb uses the plan's id and dates", first: "1a", user: "UOUT", text: "help due",
			want: []string{"Example: /action 1a due March 2020 volunteers recruited late", "with /action 1a due confirm"}},
		{name: "help history takes a day of the plan's year", first: "1a", user: "UOUT", text: "help history",
			want: []string{"Example: /action 1a history as of 2019-12-31"}},
		{name: "help list names the plan's own agency", first: "1a", user: "UOUT", text: "help list",
			want: []string{"agency SYP (what SYP and any departments of it lead"}},
		{name: "the refusal to someone with no agency names one of the plan's", first: "1a", user: "UOUT", text: "mine",
			want: []string{"Meanwhile /action list agency SYP lists any agency's actions."}},
		{name: "the App Home points at the plan's agency", first: "1a", user: "UOUT",
			want: []string{"Meanwhile /action list agency SYP lists any agency's actions."}},
		{name: "a coordinator's App Home moves a pre-plan deadline to one the plan writes", first: "1a", user: "UCOORD1",
			want: []string{"/action 2a due March 2020 <reason> or /action 2a due confirm"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, h := mustOtherPlan(t, tc.first)
			var msg actionbot.Message
			if tc.text == "" {
				var err error
				if msg, err = h.Home(ctx, tc.user); err != nil {
					t.Fatal(err)
				}
			} else {
				msg = h.Handle(ctx, commands.Request{UserID: tc.user, ChannelID: "C1", Text: tc.text})
			}
			got := homePlain(msg)
			if tc.text != "" {
				got = plain(msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("lacks %q:\n%s", w, got)
				}
			}
			for _, w := range sevenoaksWords {
				if strings.Contains(got, w) {
					t.Errorf("says %q, which is the Sevenoaks plan's, not this one's:\n%s", w, got)
				}
			}
		})
	}
}

// On the shipped plan the help reads as it always has: its examples are
// its own.
func TestHelpOnTheShippedPlanUsesItsOwnExamples(t *testing.T) {
	f := mustFixture(t)
	for _, tc := range []struct{ text, want string }{
		{"help", "/action 5.2 due <June 2013 | 2013-06-30 | 30/06/2013 | ongoing> <reason> (or: 5.2 due confirm)"},
		{"help", "/action 5.2 history [as of 2012-12-31]"},
		{"help history", "Example: /action 5.2 history as of 2012-12-31"},
		{"help done", "Example: /action 5.2 done evidence: report to the board"},
		{"help find", "Example: /action find speedwatch"},
		{"help", "Ids can be written 5.2, #5.2 or 5.2."},
		{"agencies", "`/action list agency CSU`"},
		{"report quarter summer", "for example 2012-Q3 (October to December 2012; Q1 is April to June), or 2012-13 Q3."},
		{"mine", "Meanwhile /action list agency CSU lists"},
	} {
		mustContain(t, f.run(outsider, tc.text), tc.want)
	}
}

// Another plan's help examples, footers and refusals use its own words:
// its agency, a word of its text, a priority it has, a quarter of its year,
// and every way of writing its id that the footer shows reaches the action.
func TestRepliesGiveExamplesOfTheLoadedPlan(t *testing.T) {
	tests := []struct {
		name, first, user, text string
		want                    []string
	}{
		{name: "the agencies' footer lists by the plan's own agency", first: "1a", user: "UOUT", text: "agencies",
			want: []string{"`/action list agency SYP`"}},
		{name: "help find looks for a word of the first action", first: "1a", user: "UOUT", text: "help find",
			want: []string{"Example: /action find awareness"}},
		{name: "help list filters by a priority the plan has", first: "1a", user: "UOUT", text: "help list",
			want: []string{"Filters combine: priority 1; agency SYP"}},
		{name: "help done gives neutral evidence", first: "1a", user: "UOUT", text: "help done",
			want: []string{"Example: /action 1a done evidence: report to the board"}},
		{name: "a quarter not understood is shown one of the plan's year", first: "1a", user: "UOUT", text: "report quarter summer",
			want: []string{`"summer" is not a quarter`, "for example 2019-Q3 (October to December 2019; Q1 is April to June), or 2019-20 Q3."}},
		{name: "the help footer writes a multi-word id two ways", first: "DAB 1", user: "UOUT", text: "help",
			want: []string{"Ids can be written DAB 1, #DAB 1 or dab1."}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, h := mustOtherPlan(t, tc.first)
			got := plain(h.Handle(ctx, commands.Request{UserID: tc.user, ChannelID: "C1", Text: tc.text}))
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("lacks %q:\n%s", w, got)
				}
			}
			for _, w := range append(sevenoaksWords, "KFRS", "speedwatch", "volunteers", "priority 3") {
				if strings.Contains(got, w) {
					t.Errorf("says %q, which is the Sevenoaks plan's, not this one's:\n%s", w, got)
				}
			}
		})
	}
	t.Run("every form of the id the help footer shows reaches the action", func(t *testing.T) {
		_, h := mustOtherPlan(t, "DAB 1")
		for _, typed := range []string{"DAB 1", "#DAB 1", "dab1"} {
			if got := plain(h.Handle(ctx, commands.Request{UserID: "UOUT", ChannelID: "C1", Text: typed})); !strings.Contains(got, "Refer every high-risk domestic abuse case") {
				t.Errorf("%q does not show DAB 1:\n%s", typed, got)
			}
		}
	})
}

// A plan with no agencies says nothing of listing one.
func TestAgenciesOfAPlanWithNoneSayNothingOfListing(t *testing.T) {
	p := otherPlan("1a")
	p.Agencies = nil
	for _, a := range p.Actions {
		a.Lead = nil
	}
	_, h := mustPlan(t, p)
	got := plain(h.Handle(ctx, commands.Request{UserID: "UOUT", ChannelID: "C1", Text: "agencies"}))
	if strings.Contains(got, "list agency") || strings.Contains(got, "KFRS") {
		t.Errorf("speaks of listing an agency the plan lacks:\n%s", got)
	}
	if !strings.Contains(got, "No agency leads or is a partner on any action of Doncaster CSP Plan 2019-20 yet") {
		t.Errorf("does not say there are none:\n%s", got)
	}
}

// An action the plan gave no date or lead reads so, once: never "needs a
// date — needs a date", "— — —", or ongoing once done.
func TestAnActionWithNoDateOrLeadReadsSoOnce(t *testing.T) {
	undated := &actionbot.Action{Ref: "2b", Priority: 2, Text: "Agree a victims' charter with partners"}
	tbc := &actionbot.Action{Ref: "2c", Priority: 2, Text: "Publish the annual strategic assessment", Lead: []actionbot.Party{{Agency: "DCST"}},
		Deadline: actionbot.Deadline{Written: "TBC"}, Original: actionbot.Deadline{Written: "TBC"}}
	tests := []struct {
		name, user, text string
		want, not        []string
	}{
		{name: "its card says it needs a date once", user: "UOUT", text: "2b",
			want: []string{"Deadline: needs a date\n"}, not: []string{"needs a date — needs a date"}},
		{name: "a deadline the plan wrote without a date keeps its words", user: "UOUT", text: "2c",
			want: []string{"Deadline: TBC — needs a date\n"}},
		{name: "its list line says no lead and needs a date once", user: "UOUT", text: "list priority 2",
			want: []string{"2b Agree a victims' charter with partners — no lead — needs a date — open 0%", "2c Publish the annual strategic assessment — Doncaster Community Safety Team (DCST) — TBC, needs a date — open"},
			not:  []string{"— — —", "needs a date, needs a date"}},
		{name: "marked done, it is done, never ongoing", user: "UCOORD1", text: "2b done evidence: report to the board",
			want: []string{"Deadline: needs a date — done\n"}, not: []string{"ongoing"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, h := mustOtherPlan(t, "1a", undated, tbc)
			msg := h.Handle(ctx, commands.Request{UserID: tc.user, ChannelID: "C1", Text: tc.text})
			got := plain(msg) + msg.Text
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(got, w) {
					t.Errorf("says %q:\n%s", w, got)
				}
			}
		})
	}
}
