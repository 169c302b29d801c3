package actionbot_test

import (
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/planfile"
)

func TestExamplesComeFromThePlanLoaded(t *testing.T) {
	due := func(s string) actionbot.Deadline {
		d, err := actionbot.ParseDeadline(s)
		if err != nil {
			t.Fatalf("deadline %q: %v", s, err)
		}
		return d
	}
	act := func(ref string, prio int, lead, deadline string) *actionbot.Action {
		return &actionbot.Action{Ref: ref, Priority: prio, Lead: []actionbot.Party{{Agency: lead}}, Deadline: due(deadline), Original: due(deadline)}
	}
	y1920 := &actionbot.Plan{ID: 7, Name: "Doncaster CSP Plan 2019-20", Period: actionbot.Period{Start: actionbot.D(2019, time.April, 1), End: actionbot.D(2020, time.March, 31)}}
	dir := actionbot.NewDirectory([]*actionbot.Agency{{Code: "SYP", Name: "South Yorkshire Police"}, {Code: "DCST", Name: "Doncaster Community Safety Team"}})

	shipped, err := planfile.Sevenoaks()
	if err != nil {
		t.Fatal(err)
	}
	agencies, err := planfile.Agencies()
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		plan    *actionbot.Plan
		actions []*actionbot.Action
		dir     *actionbot.Directory
		want    actionbot.Examples
	}{
		{name: "with no plan they are the shipped plan's", want: actionbot.SevenoaksExamples},
		{name: "the shipped plan gives its own examples, as help always showed them",
			plan: &actionbot.Plan{Name: shipped.Name, Period: shipped.Period}, actions: shipped.Actions, dir: actionbot.NewDirectory(agencies),
			want: actionbot.SevenoaksExamples},
		{name: "another plan's first action, the next, its commonest deadline in the year and its first lead agency",
			plan: y1920, dir: dir,
			actions: []*actionbot.Action{
				act("1a", 1, "SYP", "December 2019"),
				act("1b", 1, "DCST", "March 2020"),
				act("2a", 2, "DCST", "March 2020"),
				act("2b", 2, "DCST", "January 2019"), // before the year: never the example deadline
				act("2c", 2, "SYP", "Ongoing"),
			},
			want: actionbot.Examples{Ref: "1a", Ref2: "1b", Deadline: "March 2020", Month: "March 2020", Date: "2020-03-31", DateUK: "31/03/2020",
				AsOf: "2019-12-31", End: "2020-03-31", Quarter: "2019-Q3", Agency: "South Yorkshire Police", AgencyCode: "SYP", Priority: 1, Period: "2019-20"}},
		{name: "a multi-word id is kept whole, and a deadline moved later is one a due can name",
			plan: y1920, dir: dir,
			actions: []*actionbot.Action{
				act("DAB 1", 3, "DCST", "30/06/2020"),
				act("DAB 2", 3, "SYP", "September 2019"),
			},
			want: actionbot.Examples{Ref: "DAB 1", Ref2: "DAB 2", Deadline: "September 2019", Month: "June 2020", Date: "2020-06-30", DateUK: "30/06/2020",
				AsOf: "2019-12-31", End: "2020-03-31", Quarter: "2019-Q3", Agency: "Doncaster Community Safety Team", AgencyCode: "DCST", Priority: 3, Period: "2019-20"}},
		{name: "a plan with one action and no dated deadline takes the deadline from its year",
			plan: y1920, dir: dir,
			actions: []*actionbot.Action{act("P2.4", 2, "SYP", "Ongoing")},
			want: actionbot.Examples{Ref: "P2.4", Ref2: "P2.4", Deadline: "March 2020", Month: "March 2020", Date: "2020-03-31", DateUK: "31/03/2020",
				AsOf: "2019-12-31", End: "2020-03-31", Quarter: "2019-Q3", Agency: "South Yorkshire Police", AgencyCode: "SYP", Priority: 2, Period: "2019-20"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := actionbot.ExamplesOf(tc.plan, tc.actions, tc.dir); got != tc.want {
				t.Errorf("ExamplesOf:\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestExampleRefIsThePlansOwn(t *testing.T) {
	tests := []struct {
		name string
		refs []string
		want string
	}{
		{"the shipped plan's 5.2 when it is among them", []string{"1.3", "2.3", "5.2", "6.2"}, "5.2"},
		{"otherwise the first", []string{"1a", "DAB 1"}, "1a"},
		{"none", nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := actionbot.ExampleRef(tc.refs); got != tc.want {
				t.Errorf("ExampleRef(%q) = %q; want %q", tc.refs, got, tc.want)
			}
		})
	}
}
