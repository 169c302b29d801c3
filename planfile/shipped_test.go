package planfile_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/planfile"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// seedPath is the published plan this data is transcribed from, as text
// extracted from the PDF.
const seedPath = "testdata/seed-000_afd817fa80139ebd.txt"

func TestShippedPlanCounts(t *testing.T) {
	imp, err := planfile.Sevenoaks()
	if err != nil {
		t.Fatal(err)
	}
	if imp.Name != "Sevenoaks District CSP Action Plan 2012-13" || imp.Period.String() != "2012-04-01..2013-03-31" {
		t.Fatalf("plan %q %s", imp.Name, imp.Period)
	}
	perPriority := map[int]int{}
	refs := map[string]bool{}
	for _, a := range imp.Actions {
		perPriority[a.Priority]++
		refs[a.Ref] = true
	}
	want := map[int]int{1: 7, 2: 6, 3: 5, 4: 6, 5: 7, 6: 5, 7: 6}
	for p, n := range want {
		if perPriority[p] != n {
			t.Errorf("priority %d has %d actions, want %d", p, perPriority[p], n)
		}
	}
	if len(imp.Actions) != 42 {
		t.Errorf("%d actions, want 42", len(imp.Actions))
	}
	if refs["4.4"] {
		t.Error("the seed has no action 4.4; the plan must not invent one")
	}
	for _, r := range []string{"4.3", "4.5", "1.7", "7.6"} {
		if !refs[r] {
			t.Errorf("missing action %s", r)
		}
	}
}

func TestShippedPlanFieldByField(t *testing.T) {
	imp, err := planfile.Sevenoaks()
	if err != nil {
		t.Fatal(err)
	}
	byRef := map[string]*actionbot.Action{}
	for _, a := range imp.Actions {
		byRef[a.Ref] = a
	}
	tests := []struct {
		ref      string
		text     string
		lead     []actionbot.Party
		partners []actionbot.Party
		byWhen   string
		due      actionbot.Date
		ongoing  bool
		funding  string
		review   bool
	}{
		{ref: "5.2", text: "Promote Speedwatch across the District including training for volunteers",
			lead:     []actionbot.Party{{Agency: "POLICE", Role: "Training"}, {Agency: "CSU", Role: "Promotion/Volunteers"}},
			partners: []actionbot.Party{{Agency: "DVLA"}}, byWhen: "March 2012", due: actionbot.D(2012, 3, 31), funding: "Existing resources"},
		{ref: "4.2", text: "Target repeat offenders of acquisitive crime through the Offender Management Unit",
			lead:     []actionbot.Party{{Agency: "PROBATION"}, {Agency: "POLICE"}, {Agency: "BCRP"}},
			partners: []actionbot.Party{{Agency: "CSU"}}, byWhen: "April 2012", due: actionbot.D(2012, 4, 30), funding: "Existing resources"},
		{ref: "3.5", text: "Proactively manage cohort of PPOs to reduce risk of offending in the District. Increase liaison with partner agencies.",
			lead:     []actionbot.Party{{Agency: "OMU"}},
			partners: []actionbot.Party{{Agency: "POLICE"}, {Agency: "CSU"}}, byWhen: "Ongoi ng", ongoing: true, funding: "Existing resources"},
		{ref: "1.1", text: "Implement risk assessments for ASB reports and ensure high risk cases are managed through ASB Task Group or Daily Tasking Process. Vulnerable victims of ASB to be identified and appropriate actions planned. Consider how best to share information about vulnerable victims between agencies.",
			lead:     []actionbot.Party{{Agency: "CSU"}},
			partners: []actionbot.Party{{Agency: "SDC"}, {Agency: "POLICE"}, {Agency: "HOUSING"}, {Agency: "WARDENS"}}, byWhen: "On going", ongoing: true, funding: "Use of existing resources"},
		{ref: "1.4", text: "Use mobile CCTV effectively to deter crime and antisocial behaviour. Mobile capabilities effectively deployed and 9 out of 12 cameras (75%) to be deployed at any one time",
			lead:     []actionbot.Party{{Agency: "T&CG"}, {Agency: "CSU"}},
			partners: []actionbot.Party{{Agency: "POLICE"}}, byWhen: "Ongoing", ongoing: true, funding: "Existing resources"},
		{ref: "2.3", text: "Produce a directory of early intervention projects for young people, families and front line practioners.",
			lead: []actionbot.Party{{Agency: "SDC"}}, partners: []actionbot.Party{{Agency: "ALL"}}, byWhen: "June 2011", due: actionbot.D(2011, 6, 30), funding: "Current resources"},
		{ref: "5.6", text: "Monitor the number of people educated through KCC Highways after receiving fine/points for speeding",
			lead: []actionbot.Party{{Agency: "HIGHWAYS"}}, partners: []actionbot.Party{{Agency: "POLICE"}}, byWhen: "March 2013", due: actionbot.D(2013, 3, 31), funding: ""},
		{ref: "7.5", text: "perpetrators) and services for victims of elder abuse.",
			lead: []actionbot.Party{{Agency: "DAWG"}}, partners: []actionbot.Party{{Agency: "ALL"}}, byWhen: "June 2012", due: actionbot.D(2012, 6, 30), funding: "Existing resources", review: true},
		{ref: "7.6", text: "Increase use of the MARAC to reduce re-offending and repeat victims",
			lead: []actionbot.Party{{Agency: "POLICE"}}, partners: []actionbot.Party{{Agency: "MARAC"}, {Agency: "CSU"}}, byWhen: "January 2012", due: actionbot.D(2012, 1, 31), funding: "Existing resources, Safer & Stronger"},
	}
	for _, tc := range tests {
		t.Run(tc.ref, func(t *testing.T) {
			a := byRef[tc.ref]
			if a == nil {
				t.Fatalf("no action %s", tc.ref)
			}
			if a.Text != tc.text {
				t.Errorf("text = %q\nwant   %q", a.Text, tc.text)
			}
			if !equalParties(a.Lead, tc.lead) || !equalParties(a.Partners, tc.partners) {
				t.Errorf("lead %v partners %v, want %v %v", a.Lead, a.Partners, tc.lead, tc.partners)
			}
			if a.Deadline.Written != tc.byWhen || a.Deadline.Due != tc.due || a.Deadline.Ongoing != tc.ongoing || a.Original != a.Deadline {
				t.Errorf("deadline %+v original %+v, want %q %v ongoing=%v", a.Deadline, a.Original, tc.byWhen, tc.due, tc.ongoing)
			}
			if a.Funding != tc.funding {
				t.Errorf("funding %q, want %q", a.Funding, tc.funding)
			}
			if (a.Review != "") != tc.review {
				t.Errorf("review %q, want flagged=%v", a.Review, tc.review)
			}
		})
	}
}

