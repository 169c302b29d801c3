package planfile_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/planfile"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// state is what a test expects an imported row's state to be.
type state struct {
	status   actionbot.Status
	reason   string
	progress int // -1: not given
	note     string
	due      string // the current deadline as written, "" when the agreed one
	notes    string // the action's notes from the plan, when something was kept
	warn     string // part of a warning, when one is due
}

func stateOf(a *actionbot.Action) state {
	got := state{progress: -1, notes: a.Notes}
	if s := a.Imported; s != nil {
		got.status, got.reason, got.note = s.Status, s.Reason, s.Note
		if s.Progress != nil {
			got.progress = *s.Progress
		}
		if s.Deadline != nil {
			got.due = s.Deadline.Written
		}
	}
	return got
}

func TestAPlansOwnStateColumnsAreReadAsTheActionsStartingState(t *testing.T) {
	for _, tc := range []struct {
		name, header, row string
		want              state
	}{
		{"no state columns, no state", "Action,Lead,Timescale", "Run the forum,CSU,March 2013", state{progress: -1}},
		{"Complete is done at 100%", "Action,Lead,Timescale,Status", "Run the forum,CSU,March 2013,Complete", state{status: "done", progress: 100}},
		{"Completed, with words after it, is done and keeps the words", "Action,Lead,Timescale,Status", "Run the forum,CSU,March 2013,Completed (handed to CSU)",
			state{status: "done", progress: 100, notes: "Status: Completed (handed to CSU)"}},
		{"On track is open", "Action,Lead,Timescale,Status", "Run the forum,CSU,March 2013,On track", state{status: "open", progress: -1}},
		{"Not started is open", "Action,Lead,Timescale,Status", "Run the forum,CSU,March 2013,Not started", state{status: "open", progress: -1}},
		{"Green is open", "Action,Lead,Timescale,RAG", "Run the forum,CSU,March 2013,Green", state{status: "open", progress: -1}},
		{"Amber is at risk, the rating the reason", "Action,Lead,Timescale,RAG rating", "Run the forum,CSU,March 2013,Amber",
			state{status: "at_risk", reason: "the plan's RAG rating: Amber", progress: -1}},
		{"Red is blocked, the rating the reason", "Action,Lead,Timescale,RAG", "Run the forum,CSU,March 2013,Red",
			state{status: "blocked", reason: "the plan's RAG: Red", progress: -1}},
		{"a status with its reason keeps it whole", "Action,Lead,Timescale,Status", "Run the forum,CSU,March 2013,Delayed - awaiting funding",
			state{status: "at_risk", reason: "the plan's Status: Delayed - awaiting funding", progress: -1}},
		{"the most severe of status and RAG wins", "Action,Lead,Timescale,Status,RAG", "Run the forum,CSU,March 2013,In progress,Amber",
			state{status: "at_risk", reason: "the plan's RAG: Amber", progress: -1}},
		{"Complete Y is done, whatever the RAG", "Action,Lead,Timescale,RAG,Complete Y/N", "Run the forum,CSU,March 2013,Red,Y", state{status: "done", progress: 100}},
		{"Complete N says nothing", "Action,Lead,Timescale,Complete Y/N", "Run the forum,CSU,March 2013,N", state{progress: -1}},
		{"a completion date is done", "Action,Lead,Timescale,Completed", "Run the forum,CSU,March 2013,14/02/2013",
			state{status: "done", progress: 100, notes: "Completed: 14/02/2013"}},
		{"60% is progress", "Action,Lead,Timescale,Progress", "Run the forum,CSU,March 2013,60%", state{progress: 60}},
		{"60 is progress", "Action,Lead,Timescale,Progress", "Run the forum,CSU,March 2013,60", state{progress: 60}},
		{"0.6, a spreadsheet's 60%, is progress", "Action,Lead,Timescale,Progress", "Run the forum,CSU,March 2013,0.6", state{progress: 60}},
		{"1 is 1%", "Action,Lead,Timescale,Progress", "Run the forum,CSU,March 2013,1", state{progress: 1}},
		{"100% is done", "Action,Lead,Timescale,Progress", "Run the forum,CSU,March 2013,100%", state{status: "done", progress: 100}},
		{"150% is no percentage: kept, with a warning", "Action,Lead,Timescale,Progress", "Run the forum,CSU,March 2013,150%",
			state{progress: -1, notes: "Progress: 150%", warn: "not a percentage from 0 to 100"}},
		{"progress in words is the latest note", "Action,Lead,Timescale,Progress", "Run the forum,CSU,March 2013,Two meetings held",
			state{progress: -1, note: "Two meetings held"}},
		{"a progress update is the latest note", "Action,Lead,Timescale,Progress update", "Run the forum,CSU,March 2013,Venue booked for May",
			state{progress: -1, note: "Venue booked for May"}},
		{"a bare percentage in the update is the progress", "Action,Lead,Timescale,Update", "Run the forum,CSU,March 2013,45%", state{progress: 45}},
		{"progress and an update: both", "Action,Lead,Timescale,Progress,Commentary", "Run the forum,CSU,March 2013,30%,Venue booked",
			state{progress: 30, note: "Venue booked"}},
		{"progress in words saying Complete is done", "Action,Lead,Timescale,Progress", "Run the forum,CSU,March 2013,Complete", state{status: "done", progress: 100}},
		{"an unknown status is kept in the notes, with a warning", "Action,Lead,Timescale,Status", "Run the forum,CSU,March 2013,Parked",
			state{progress: -1, notes: "Status: Parked", warn: "not a status I know"}},
		{"a commentary whose first sentence is Action completed is done, the text the latest note", "Action,Lead,Timescale,Commentary",
			"Run the forum,CSU,March 2013,\"Action completed.\nThe target needs to be reviewed.\"",
			state{status: "done", progress: 100, note: "Action completed.\nThe target needs to be reviewed."}},
		{"a progress cell starting Completed – is done, the text the latest note", "Action,Lead,Timescale,Progress",
			"Run the forum,CSU,March 2013,Completed – handed to the CSU in May",
			state{status: "done", progress: 100, note: "Completed – handed to the CSU in May"}},
		{"a progress cell starting Complete. is done", "Action,Lead,Timescale,Progress update",
			"Run the forum,CSU,March 2013,Complete. Forum meets monthly", state{status: "done", progress: 100, note: "Complete. Forum meets monthly"}},
		{"a commentary starting with words after Completed is only a note", "Action,Lead,Timescale,Commentary",
			"Run the forum,CSU,March 2013,Completed 53 assessments of 60", state{progress: -1, note: "Completed 53 assessments of 60"}},
		{"a commentary starting Not complete is only a note", "Action,Lead,Timescale,Commentary",
			"Run the forum,CSU,March 2013,Not complete. Venue to be found", state{progress: -1, note: "Not complete. Venue to be found"}},
		{"a status of Action completed is done", "Action,Lead,Timescale,Status", "Run the forum,CSU,March 2013,Action completed",
			state{status: "done", progress: 100}},
		{"a RAG rating In Progress (amber) is read by its colour: at risk", "Action,Lead,Timescale,RAG Rating",
			"Run the forum,CSU,March 2013,In Progress (amber)",
			state{status: "at_risk", reason: "the plan's RAG Rating: In Progress (amber)", progress: -1, notes: "RAG Rating: In Progress (amber)"}},
		{"a status with Red in it is blocked", "Action,Lead,Timescale,Status", "Run the forum,CSU,March 2013,Progressing - Red",
			state{status: "blocked", reason: "the plan's Status: Progressing - Red", progress: -1}},
		{"a status On track (green) is open", "Action,Lead,Timescale,Status", "Run the forum,CSU,March 2013,On track (green)",
			state{status: "open", progress: -1, notes: "Status: On track (green)"}},
		{"a status Complete (green) is done: done is read before the colour", "Action,Lead,Timescale,Status", "Run the forum,CSU,March 2013,Complete (green)",
			state{status: "done", progress: 100, notes: "Status: Complete (green)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := planfile.Read(strings.NewReader(tc.header+"\n"+tc.row+"\n"), mustDirectory(t), planfile.Options{Name: "P"})
			if err != nil {
				t.Fatal(err)
			}
			got := stateOf(res.Import.Actions[0])
			warned := ""
			for _, w := range res.Warnings {
				warned += w.String() + "\n"
			}
			if tc.want.warn != "" && !strings.Contains(warned, tc.want.warn) {
				t.Errorf("warnings %q lack %q", warned, tc.want.warn)
			}
			got.warn = tc.want.warn
			if got != tc.want {
				t.Errorf("state %+v, want %+v", got, tc.want)
			}
		})
	}
}

