package planfile_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/planfile"
)

// expectation is what a careful reader of a published plan says of it,
// written beside each transcribed plan in testdata/plans.
type expectation struct {
	Source    string            `json:"source"`
	Title     string            `json:"title"`
	Period    string            `json:"period"`
	IDs       []string          `json:"ids"`
	Agencies  []string          `json:"agencies"`
	Deadlines map[string]string `json:"deadlines"`
}

// mustPublishedPlans lists the transcribed plans with their expectations.
func mustPublishedPlans(tb testing.TB) map[string]expectation {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join("..", "testdata", "plans", "*.csv"))
	if err != nil || len(files) < 8 {
		tb.Fatalf("want at least 8 published plans in testdata/plans, found %d (%v)", len(files), err)
	}
	out := map[string]expectation{}
	for _, f := range files {
		data, err := os.ReadFile(strings.TrimSuffix(f, ".csv") + ".expect.json")
		if err != nil {
			tb.Fatalf("%s has no expectations: %v", f, err)
		}
		var e expectation
		if err := json.Unmarshal(data, &e); err != nil {
			tb.Fatalf("%s: %v", f, err)
		}
		out[f] = e
	}
	return out
}

func mustReadPublished(tb testing.TB, path string) *planfile.Result {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	res, err := planfile.Read(f, actionbot.NewDirectory(nil), planfile.Options{Source: path, Today: actionbot.D(2026, 12, 6)})
	if err != nil {
		tb.Fatalf("%s does not import: %v", filepath.Base(path), err)
	}
	return res
}

func TestEveryPublishedPlanImportsWithNoFlags(t *testing.T) {
	for path, want := range mustPublishedPlans(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			res := mustReadPublished(t, path)
			imp := res.Import
			var refs []string
			for _, a := range imp.Actions {
				refs = append(refs, a.Ref)
			}
			ix := actionbot.NewRefIndex(refs)
			if len(want.IDs) > 0 && len(want.IDs) != len(imp.Actions) {
				t.Errorf("%d actions %v; the plan has %d: %v", len(imp.Actions), refs, len(want.IDs), want.IDs)
			}
			for _, id := range want.IDs {
				if got, alts := ix.Lookup(id); got == "" || alts != nil {
					t.Errorf("the plan's id %q answers %q %v; ids are %v", id, got, alts, refs)
				}
			}
			for key, due := range want.Deadlines {
				var a *actionbot.Action
				if n, ok := strings.CutPrefix(key, "#"); ok {
					if i := mustAtoi(t, n); i >= 1 && i <= len(imp.Actions) {
						a = imp.Actions[i-1] // plan order
					}
				} else if ref, _ := ix.Lookup(key); ref != "" {
					for _, x := range imp.Actions {
						if x.Ref == ref {
							a = x
						}
					}
				}
				if a == nil {
					t.Errorf("no action %s for the deadline %s", key, due)
					continue
				}
				if got := a.Deadline.Due.String(); got != due {
					t.Errorf("%s is due %q (%q), want %s", key, got, a.Deadline.Written, due)
				}
			}
			if want.Title != "" && imp.Name != want.Title {
				t.Errorf("named %q, want the plan's own title %q (chose: %v)", imp.Name, want.Title, res.Chose)
			}
			if want.Period != "" && imp.Period.String() != want.Period {
				t.Errorf("period %s, want the plan's own %s (chose: %v)", imp.Period, want.Period, res.Chose)
			}
			dir := actionbot.NewDirectory(imp.Agencies)
			for _, name := range want.Agencies {
				if _, ok := dir.Lookup(name); !ok {
					t.Errorf("agency %q cannot be joined by that name; agencies are %v", name, agencyNames(imp.Agencies))
				}
			}
		})
	}
}

func agencyNames(as []*actionbot.Agency) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Code+"="+a.Name)
	}
	return out
}

func mustAtoi(tb testing.TB, s string) int {
	tb.Helper()
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			tb.Fatalf("%q is not a number", s)
		}
		n = n*10 + int(r-'0')
	}
	return n
}
