package reminders_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/calendar"
	"github.com/sevenoaks-csp/actionbot/reminders"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// sevenoaksWords are the shipped plan's examples: another partnership's
// reminders and digest never show them.
var sevenoaksWords = []string{"5.2", "March 2013", "Kent Police", "2012", "2013"}

// mustOtherPlanFixture is a South Yorkshire plan for 2019-20, with ids of
// its own: 1a (South Yorkshire Police, March 2020), DAB 1 (Doncaster's
// community safety team, December 2019) and 2a, due in January 2019,
// before the plan year, then any extra actions. A DCST officer is
// registered.
func mustOtherPlanFixture(t *testing.T, start time.Time, extra ...*actionbot.Action) *fixture {
	t.Helper()
	clock := storetest.NewClock(start)
	db := storetest.MustOpenEmpty(t, clock)
	action := func(ref string, prio int, text, lead, due string) *actionbot.Action {
		d := mustDeadline(t, due)
		return &actionbot.Action{Ref: ref, Priority: prio, Text: text, Lead: []actionbot.Party{{Agency: lead}}, Deadline: d, Original: d}
	}
	_, err := db.ImportPlan(context.Background(), &actionbot.PlanImport{
		Name:       "Doncaster CSP Plan 2019-20",
		Period:     actionbot.Period{Start: actionbot.D(2019, time.April, 1), End: actionbot.D(2020, time.March, 31)},
		Priorities: []actionbot.Priority{{Number: 1, Title: "Violence and exploitation"}, {Number: 2, Title: "Partnership working"}},
		Actions: append([]*actionbot.Action{
			action("1a", 1, "Run a knife crime awareness week in secondary schools", "SYP", "March 2020"),
			action("DAB 1", 1, "Refer every high-risk domestic abuse case to MARAC within a day", "DCST", "December 2019"),
			action("2a", 2, "Refresh the partnership's information-sharing agreement", "DCST", "January 2019"),
		}, extra...),
		Agencies: []*actionbot.Agency{{Code: "SYP", Name: "South Yorkshire Police"}, {Code: "DCST", Name: "Doncaster Community Safety Team"}},
		Source:   "doncaster-2019-20.csv", Actor: userCoord,
	})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := db.CurrentPlan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	logs := &storetest.LogBuffer{}
	svc := &reminders.Service{Store: db, Rules: reminders.DefaultRules(london, mustCalendar(t, calendar.DefaultDivision)),
		TaskingChannel: tasking, DigestChannel: "CDIGEST", RAG: actionbot.DefaultRAGRules(),
		Logger: slog.New(slog.NewTextHandler(logs, nil))}
	if err := svc.Rules.Validate(); err != nil {
		t.Fatal(err)
	}
	db.ConfiguredCoordinators = []string{userCoord}
	f := &fixture{tb: t, clock: clock, db: db, plan: plan, svc: svc, logs: logs}
	f.mustAddMember("U0DCST1", "DCST")
	return f
}

func TestRemindersAndDigestSpeakTheLoadedPlansWords(t *testing.T) {
	tests := []struct {
		name string
		at   time.Time
		text func(t *testing.T, f *fixture) string
		want []string
	}{
		{name: "the digest's footer and before-the-year hint use the plan's id and deadline", at: at(2019, 6, 3, 8, 30),
			text: func(t *testing.T, f *fixture) string {
				d, err := f.svc.BuildDigest(context.Background(), f.clock.Now())
				if err != nil {
					t.Fatal(err)
				}
				return plain(d.Message)
			},
			want: []string{"Update an action with /action 1a progress 60 or /action 1a done", "/action 2a due March 2020 <reason> or /action 2a due confirm"}},
		{name: "a reminder's footer names the action it is about, multi-word id and all", at: at(2019, 12, 31, 9, 0),
			text: func(t *testing.T, f *fixture) string {
				run := f.mustSweep(f.clock.Now())
				var out []string
				for _, m := range run.Messages() {
					out = append(out, plain(m.Message))
				}
				return strings.Join(out, "\n")
			},
			want: []string{"Buttons, or `/action DAB 1 done`"}},
		{name: "the sweep's account shows confirming on an action it lists", at: at(2019, 12, 31, 9, 0),
			text: func(t *testing.T, f *fixture) string {
				var b strings.Builder
				f.mustSweep(f.clock.Now()).WriteAccount(&b, plain, false)
				return b.String()
			},
			want: []string{"(/action 2a due confirm): 2a."}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := mustOtherPlanFixture(t, tc.at)
			got := tc.text(t, f)
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

// The digest suggests deadlines in a form the due verb takes, never a cell
// of milestones the plan writes most, and says so when the plan gave an
// action no deadline at all.
func TestDigestSuggestsDeadlinesTheDueVerbTakes(t *testing.T) {
	milestones, _ := actionbot.ReadDeadline("Review April 2019. Report June 2019")
	if milestones.Due.IsZero() {
		t.Fatal("the milestones read as no date: the test needs one")
	}
	f := mustOtherPlanFixture(t, at(2019, 6, 3, 8, 30),
		&actionbot.Action{Ref: "3a", Priority: 2, Text: "Review the night-time economy scheme", Lead: []actionbot.Party{{Agency: "SYP"}}, Deadline: milestones, Original: milestones},
		&actionbot.Action{Ref: "3b", Priority: 2, Text: "Review the street pastors scheme", Lead: []actionbot.Party{{Agency: "SYP"}}, Deadline: milestones, Original: milestones},
		&actionbot.Action{Ref: "3c", Priority: 2, Text: "Agree a victims' charter with partners"})
	d, err := f.svc.BuildDigest(context.Background(), f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	got := plain(d.Message)
	for _, w := range []string{"/action 2a due March 2020 <reason>", "3c Agree a victims' charter with partners — no lead — the plan gives no deadline: "} {
		if !strings.Contains(got, w) {
			t.Errorf("lacks %q:\n%s", w, got)
		}
	}
	for _, w := range []string{"due Review", "the plan says “”"} {
		if strings.Contains(got, w) {
			t.Errorf("says %q:\n%s", w, got)
		}
	}
}
