package planfile_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
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
