package planfile_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/planfile"
)

func priorityList(imp *actionbot.PlanImport) string {
	var out []string
	for _, p := range imp.Priorities {
		out = append(out, strconv.Itoa(p.Number)+": "+p.Title)
	}
	return strings.Join(out, " | ")
}

func TestAPublishedPlansPrioritiesAreTheOnesItWrites(t *testing.T) {
	for _, tc := range []struct {
		name, plan, want string
	}{
		{"B&NES's rows numbered 1 to 4 with no section rows are one priority, titled Actions",
			"bathnes-prevent-action-plan-feb-2017", "1: Actions"},
		{"Rotherham's one untitled priority is titled Actions", "rotherham-yos-improvement-action-plan", "1: Actions"},
		{"Leicestershire's one untitled priority is titled Actions", "leicestershire-hmic-domestic-abuse-action-plan-2016-17", "1: Actions"},
		{"Middlesbrough's one untitled priority is titled Actions", "middlesbrough-neighbourhood-policing-scrutiny-action-plan", "1: Actions"},
		{"Dorset's one untitled priority is titled Actions", "dorset-csp-domestic-abuse-bill-action-plan", "1: Actions"},
		{"Hertfordshire's \"Priority 1.1 We will…\" under \"Outcome 1 - …\" refines priority 1", "hertfordshire-serious-violence-delivery-plan",
			"1: 1.1 We will seek to develop resilience, social and emotional skills amongst young people."},
		{"Sheffield's Strategic Goal row titles its priority", "sheffield-hate-crime-2010-13",
			"1: Sheffield Strategic Goal - Increase awareness, reporting and recording of Hate Crime incidents:"},
		{"UEL's Category column gives its priorities", "uel-prevent-action-plan-2024-25",
			"1: Governance | 2: Risk Assessment | 3: Action Plan | 4: Reporting on Prevent to OfS | 5: Information Sharing Agreement and Partnerships"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := mustReadPublished(t, publishedPlan(tc.plan))
			if got := priorityList(res.Import); got != tc.want {
				t.Errorf("priorities %q, want %q", got, tc.want)
			}
		})
	}
}

func TestPrioritiesComeFromIdsThatCarryOneNotFromABareNumber(t *testing.T) {
	for _, tc := range []struct {
		name, csv, want string
	}{
		{"ids 1, 2, 3 are one priority, titled Actions",
			"No,Action,Lead\n1,Run the forum,CSU\n2,Train staff,CSU\n3,Review the plan,CSU\n", "1: Actions"},
		{"ids 1a, 1b, 2a carry priorities 1 and 2",
			"No,Action,Lead\n1a,Run the forum,CSU\n1b,Train staff,CSU\n2a,Review the plan,CSU\n", "1: Untitled | 2: Untitled"},
		{"ids 1.1, 2.1 carry priorities 1 and 2",
			"No,Action,Lead\n1.1,Run the forum,CSU\n2.1,Train staff,CSU\n", "1: Untitled | 2: Untitled"},
		{"a section row titles its priority and an untitled one stays Untitled",
			"No,Action,Lead\n1.1,Run the forum,CSU\n2. Road safety,,\n2.1,Speedwatch,CSU\n", "1: Untitled | 2: Road safety"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := planfile.Read(strings.NewReader(tc.csv), actionbot.NewDirectory(nil), planfile.Options{Name: "P", Today: actionbot.D(2026, 12, 6)})
			if err != nil {
				t.Fatal(err)
			}
			if got := priorityList(res.Import); got != tc.want {
				t.Errorf("priorities %q, want %q", got, tc.want)
			}
		})
	}
}

func TestWorkToDateIsProgressNotADeadline(t *testing.T) {
	for _, tc := range []struct {
		name, header string
		note, due    string
	}{
		{"Work to date is the latest note", "Action,Lead,Work to date", "Venue booked", ""},
		{"Progress to date is the latest note", "Action,Lead,Progress to date", "Venue booked", ""},
		{"Achievements to date is the latest note", "Action,Lead,Achievements to date", "Venue booked", ""},
		{"Target date is still the deadline", "Action,Lead,Target date", "", "Venue booked"},
		{"Review date is still the deadline", "Action,Lead,Review date", "", "Venue booked"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := planfile.Read(strings.NewReader(tc.header+"\nRun the forum,CSU,Venue booked\n"), actionbot.NewDirectory(nil),
				planfile.Options{Name: "P", Today: actionbot.D(2026, 12, 6)})
			if err != nil {
				t.Fatal(err)
			}
			a := res.Import.Actions[0]
			if got := stateOf(a); got.note != tc.note || a.Deadline.Written != tc.due {
				t.Errorf("note %q, deadline %q; want note %q, deadline %q", got.note, a.Deadline.Written, tc.note, tc.due)
			}
		})
	}
}

func TestADottedHeadingDirectlyUnderAHeadingRefinesItsPriority(t *testing.T) {
	const header = "Ref,Action,Lead\n"
	for _, tc := range []struct {
		name, csv, want string
	}{
		{"Priority 1.1 under Outcome 1 is priority 1, titled by the 1.1 heading, and 1.2 is priority 2",
			"Plan,,\nOutcome 1 - Fewer knives,,\nPriority 1.1 We will build resilience,,\n" + header +
				"1.1.1,Engage young people,CSU\nPriority 1.2 We will educate,,\n1.2.1,Run school talks,CSU\n",
			"1: 1.1 We will build resilience | 2: 1.2 We will educate"},
		{"an outcome with its own actions keeps its number and title",
			"Plan,,\nOutcome 1 - Fewer knives,,\n" + header + "1.1.1,Engage young people,CSU\nPriority 1.2 We will educate,,\n1.2.1,Run school talks,CSU\n",
			"1: Fewer knives | 2: 1.2 We will educate"},
		{"a second outcome after dotted priorities takes the next number, and its 2.1 refines it",
			"Plan,,\nOutcome 1 - Fewer knives,,\nPriority 1.1 We will build resilience,,\n" + header +
				"1.1.1,Engage young people,CSU\nPriority 1.2 We will educate,,\n1.2.1,Run school talks,CSU\n" +
				"Outcome 2 - Fewer assaults,,\nPriority 2.1 We will police hot spots,,\n2.1.1,Patrol the town centre,CSU\n",
			"1: 1.1 We will build resilience | 2: 1.2 We will educate | 3: 2.1 We will police hot spots"},
		{"numbered section rows keep their numbers",
			header + "1. Hate crime,,\n1a,Run a campaign,CSU\n2. Road safety,,\n2a,Speedwatch,CSU\n", "1: Hate crime | 2: Road safety"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := planfile.Read(strings.NewReader(tc.csv), actionbot.NewDirectory(nil), planfile.Options{Name: "P", Today: actionbot.D(2026, 12, 6)})
			if err != nil {
				t.Fatal(err)
			}
			if got := priorityList(res.Import); got != tc.want {
				t.Errorf("priorities %q, want %q", got, tc.want)
			}
		})
	}
}