// exportHeader is the export's header, for rows written by hand.
var exportHeader = strings.Join(planfile.ExportHeader(), ",")

func TestTheExportsOwnColumnsAreReadBackExactly(t *testing.T) {
	const lead = "1.1,1,T,Run the forum,CSU,,March 2013,,"
	const tail = ",P,2012-04-01..2013-03-31"
	for _, tc := range []struct {
		name, row string
		want      state
		updated   string
	}{
		{"open at 0 is open at 0", lead + "open,0,green,,March 2013," + tail + ",,,", state{status: "open", progress: 0}, ""},
		{"blocked with its reason", lead + "blocked,60,red,2012-09-03 10:03,March 2013," + tail + ",waiting for the speed guns,volunteers trained,",
			state{status: "blocked", reason: "waiting for the speed guns", progress: 60, note: "volunteers trained"}, "2012-09-03 10:03"},
		{"at risk with its reason", lead + "at risk,10,amber,,March 2013," + tail + ",budget under review,,",
			state{status: "at_risk", reason: "budget under review", progress: 10}, ""},
		{"the rag is the bot's own rating, not read", lead + "open,0,red,,March 2013," + tail + ",,,", state{status: "open", progress: 0}, ""},
		{"a moved deadline", lead + "open,0,green,,June 2013," + tail + ",,,", state{status: "open", progress: 0, due: "June 2013"}, ""},
		{"a reason beside open is not read", lead + "open,0,green,,March 2013," + tail + ",old words,,", state{status: "open", progress: 0}, ""},
		{"a latest note that looks like a percentage stays a note", lead + "open,20,green,,March 2013," + tail + ",,60%,", state{status: "open", progress: 20, note: "60%"}, ""},
		{"a latest note that looks like a formula", lead + "open,0,green,,March 2013," + tail + ",,'=SUM(A1),", state{status: "open", progress: 0, note: "=SUM(A1)"}, ""},
		{"done at 100", lead + "done,100,complete,2012-09-03 10:06,March 2013," + tail + ",,,", state{status: "done", progress: 100}, "2012-09-03 10:06"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := planfile.Read(strings.NewReader(exportHeader+"\n"+tc.row+",\n"), mustDirectory(t), planfile.Options{}) // created: none
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Warnings) > 0 {
				t.Errorf("warnings: %v", res.Warnings)
			}
			a := res.Import.Actions[0]
			if got := stateOf(a); got != tc.want {
				t.Errorf("state %+v, want %+v", got, tc.want)
			}
			updated := ""
			if a.Imported != nil && !a.Imported.Updated.IsZero() {
				updated = a.Imported.Updated.Format("2006-01-02 15:04")
			}
			if updated != tc.updated {
				t.Errorf("updated %q, want %q", updated, tc.updated)
			}
		})
	}
}

