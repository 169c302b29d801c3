package main

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/planfile"
	"github.com/sevenoaks-csp/actionbot/store"
)

func mustWriteFile(tb testing.TB, name, content string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// mustOpenDB opens the invocation's database, after the command has run.
func (iv *invocation) mustOpenDB(tb testing.TB) *store.DB {
	tb.Helper()
	db := store.NewDB(iv.env["ACTIONBOT_DB"])
	if err := db.Open(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func mustActions(tb testing.TB, db *store.DB) map[string]*actionbot.Action {
	tb.Helper()
	ctx := context.Background()
	plan, err := db.CurrentPlan(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	as, err := db.FindActions(ctx, actionbot.ActionFilter{PlanID: plan.ID})
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string]*actionbot.Action{}
	for _, a := range as {
		out[a.Text] = a
	}
	return out
}

// TestImportEveryDeadlineFormRealPlansWrite imports one row per deadline form
// that real plans write, into a new database, and checks what each means.
// None of them makes the import fail.
func TestImportEveryDeadlineFormRealPlansWrite(t *testing.T) {
	d := actionbot.D
	tests := []struct {
		written    string
		due        actionbot.Date
		ongoing    bool
		cadence    actionbot.Cadence
		milestones int
	}{
		{written: "Weekly", ongoing: true, cadence: actionbot.CadenceWeekly},
		{written: "July 2017 launch", due: d(2017, 7, 31)},
		{written: "Review April 2008. Report June 2008", due: d(2008, 6, 30), milestones: 2},
		{written: "To commence May 2007. Report to Exec November 2007", due: d(2007, 11, 30), milestones: 2},
		{written: "November 2023; from March 2024 onwards", ongoing: true, milestones: 2},
		{written: "Ongoing to 2027", ongoing: true},
		{written: "Until March 2025", due: d(2025, 3, 31)},
		{written: "Monthly to 2027", ongoing: true, cadence: actionbot.CadenceMonthly},
		{written: "Next event March 2024", due: d(2024, 3, 31)},
		{written: "Adoption from April 2026", ongoing: true},
		{written: "To 2027", due: d(2027, 12, 31)},
		{written: "Q2 2014/15", due: d(2014, 9, 30)},
		{written: "2014/15", due: d(2015, 3, 31)},
		{written: "Quarterly", ongoing: true, cadence: actionbot.CadenceQuarterly},
		{written: "Annual", ongoing: true, cadence: actionbot.CadenceAnnual},
		{written: "End of Year", due: d(2015, 3, 31)}, // the plan's last day: the plan is 2014-15, set below
		{written: "April 2014 - March 2015", due: d(2015, 3, 31)},
		{written: "Summer 2013", due: d(2013, 8, 31)},
		{written: "TBC"},
		{written: "Mar-14", due: d(2014, 3, 31)},
		{written: "31/03/15", due: d(2015, 3, 31)},
		{written: "March 2014 and ongoing", ongoing: true},
		{written: "When funding allows"},
	}
	var b strings.Builder
	b.WriteString("Action,Lead,Timescale\n")
	for i, tc := range tests {
		b.WriteString("Action " + string(rune('A'+i)) + ",Police,\"" + tc.written + "\"\n")
	}
	iv := newInvocation(t)
	code, out, errs := iv.run(t, "", "import", "--period", "2014-04-01..2015-03-31", mustWriteFile(t, "plan.csv", b.String()))
	if code != 0 {
		t.Fatalf("import failed (exit %d): %s", code, errs)
	}
	for _, want := range []string{"Needs a date (2)", `line 20, column by_when: "TBC" gives no date`, `line 24, column by_when: "When funding allows" gives no date`} {
		if !strings.Contains(out, want) {
			t.Errorf("import output lacks %q:\n%s", want, out)
		}
	}
	got := mustActions(t, iv.mustOpenDB(t))
	for i, tc := range tests {
		t.Run(tc.written, func(t *testing.T) {
			a := got["Action "+string(rune('A'+i))]
			if a == nil {
				t.Fatal("not imported")
			}
			dl := a.Deadline
			if dl.Written != tc.written || dl.Due != tc.due || dl.Ongoing != tc.ongoing {
				t.Errorf("deadline %+v, want due %v ongoing %v", dl, tc.due, tc.ongoing)
			}
			if needs := tc.due.IsZero() && !tc.ongoing; dl.NeedsDate() != needs {
				t.Errorf("NeedsDate %v, want %v", dl.NeedsDate(), needs)
			}
			if dl.Cadence() != tc.cadence || len(dl.Milestones()) != tc.milestones {
				t.Errorf("cadence %q milestones %v, want %q and %d", dl.Cadence(), dl.Milestones(), tc.cadence, tc.milestones)
			}
		})
	}
}

// anotherCounty is a plan from outside Kent with the generic names that used
// to be given to Kent agencies.
const anotherCounty = "Westshire Prevent Delivery Plan\n" +
	"No,Priority,Action,Lead Officer,Partners,Target date,Resources\n" +
	"1,Awareness,Deliver awareness sessions to schools,\"Police, Council\",Fire Service,June 2023,Existing\n" +
	"2,Awareness,Refresh the referral pathway,Prevent Officer – A. Person,\"Probation, CSP\",September 2023,\n" +
	"3,Support,Channel panel reviews,District Council,Police and Fire Service,Monthly,\n"

func TestImportAnotherCountysPlanCreatesNoKentAgency(t *testing.T) {
	iv := newInvocation(t)
	code, out, errs := iv.run(t, "", "import", mustWriteFile(t, "westshire.csv", anotherCounty))
	if code != 0 {
		t.Fatalf("import failed (exit %d): %s", code, errs)
	}
	if !strings.Contains(out, `Imported "Westshire Prevent Delivery Plan" (2023-04-01..2024-03-31)`) {
		t.Fatalf("import output:\n%s", out)
	}
	db := iv.mustOpenDB(t)
	agencies, err := db.Agencies(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	shipped, err := planfile.Agencies()
	if err != nil {
		t.Fatal(err)
	}
	kent := map[string]bool{}
	for _, a := range shipped {
		kent[a.Code] = a.Code != "POLICE" && a.Code != "PROBATION" && a.Code != "CSP" // the generic ones may be this plan's own
	}
	var got []string
	for _, a := range agencies {
		got = append(got, a.Code+"="+a.Name)
		low := strings.ToLower(a.Name + " " + strings.Join(a.Aliases, " "))
		if kent[a.Code] || strings.Contains(low, "kent") || strings.Contains(low, "sevenoaks") {
			t.Errorf("agency %s (%s) is Kent's or Sevenoaks', not this plan's", a.Code, a.Name)
		}
	}
	want := "COUNCIL=Council,CSP=CSP,DISTRICT-COUNCIL=District Council,FIRE-SERVICE=Fire Service,POLICE=Police,PREVENT-OFFICER=Prevent Officer,PROBATION=Probation"
	if strings.Join(got, ",") != want {
		t.Fatalf("agencies\n got %s\nwant %s", strings.Join(got, ","), want)
	}
	acts := mustActions(t, db)
	if a := acts["Refresh the referral pathway"]; a == nil || len(a.Lead) != 1 || a.Lead[0] != (actionbot.Party{Agency: "PREVENT-OFFICER", Role: "A. Person"}) {
		t.Fatalf("the en-dash role: %+v", a)
	}
	if a := acts["Deliver awareness sessions to schools"]; a == nil || len(a.Lead) != 2 {
		t.Fatalf("the comma-separated leads: %+v", a)
	}
}

func TestImportDryRunCreatesNothing(t *testing.T) {
	iv := newInvocation(t)
	code, out, errs := iv.run(t, "", "import", "--dry-run", mustWriteFile(t, "westshire.csv", anotherCounty))
	if code != 0 || !strings.Contains(out, "Nothing was imported or created (--dry-run)") {
		t.Fatalf("exit %d:\n%s\n%s", code, out, errs)
	}
	if _, err := os.Stat(iv.env["ACTIONBOT_DB"]); !os.IsNotExist(err) {
		t.Fatalf("--dry-run created the database: %v", err)
	}
}

// A wrong path is said in words, and nothing is created or imported.
func TestImportOfAPathThatIsNoPlanFileSaysSo(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ path, want string }{
		{filepath.Join(dir, "nofile.csv"), "There is no plan file at " + filepath.Join(dir, "nofile.csv") + "; nothing was imported."},
		{dir, dir + " is a directory, not a plan file; nothing was imported."},
	} {
		iv := newInvocation(t)
		code, _, errs := iv.run(t, "", "import", tc.path)
		if code != 1 || !strings.Contains(errs, tc.want) {
			t.Errorf("import %s: exit %d: %s", tc.path, code, errs)
		}
		if _, err := os.Stat(iv.env["ACTIONBOT_DB"]); !os.IsNotExist(err) {
			t.Errorf("import %s created the database: %v", tc.path, err)
		}
	}
}

func TestImportStopsAtTheSizeCap(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero here")
	}
	iv := newInvocation(t)
	done := make(chan struct{})
	var code int
	var errs string
	go func() {
		defer close(done)
		code, _, errs = iv.run(t, "", "import", "--dry-run", "/dev/zero")
	}()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatal("import --dry-run /dev/zero did not stop")
	}
	if code != 1 || !strings.Contains(errs, "larger than 50 MB") {
		t.Fatalf("exit %d: %s", code, errs)
	}
}

func TestExportShippedIsATemplateWithoutADatabase(t *testing.T) {
	iv := newInvocation(t)
	path := filepath.Join(t.TempDir(), "template.csv")
	if code, _, errs := iv.run(t, "", "export", "--shipped", "-o", path); code != 0 {
		t.Fatalf("export --shipped: %s", errs)
	}
	if _, err := os.Stat(iv.env["ACTIONBOT_DB"]); !os.IsNotExist(err) {
		t.Fatalf("export --shipped opened a database: %v", err)
	}
	other := newInvocation(t)
	code, out, errs := other.run(t, "", "import", path)
	if code != 0 || !strings.Contains(out, `Imported "Sevenoaks District CSP Action Plan 2012-13" (2012-04-01..2013-03-31)`) || !strings.Contains(out, "42 added") {
		t.Fatalf("import of the template (exit %d):\n%s\n%s", code, out, errs)
	}
}

func TestExportShowsTheMovedDeadlineAndImportIgnoresIt(t *testing.T) {
	iv := newInvocation(t)
	if code, out, errs := iv.run(t, "/action 5.2 due June 2013 volunteers recruited late\n"); code != 0 || !strings.Contains(out, "5.2") {
		t.Fatalf("move the deadline (exit %d):\n%s\n%s", code, out, errs)
	}
	path := filepath.Join(t.TempDir(), "plan.csv")
	if code, _, errs := iv.run(t, "", "export", "-o", path); code != 0 {
		t.Fatalf("export: %s", errs)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[strings.TrimPrefix(h, "\ufeff")] = i
	}
	var row []string
	for _, r := range recs[1:] {
		if r[0] == "5.2" {
			row = r
		}
	}
	if row == nil || row[col["by_when"]] != "March 2012" || row[col["current_by_when"]] != "June 2013" {
		t.Fatalf("5.2 exported as %q: want by_when March 2012 and current_by_when June 2013", row)
	}
	code, out, errs := iv.run(t, "", "import", path)
	if code != 0 || !strings.Contains(out, "0 added, 0 updated, 42 unchanged") {
		t.Fatalf("re-import (exit %d):\n%s\n%s", code, out, errs)
	}
	a := mustActions(t, iv.mustOpenDB(t))["Promote Speedwatch across the District including training for volunteers"]
	if a == nil || a.Deadline.Written != "June 2013" || a.Original.Written != "March 2012" {
		t.Fatalf("after re-import 5.2 is %+v", a)
	}
}

func TestImportDryRunSaysWhatWouldChangeWordByWordAndChangesNothing(t *testing.T) {
	iv := newInvocation(t)
	iv.mustInit(t)
	dir := t.TempDir()
	before := filepath.Join(dir, "before.csv")
	if code, _, errs := iv.run(t, "", "export", "-o", before); code != 0 {
		t.Fatalf("export: %s", errs)
	}
	b, err := os.ReadFile(before)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(b), "Use mobile CCTV effectively to deter crime", "Use mobile CCTV well to deter crime", 1)
	if edited == string(b) {
		t.Fatal("the export lacks 1.4's text")
	}
	path := mustWriteFile(t, "edited.csv", edited)
	code, out, errs := iv.run(t, "", "import", "--dry-run", path)
	if code != 0 {
		t.Fatalf("dry run (exit %d): %s", code, errs)
	}
	for _, want := range []string{"Nothing was imported or created (--dry-run)", "Importing it would do this:", "0 added, 1 updated, 41 unchanged",
		`1.4: text "Use mobile CCTV effectively to deter crime and…" → "Use mobile CCTV well to deter crime and…"`} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	after := filepath.Join(dir, "after.csv")
	if code, _, errs := iv.run(t, "", "export", "-o", after); code != 0 {
		t.Fatalf("export: %s", errs)
	}
	a, err := os.ReadFile(after)
	if err != nil {
		t.Fatal(err)
	}
	if string(a) != string(b) {
		t.Fatal("--dry-run changed the plan")
	}
}