func equalParties(a, b []actionbot.Party) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestShippedPlanTextIsInTheSeed checks the transcription against the
// published document: every word of every action, funding cell and measure
// appears in the seed, in order, near its first words. The PDF's table cells
// wrap, so the words of one cell are interleaved with its neighbours'.
func TestShippedPlanTextIsInTheSeed(t *testing.T) {
	raw, err := os.ReadFile(seedPath)
	if err != nil {
		t.Fatal(err)
	}
	seed := words(string(raw))
	imp, err := planfile.Sevenoaks()
	if err != nil {
		t.Fatal(err)
	}
	check := func(what, text string) {
		t.Helper()
		if w := words(text); len(w) > 0 && !inOrder(seed, w) {
			t.Errorf("%s %q: its words are not in the seed in this order", what, text)
		}
	}
	for _, a := range imp.Actions {
		check(a.Ref+" action", a.Text)
		check(a.Ref+" funding", a.Funding)
	}
	for _, p := range imp.Priorities {
		for _, m := range p.Measures {
			check(fmt.Sprintf("measure %d.%d", p.Number, m.N), m.Text)
		}
	}
}

// words splits text into lower-case words of letters and digits; footnote
// markers (superscript digits) and punctuation fall away.
func words(s string) []string {
	s = strings.NewReplacer("fly- tipping", "flytipping", "fly-tipping", "flytipping", "fly tipping", "flytipping").Replace(strings.ToLower(s))
	return strings.FieldsFunc(s, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') })
}

// inOrder reports whether want occurs in seed as a subsequence that starts
// with want's first words together and stays within a window (page breaks
// put footnotes inside a cell).
func inOrder(seed, want []string) bool {
	lead := min(2, len(want))
	for start := 0; start+lead <= len(seed); start++ {
		match := true
		for k := 0; k < lead; k++ {
			if seed[start+k] != want[k] {
				match = false
				break
			}
		}
		if !match {
			continue
		}
		i, limit := start+lead, min(len(seed), start+4*len(want)+200)
		j := lead
		for ; i < limit && j < len(want); i++ {
			if seed[i] == want[j] {
				j++
			}
		}
		if j == len(want) {
			return true
		}
	}
	return false
}

func TestShippedMeasures(t *testing.T) {
	imp, err := planfile.Sevenoaks()
	if err != nil {
		t.Fatal(err)
	}
	var onTarget []string
	n := 0
	for _, p := range imp.Priorities {
		for _, m := range p.Measures {
			n++
			if m.Kind == actionbot.MeasureOnTarget {
				onTarget = append(onTarget, m.Text+"="+m.TargetString())
			}
		}
	}
	if n != 14 {
		t.Errorf("%d measures, want 14", n)
	}
	want := "Substance Misuse Action Plan to be 85% on target=85%|Domestic abuse action plan to be 80% on target=80%"
	if got := strings.Join(onTarget, "|"); got != want {
		t.Errorf("on-target measures %q, want %q", got, want)
	}
}

func TestEnsurePlanLoadsOnce(t *testing.T) {
	clock := storetest.NewClock(storetest.PlanStart)
	db := storetest.MustOpenEmpty(t, clock)
	ctx := context.Background()
	loaded, err := planfile.EnsurePlan(ctx, db)
	if err != nil || !loaded {
		t.Fatalf("first EnsurePlan = %v, %v", loaded, err)
	}
	loaded, err = planfile.EnsurePlan(ctx, db)
	if err != nil || loaded {
		t.Fatalf("second EnsurePlan = %v, %v; want false", loaded, err)
	}
	p, err := db.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	refs, err := db.Refs(ctx, p.ID)
	if err != nil || len(refs) != 42 {
		t.Fatalf("refs %d, %v", len(refs), err)
	}
}