func TestTheUpdatedAndCreatedTimesAreReadInThePlansZone(t *testing.T) {
	row := "1.1,1,T,Run the forum,CSU,,March 2013,,open,0,green,2012-09-03 10:03,March 2013,,P,2012-04-01..2013-03-31,,,,2012-04-02 09:00"
	res, err := planfile.Read(strings.NewReader(exportHeader+"\n"+row+"\n"), mustDirectory(t), planfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	planfile.InZone(res.Import, storetest.London)
	want := time.Date(2012, time.September, 3, 10, 3, 0, 0, storetest.London)
	if got := res.Import.Actions[0].Imported.Updated; !got.Equal(want) {
		t.Fatalf("updated %s, want %s (09:03 UTC, in British Summer Time)", got, want)
	}
	if got := res.Import.Actions[0].Imported.Created; !got.Equal(storetest.PlanStart) {
		t.Fatalf("created %s, want %s, the plan's first morning", got, storetest.PlanStart)
	}
}

func TestTheAgenciesSectionGivesTheAgenciesByName(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		lead       string
		agencies   string // code=name|aliases, as imported
		problem    string
	}{
		{"after a blank row, as export writes it",
			exportHeader + "\n1.1,1,T,Run the forum,POLICE (Training),CSU,March 2013,,open,0,,,March 2013,,P,2012-04-01..2013-03-31,,,,\n" +
				",,,,\nAgencies,,\ncode,name,aliases\nCSU,Community Safety Unit,\nPOLICE,Kent Police,Police;KP\n",
			"POLICE (Training)", "CSU=Community Safety Unit| POLICE=Kent Police|Police;KP", ""},
		{"in three columns, as a person might type it, under any plan",
			"Action,Lead,Timescale\nRun the forum,Kent Police,March 2013\n\nAgencies\ncode,name,aliases\nPOLICE,Kent Police,\n",
			"POLICE", "POLICE=Kent Police|", ""},
		{"an agency with no name is a problem",
			"Action,Lead,Timescale\nRun the forum,POLICE,March 2013\nAgencies\ncode,name\nPOLICE,\n",
			"", "", "line 5, column Agencies: an agency needs a code and a name"},
		{"an agency twice is a problem",
			"Action,Lead,Timescale\nRun the forum,POLICE,March 2013\nAgencies\ncode,name\nPOLICE,Kent Police\npolice,Police\n",
			"", "", "agency POLICE is listed twice, here and on line 5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := planfile.Read(strings.NewReader(tc.file), actionbot.NewDirectory(nil), planfile.Options{Name: "P"})
			if tc.problem != "" {
				if err == nil || !strings.Contains(err.Error(), tc.problem) {
					t.Fatalf("Read = %v, want the problem %q", err, tc.problem)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Import.Actions) != 1 {
				t.Fatalf("%d actions: the agencies were read as actions", len(res.Import.Actions))
			}
			if got := planfile.PartiesCell(res.Import.Actions[0].Lead); got != tc.lead {
				t.Errorf("lead %q, want %q", got, tc.lead)
			}
			var got []string
			for _, a := range res.Import.Agencies {
				got = append(got, a.Code+"="+a.Name+"|"+strings.Join(a.Aliases, ";"))
			}
			if strings.Join(got, " ") != tc.agencies {
				t.Errorf("agencies %q, want %q", strings.Join(got, " "), tc.agencies)
			}
			for _, w := range res.Warnings {
				if strings.Contains(w.Message, "new agency") || strings.Contains(w.Message, "not a known") {
					t.Errorf("warned of an agency the file names: %s", w)
				}
			}
		})
	}
}