func TestImportIntoTheShippedPlansDatabaseWarnsOfItsAgencies(t *testing.T) {
	iv := newInvocation(t)
	if code, _, errs := iv.run(t, "", "init"); code != 0 { // the shipped plan
		t.Fatal(errs)
	}
	code, out, errs := iv.run(t, "", "import", "--dry-run", mustWriteFile(t, "westshire.csv", anotherCounty))
	if code != 0 || !strings.Contains(out, "this database holds the shipped plan") {
		t.Fatalf("exit %d:\n%s\n%s", code, out, errs)
	}
	fresh := newInvocation(t)
	if _, out, _ := fresh.run(t, "", "import", mustWriteFile(t, "westshire.csv", anotherCounty)); strings.Contains(out, "holds the shipped plan") {
		t.Fatalf("a new database was warned about:\n%s", out)
	}
}

func TestImportDryRunCountsInWords(t *testing.T) {
	iv := newInvocation(t)
	csv := "id,priority,priority_title,action,lead,partners,by_when,funding\n1.1,1,ASB,Only action,CSU,,March 2013,\n"
	code, out, errs := iv.run(t, "", "import", "--dry-run", mustWriteFile(t, "one.csv", csv))
	if code != 0 || !strings.Contains(out, "The file is valid: 1 action in 1 priority,") {
		t.Fatalf("exit %d:\n%s\n%s", code, out, errs)
	}
}
