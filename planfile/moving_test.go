package planfile_test

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/planfile"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// mustChangeThroughTheHandler makes changes as a coordinator, each a
// minute after the last.
func mustChangeThroughTheHandler(t *testing.T, db *store.DB, clock *storetest.Clock, changes ...string) {
	t.Helper()
	ctx := context.Background()
	db.ConfiguredCoordinators = []string{"UCOORD"}
	h := &commands.Handler{Store: db, Now: clock.Now, Location: storetest.London}
	for _, text := range changes {
		clock.Set(clock.Now().Add(time.Minute))
		cmd, err := h.Parse(ctx, text)
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		if _, err := h.Do(ctx, commands.Request{UserID: "UCOORD", Text: text}, cmd); err != nil {
			t.Fatalf("%s: %v", text, err)
		}
	}
}

// mustExport exports the current plan as the CLI does, rated at the clock.
func mustExport(t *testing.T, db *store.DB, clock *storetest.Clock, format string) []byte {
	t.Helper()
	ctx := context.Background()
	plan, err := db.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ex := &planfile.Export{Plan: plan, Loc: storetest.London, Rate: actionbot.DefaultRAGRules().RateAt(plan, clock.Now())}
	if ex.Priorities, err = db.Priorities(ctx, plan.ID); err != nil {
		t.Fatal(err)
	}
	if ex.Actions, err = db.FindActions(ctx, actionbot.ActionFilter{PlanID: plan.ID}); err != nil {
		t.Fatal(err)
	}
	if ex.LatestNotes, err = db.LatestNotes(ctx, plan.ID); err != nil {
		t.Fatal(err)
	}
	if ex.Agencies, err = db.Agencies(ctx); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	write := planfile.WriteExport
	if format == "xlsx" {
		write = planfile.WriteExportXLSX
	}
	if err := write(&b, ex); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// mustImport imports a file as the CLI does into db, whose agencies are the
// only ones the file's names are read against.
func mustImport(t *testing.T, db *store.DB, file []byte, apply, dry bool) *actionbot.ImportResult {
	t.Helper()
	ctx := context.Background()
	known, err := db.Agencies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	res, err := planfile.ReadFile(bytes.NewReader(file), "", actionbot.NewDirectory(known), planfile.Options{Source: "moved", Actor: "import"})
	if err != nil {
		t.Fatal(err)
	}
	planfile.InZone(res.Import, storetest.London)
	res.Import.ApplyState, res.Import.DryRun = apply, dry
	out, err := db.ImportPlan(ctx, res.Import)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sheets are a workbook's cell values, by sheet.
func sheets(t *testing.T, book []byte) map[string][][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(book))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][][]string{}
	for _, name := range f.GetSheetList() {
		if out[name], err = f.GetRows(name); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// theShippedPlanInUse is the shipped plan after a summer's work: progress,
// a blocking with its reason, a risk, a moved deadline, notes, a done action.
var theShippedPlanInUse = []string{
	"5.2 progress 60",
	"5.2 note volunteers trained in Edenbridge and Swanley",
	"5.2 blocked waiting for the speed guns",
	"1.1 at risk CCTV budget under review",
	"2.3 due June 2013 agreed at the board",
	"3.1 done",
	"4.1 note =SUM(A1) is what the spreadsheet shows",
	"6.2 progress 25",
}

func TestExportThenImportIntoAnEmptyDatabaseIsTheSamePlan(t *testing.T) {
	for _, format := range []string{"csv", "xlsx"} {
		t.Run(format, func(t *testing.T) {
			ctx := context.Background()
			clock := storetest.NewClock(time.Date(2012, time.September, 3, 10, 0, 0, 0, storetest.London))
			before := storetest.MustOpen(t, clock)
			mustChangeThroughTheHandler(t, before, clock, theShippedPlanInUse...)
			clock.Set(time.Date(2012, time.October, 1, 9, 0, 0, 0, storetest.London))
			first := mustExport(t, before, clock, format)

			after := storetest.MustOpenEmpty(t, clock)
			res := mustImport(t, after, first, false, false)
			if !res.Created || len(res.Added) != 42 || len(res.NewAgencies) == 0 {
				t.Fatalf("import: created %v, added %d, new agencies %v", res.Created, len(res.Added), res.NewAgencies)
			}
			second := mustExport(t, after, clock, format)
			if format == "csv" {
				if !bytes.Equal(first, second) {
					t.Fatalf("the new database exports differently: %s", firstDifference(strings.Split(string(first), "\r\n"), strings.Split(string(second), "\r\n")))
				}
			} else if a, b := sheets(t, first), sheets(t, second); !reflect.DeepEqual(a, b) {
				t.Fatalf("the new database's workbook differs: Actions %s; Agencies %s",
					firstDifference(rowsText(a["Actions"]), rowsText(b["Actions"])), firstDifference(rowsText(a["Agencies"]), rowsText(b["Agencies"])))
			} else if len(a["Actions"]) != 43 || len(a["Agencies"]) < 2 {
				t.Fatalf("the workbook has %d rows of actions and %d of agencies", len(a["Actions"]), len(a["Agencies"]))
			}

			// The agencies came back by name: Kent Police is joined by its name.
			after.ConfiguredCoordinators = []string{"UCOORD"}
			h := &commands.Handler{Store: after, Now: clock.Now, Location: storetest.London}
			if msg := h.Handle(ctx, commands.Request{UserID: "UCOORD", Text: "admin member add @U0KP Kent Police"}); !strings.Contains(msg.Text, "✅") {
				t.Fatalf("member add by the name Kent Police: %s", msg.Text)
			}
			if ms, err := after.Members(ctx, "POLICE"); err != nil || len(ms) != 1 || ms[0].UserID != "U0KP" {
				t.Fatalf("members of POLICE: %v %v", ms, err)
			}

			// The cards read as before, but for the line of the latest entry.
			was := &commands.Handler{Store: before, Now: clock.Now, Location: storetest.London}
			for _, ref := range []string{"5.2", "1.1", "2.3", "3.1", "4.1", "7.5"} {
				a, b := was.Handle(ctx, commands.Request{UserID: "UCOORD", Text: ref}), h.Handle(ctx, commands.Request{UserID: "UCOORD", Text: ref})
				if a.Text != b.Text {
					t.Errorf("%s reads %q, was %q", ref, b.Text, a.Text)
				}
				if x, y := withoutLatest(a.Blocks), withoutLatest(b.Blocks); !reflect.DeepEqual(x, y) {
					t.Errorf("%s's card differs:\n%+v\n---- was:\n%+v", ref, y, x)
				}
			}
			card := h.Handle(ctx, commands.Request{UserID: "UCOORD", Text: "5.2"})
			if s := blockText(card.Blocks); !strings.Contains(s, "volunteers trained in Edenbridge and Swanley") || !strings.Contains(s, "Kent Police") {
				t.Errorf("5.2's card lacks its latest note or Kent Police's name:\n%s", s)
			}

			// The history says the state came from the plan.
			plan, _ := after.CurrentPlan(ctx)
			hist, err := after.History(ctx, plan.ID, "5.2", 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(hist) != 2 || hist[1].Verb != actionbot.VerbImport || hist[1].Actor != "import" || !strings.HasPrefix(hist[1].Note, "from the plan") ||
				hist[0].Verb != actionbot.VerbNote || hist[0].Note != "volunteers trained in Edenbridge and Swanley" {
				t.Fatalf("5.2's history after the move: %+v", hist)
			}
			if got := hist[1].Summary(); got != "status open → blocked, progress 0% → 60%" {
				t.Errorf("5.2's import entry reads %q", got)
			}
		})
	}
}

func withoutLatest(bs []actionbot.Block) []actionbot.Block {
	return slices.DeleteFunc(slices.Clone(bs), func(b actionbot.Block) bool {
		return strings.HasPrefix(blockText([]actionbot.Block{b}), "Latest: ")
	})
}

func blockText(bs []actionbot.Block) string {
	var s strings.Builder
	for _, b := range bs {
		s.WriteString(b.Text.Plain())
		for _, f := range b.Fields {
			s.WriteString(" " + f.Label + ": " + f.Value.Plain())
		}
		s.WriteString("\n")
	}
	return s.String()
}

func TestImportOverThePlanListsTheFilesStateAndAppliesItOnlyWhenAsked(t *testing.T) {
	clock := storetest.NewClock(time.Date(2012, time.September, 3, 10, 0, 0, 0, storetest.London))
	used := storetest.MustOpen(t, clock)
	mustChangeThroughTheHandler(t, used, clock, theShippedPlanInUse...)
	file := mustExport(t, used, clock, "csv")
	for _, tc := range []struct {
		name         string
		apply, dry   bool
		wantsApplied bool
	}{
		{"without --apply-state the differences are listed and the plan kept", false, false, false},
		{"a dry run with --apply-state lists them and changes nothing", true, true, false},
		{"with --apply-state they are applied, each audited", true, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			db := storetest.MustOpen(t, clock)
			before := mustExport(t, db, clock, "csv")
			res := mustImport(t, db, file, tc.apply, tc.dry)
			if res.Created || len(res.Added) != 0 || len(res.Updated) != 0 {
				t.Fatalf("created %v, added %v, updated %v: the plan's definition is the same", res.Created, res.Added, res.Updated)
			}
			got := map[string]string{}
			for _, d := range res.States {
				var cs []string
				for _, c := range d.Changes {
					cs = append(cs, c.Field+" "+c.From+"→"+c.To)
				}
				got[d.Ref] = strings.Join(cs, "; ")
			}
			want := map[string]string{
				"5.2": "status open→blocked; reason →waiting for the speed guns; progress 0→60; note →volunteers trained in Edenbridge and Swanley",
				"1.1": "status open→at_risk; reason →CCTV budget under review",
				"2.3": "deadline June 2011→June 2013",
				"3.1": "status open→done; progress 0→100",
				"4.1": "note →=SUM(A1) is what the spreadsheet shows",
				"6.2": "progress 0→25",
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("states %v\nwant %v", got, want)
			}
			plan, _ := db.CurrentPlan(ctx)
			a, err := db.FindAction(ctx, plan.ID, "5.2")
			if err != nil {
				t.Fatal(err)
			}
			if !tc.wantsApplied {
				if after := mustExport(t, db, clock, "csv"); !bytes.Equal(before, after) {
					t.Fatalf("the plan changed:\n%s\n---- before:\n%s", after, before)
				}
				return
			}
			if a.Status != actionbot.StatusBlocked || a.Reason != "waiting for the speed guns" || a.Progress != 60 || !a.LastActivity.IsZero() {
				t.Fatalf("5.2 after --apply-state: %s %q %d%%, last updated %v", a.Status, a.Reason, a.Progress, a.LastActivity)
			}
			if d, _ := db.FindAction(ctx, plan.ID, "2.3"); d.Deadline.Written != "June 2013" || d.Original.Written != "June 2011" {
				t.Fatalf("2.3 after --apply-state is due %q, agreed %q", d.Deadline.Written, d.Original.Written)
			}
			hist, err := db.History(ctx, plan.ID, "5.2", 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(hist) != 2 || hist[1].Verb != actionbot.VerbImport || hist[1].Note != "from the plan: waiting for the speed guns" || hist[0].Verb != actionbot.VerbNote {
				t.Fatalf("5.2's history: %+v", hist)
			}
			// Applied, the same file again has nothing to apply.
			if again := mustImport(t, db, file, true, false); len(again.States) != 0 {
				t.Fatalf("the same file again: %+v", again.States)
			}
		})
	}
}

// firstDifference describes the first line that differs between was and is.
func firstDifference(was, is []string) string {
	for i := range max(len(was), len(is)) {
		var a, b string
		if i < len(was) {
			a = was[i]
		}
		if i < len(is) {
			b = is[i]
		}
		if a != b {
			return fmt.Sprintf("line %d is\n%s\nwas\n%s", i+1, b, a)
		}
	}
	return "none"
}

func rowsText(rows [][]string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = strings.Join(r, " | ")
	}
	return out
}
