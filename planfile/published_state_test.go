package planfile_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/planfile"
)

// publishedAction finds an action of an imported published plan by the
// plan's id, or by "#n", its place in plan order, as the oracles do.
func publishedAction(tb testing.TB, imp *actionbot.PlanImport, key string) *actionbot.Action {
	tb.Helper()
	if n, ok := strings.CutPrefix(key, "#"); ok {
		if i := mustAtoi(tb, n); i >= 1 && i <= len(imp.Actions) {
			return imp.Actions[i-1]
		}
		tb.Fatalf("no action %s among %d", key, len(imp.Actions))
	}
	var refs []string
	for _, a := range imp.Actions {
		refs = append(refs, a.Ref)
	}
	ref, _ := actionbot.NewRefIndex(refs).Lookup(key)
	for _, a := range imp.Actions {
		if ref != "" && a.Ref == ref {
			return a
		}
	}
	tb.Fatalf("no action %s; ids are %v", key, refs)
	return nil
}

func publishedPlan(name string) string {
	return filepath.Join("..", "testdata", "plans", name+".csv")
}

func TestAPublishedPlansStateIsReadAsItsAuthorsWroteIt(t *testing.T) {
	for _, tc := range []struct {
		name, plan, action string
		want               state // the note is compared by its start
	}{
		{"Rotherham 1a's progress starting \"Action completed.\" is done, the text the latest note",
			"rotherham-yos-improvement-action-plan", "(1a)",
			state{status: "done", progress: 100, note: "Action completed.\nThe current target of 98%"}},
		{"Hertfordshire 1.1.1's RAG \"In Progress (amber)\" is at risk",
			"hertfordshire-serious-violence-delivery-plan", "1.1.1",
			state{status: "at_risk", reason: "the plan's RAG Rating: In Progress (amber)", progress: -1, note: "Reviewing feedback from agencies"}},
		{"Hertfordshire 1.1.2's RAG \"In Progress (amber)\" is at risk",
			"hertfordshire-serious-violence-delivery-plan", "1.1.2",
			state{status: "at_risk", reason: "the plan's RAG Rating: In Progress (amber)", progress: -1, note: "Part of the digital offer"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := mustReadPublished(t, publishedPlan(tc.plan))
			got := stateOf(publishedAction(t, res.Import, tc.action))
			if strings.HasPrefix(got.note, tc.want.note) {
				got.note = tc.want.note
			}
			got.notes = ""
			if got != tc.want {
				t.Errorf("state %+v, want %+v", got, tc.want)
			}
		})
	}
}

// reTitledName is a stand-in for the bot's personal-data guard
// (commands.PersonalDataIn): a rank or title before a capitalised name.
var reTitledName = regexp.MustCompile(`\b(?:DCI|DI|DS|PC|Cllr|Mr|Mrs|Ms|Dr)\.? [A-Z][a-z]+`)

func titledNameGuard(text string) string {
	if reTitledName.MatchString(text) {
		return "a person's name"
	}
	return ""
}

func TestALabelledOwnerCellKeepsItsStatusAndDateButNeverTheName(t *testing.T) {
	for _, tc := range []struct {
		name, action string
		want         state
		due          string
	}{
		{"\"Action Owner: DCI … / Action completed\" is done, the progress the latest note", "#1",
			state{status: "done", progress: 100, note: "Update April 2016:\nContact Management staff"}, ""},
		{"\"Action Owner: DCI … / Target Completion Date: September 2016\" is due then, and open", "#2",
			state{progress: -1, note: "Update April 2016:\nThe Force policy"}, "2016-09-30"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := publishedPlan("leicestershire-hmic-domestic-abuse-action-plan-2016-17")
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			res, err := planfile.Read(f, actionbot.NewDirectory(nil), planfile.Options{Source: path, Guard: titledNameGuard})
			if err != nil {
				t.Fatal(err)
			}
			a := publishedAction(t, res.Import, tc.action)
			got := stateOf(a)
			if strings.HasPrefix(got.note, tc.want.note) {
				got.note = tc.want.note
			}
			if got != tc.want {
				t.Errorf("state %+v, want %+v", got, tc.want)
			}
			due := ""
			if !a.Deadline.Due.IsZero() {
				due = a.Deadline.Due.String()
			}
			if due != tc.due {
				t.Errorf("due %q (%q), want %q", due, a.Deadline.Written, tc.due)
			}
			if len(a.Lead) != 0 {
				t.Errorf("lead %v: the owner is a person, never stored", a.Lead)
			}
			for _, s := range []string{a.Notes, a.Text, a.Deadline.Written, got.note, got.reason} {
				if strings.Contains(s, "Starbuck") {
					t.Errorf("the person's name is stored: %q", s)
				}
			}
			var warned []string
			for _, w := range res.Warnings {
				warned = append(warned, w.String())
			}
			if all := strings.Join(warned, "\n"); !strings.Contains(all, "the owner part of the cell seems to hold a person's name") ||
				strings.Contains(all, "with this cell empty") {
				t.Errorf("warnings %q: want the owner part said to be left out, and the rest read", all)
			}
		})
	}
}

func TestBathAndNorthEastSomersetsWorkToDateIsProgressNotADeadline(t *testing.T) {
	res := mustReadPublished(t, publishedPlan("bathnes-prevent-action-plan-feb-2017"))
	for i, start := range []string{"A Board is in place comprising", "The following Council services", "Regular discussions take place", "No Channel Panel referrals"} {
		a := res.Import.Actions[i]
		if got := stateOf(a); !strings.HasPrefix(got.note, start) || a.Deadline.Written != "" {
			t.Errorf("action %s: note %q, deadline %q; want the work to date (%q…) as the latest note and no deadline", a.Ref, got.note, a.Deadline.Written, start)
		}
	}
}
