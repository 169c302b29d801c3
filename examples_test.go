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
				AsOf: "2019-12-31", End: "2020-03-31", Quarter: "2019-Q3", Agency: "South Yorkshire Police", AgencyCode: "SYP", Priority: 1, Period: "2019-20", Word: "safety"}},
		{name: "a multi-word id is kept whole, and a deadline moved later is one a due can name",
			plan: y1920, dir: dir,
			actions: []*actionbot.Action{
				act("DAB 1", 3, "DCST", "30/06/2020"),
				act("DAB 2", 3, "SYP", "September 2019"),
			},
			want: actionbot.Examples{Ref: "DAB 1", Ref2: "DAB 2", Deadline: "September 2019", Month: "June 2020", Date: "2020-06-30", DateUK: "30/06/2020",
				AsOf: "2019-12-31", End: "2020-03-31", Quarter: "2019-Q3", Agency: "Doncaster Community Safety Team", AgencyCode: "DCST", Priority: 3, Period: "2019-20", Word: "safety"}},
		{name: "a plan with one action and no dated deadline takes the deadline from its year",
			plan: y1920, dir: dir,
			actions: []*actionbot.Action{act("P2.4", 2, "SYP", "Ongoing")},
			want: actionbot.Examples{Ref: "P2.4", Ref2: "P2.4", Deadline: "March 2020", Month: "March 2020", Date: "2020-03-31", DateUK: "31/03/2020",
				AsOf: "2019-12-31", End: "2020-03-31", Quarter: "2019-Q3", Agency: "South Yorkshire Police", AgencyCode: "SYP", Priority: 2, Period: "2019-20", Word: "safety"}},
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

// The find example is a word of the plan's own, and the example deadline
// one that the due verb reads: never a cell of milestones.
func TestExamplesWordAndDeadlineAreOnesCommandsTake(t *testing.T) {
	y1920 := &actionbot.Plan{ID: 7, Name: "Doncaster CSP Plan 2019-20", Period: actionbot.Period{Start: actionbot.D(2019, time.April, 1), End: actionbot.D(2020, time.March, 31)}}
	act := func(ref, text, deadline string) *actionbot.Action {
		d, _ := actionbot.ReadDeadline(deadline)
		return &actionbot.Action{Ref: ref, Priority: 1, Text: text, Deadline: d, Original: d}
	}
	milestones := "Review April 2019. Report June 2019"
	if d, _ := actionbot.ReadDeadline(milestones); d.Due.IsZero() {
		t.Fatalf("%q reads as no date: the test needs one", milestones)
	}
	tests := []struct {
		name               string
		actions            []*actionbot.Action
		wantWord, wantDate string
	}{
		{name: "the rarest long word of the first action, and a deadline of one date",
			actions: []*actionbot.Action{
				act("a", "Run a knife crime awareness week in schools", milestones),
				act("b", "Review awareness of domestic abuse services", milestones),
				act("c", "Map repeat victims of crime, raising awareness", "December 2019"),
			},
			wantWord: "schools", wantDate: "December 2019"},
		{name: "the longest of the rarest, and the plan's end when every deadline is a cell of milestones",
			actions: []*actionbot.Action{
				act("1a", "Refer every high-risk domestic abuse case to MARAC", milestones),
			},
			wantWord: "domestic", wantDate: "March 2020"},
		{name: "the shipped plan's word when the plan has it",
			actions: []*actionbot.Action{
				act("1.1", "Reduce reoffending through partnership working", "March 2020"),
				act("1.2", "Expand Speedwatch to every parish", "March 2020"),
			},
			wantWord: "speedwatch", wantDate: "March 2020"},
		{name: "a word every partnership's plan is about when the first action has no long one",
			actions:  []*actionbot.Action{act("1", "Fix it", "March 2020")},
			wantWord: "safety", wantDate: "March 2020"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ex := actionbot.ExamplesOf(y1920, tc.actions, nil)
			if ex.Word != tc.wantWord {
				t.Errorf("Word = %q; want %q", ex.Word, tc.wantWord)
			}
			if ex.Deadline != tc.wantDate {
				t.Errorf("Deadline = %q; want %q", ex.Deadline, tc.wantDate)
			}
			if _, err := actionbot.ParseDeadline(ex.Deadline); err != nil {
				t.Errorf("the due verb refuses the example deadline %q: %v", ex.Deadline, err)
			}
		})
	}
}