func TestAnAgencyTheDatabaseHasKeepsItsName(t *testing.T) {
	file := "Action,Lead,Timescale\nRun the forum,CSU,March 2013\nAgencies\ncode,name\nCSU,The Safety Unit\n"
	res, err := planfile.Read(strings.NewReader(file), mustDirectory(t), planfile.Options{Name: "P"})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, w := range res.Warnings {
		found = found || strings.Contains(w.Message, `the file names agency CSU "The Safety Unit"; the database's "Community Safety Unit" is kept`)
	}
	if !found {
		t.Fatalf("no warning of the differing name: %v", res.Warnings)
	}
}

func TestTheShippedTemplateImportsWithItsAgenciesNames(t *testing.T) {
	imp, err := planfile.Sevenoaks()
	if err != nil {
		t.Fatal(err)
	}
	prios := make([]*actionbot.Priority, len(imp.Priorities))
	for i := range imp.Priorities {
		prios[i] = &imp.Priorities[i]
	}
	var b bytes.Buffer
	ex := &planfile.Export{Plan: &actionbot.Plan{Name: imp.Name, Period: imp.Period}, Priorities: prios, Actions: imp.Actions,
		Agencies: imp.Agencies, Rate: func(*actionbot.Action) actionbot.RAG { return "" }, Loc: time.UTC}
	if err := planfile.WriteExport(&b, ex); err != nil {
		t.Fatal(err)
	}
	clock := storetest.NewClock(time.Date(2012, time.May, 1, 9, 0, 0, 0, storetest.London))
	db := storetest.MustOpenEmpty(t, clock)
	mustImport(t, db, b.Bytes(), false, false)
	dir, err := db.Directory(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if a, ok := dir.Lookup("Kent Police"); !ok || a.Code != "POLICE" || dir.Name("POLICE") != "Kent Police" {
		t.Fatalf("Kent Police is %+v %v", a, ok)
	}
	plan, _ := db.CurrentPlan(context.Background())
	a, err := db.FindAction(context.Background(), plan.ID, "7.5")
	if err != nil || !strings.HasPrefix(a.Review, "The source text is damaged") {
		t.Fatalf("7.5 lost its review note: %+v %v", a, err)
	}
}
