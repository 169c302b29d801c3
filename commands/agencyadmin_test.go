package commands_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/planfile"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// mustPublishedPlan is a handler on a database holding only one of the
// published plans of testdata/plans, imported with no flags as the CLI
// imports it; coord coordinates.
func mustPublishedPlan(t *testing.T, file string) *fixture {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "plans", file))
	if err != nil {
		t.Fatal(err)
	}
	clock := storetest.NewClock(June1)
	db := storetest.MustOpenEmpty(t, clock)
	db.ConfiguredCoordinators = []string{coord}
	res, err := planfile.Read(strings.NewReader(string(raw)), actionbot.NewDirectory(nil), planfile.Options{Source: file, Today: actionbot.DateOf(June1)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ImportPlan(ctx, res.Import); err != nil {
		t.Fatal(err)
	}
	p, err := db.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{db: db, clock: clock, plan: p, h: &commands.Handler{Store: db, Now: clock.Now, Location: storetest.London}}
}

func TestAgencyAddIsReadAsACoordinatorWritesIt(t *testing.T) {
	tests := []struct {
		text    string
		name    string
		code    string
		aliases []string
		err     string // in the refusal; "" for none
	}{
		{text: `admin agency add "South Yorkshire Police" as SYP aka "SY Police"; "Police"`,
			name: "South Yorkshire Police", code: "SYP", aliases: []string{"SY Police", "Police"}},
		{text: `admin agency add South Yorkshire Police`, name: "South Yorkshire Police"},
		{text: `admin agency add South Yorkshire Police as SYP`, name: "South Yorkshire Police", code: "SYP"},
		{text: `admin agency add South Yorkshire Police aka SY Police; Police as SYP`,
			name: "South Yorkshire Police", code: "SYP", aliases: []string{"SY Police", "Police"}},
		{text: `admin agency add “Safer as One” as SAO`, name: "Safer as One", code: "SAO"},
		{text: `admin agencies add B&NES Prevent Board aka "Prevent Board"`, name: "B&NES Prevent Board", aliases: []string{"Prevent Board"}},
		{text: `admin agency add Safer as One Partnership`, err: "A code is one word"},
		{text: `admin agency add as SYP`, err: "What is the agency called?"},
		{text: `admin agency add "South Yorkshire Police" aka`, err: "Which other names?"},
		{text: `admin agency add SYP as A as B`, err: "once"},
		{text: `admin agency`, err: "adds an agency new to the partnership"},
		{text: `admin agency alias SYP "South Yorks Police"; SY Police`, code: "", name: "SYP", aliases: []string{"South Yorks Police", "SY Police"}},
		{text: `admin agency alias add "South Yorkshire Police" SYP`, name: "South Yorkshire Police", aliases: []string{"SYP"}},
		{text: `admin agency alias SYP`, err: "what other name?"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			cmd, err := commands.Parse(tt.text)
			if tt.err != "" {
				if err == nil || !strings.Contains(actionbot.ErrorMessage(err), tt.err) {
					t.Fatalf("got %+v, %v; want a refusal saying %q", cmd, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			a := cmd.Admin
			if a.Agency != tt.name || a.Code != tt.code || !slices.Equal(a.Aliases, tt.aliases) {
				t.Fatalf("got agency %q code %q aliases %q; want %q %q %q", a.Agency, a.Code, a.Aliases, tt.name, tt.code, tt.aliases)
			}
		})
	}
}

func TestACoordinatorAddsAnAgencyToAPlanThatNamesNoneAndMakesItTheLead(t *testing.T) {
	f := mustPublishedPlan(t, "bathnes-prevent-action-plan-feb-2017.csv")
	mustContain(t, f.run(coord, "1 lead Police"), `I don't know the agency "Police"`, `/action admin agency add "Police" as CODE`, `actionbot agency add "Police" --code CODE`)
	mustContain(t, f.run(csuUser, `admin agency add "South Yorkshire Police" as SYP`), "Only a coordinator can do that")
	mustContain(t, f.run(coord, `admin agency add "South Yorkshire Police" as SYP aka "SY Police"; "Police"`),
		"Added the agency South Yorkshire Police (SYP), also written “SY Police”, “Police”",
		"/action 1 lead SYP", "/action admin member add @person SYP", "(at the command line, actionbot lead 1 SYP and actionbot member add USER SYP)")
	mustContain(t, f.run(coord, "1 lead South Yorkshire Police"), "1 is now led by South Yorkshire Police (SYP)")
	mustContain(t, f.run(coord, "admin member add @UPOL Police"), "Added @UPOL to SYP (South Yorkshire Police)")
	mustContain(t, f.run(coord, "admin agency add Avon and Somerset Police"), "Added the agency Avon and Somerset Police (AVON-AND-SOMERSET-POLICE)")
	mustContain(t, f.run(coord, "2 partners add Police"), "South Yorkshire Police (SYP)")

	log, err := f.db.AdminLog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var whats []string
	for _, e := range log {
		whats = append(whats, e.What+" "+e.Subject+" by "+e.Actor)
	}
	want := []string{"agency add SYP by " + coord, "member add UPOL by " + coord, "agency add AVON-AND-SOMERSET-POLICE by " + coord}
	if !slices.Equal(whats, want) {
		t.Errorf("admin audit = %q; want %q", whats, want)
	}
}

func TestAddingAnAgencyIsRefusedWhenItsWordsAreTakenOrNameAPerson(t *testing.T) {
	f := mustPublishedPlan(t, "sheffield-hate-crime-2010-13.csv")
	tests := []struct {
		name, text, says string
	}{
		{"its name again, in other letters", `admin agency add "south yorkshire police" as SYP`,
			`"south yorkshire police" is already the name of South Yorkshire Police (SOUTH-YORKSHIRE-POLICE)`},
		{"a code another agency has", `admin agency add "Sheffield Homes" as SHEFFIELD-CITY-COUNCIL`,
			"is already the code of Sheffield City Council (SHEFFIELD-CITY-COUNCIL)"},
		{"an alias that is another agency's name", `admin agency add "Sheffield Homes" aka "Sheffield City Council"`,
			"already the name of Sheffield City Council"},
		{"a titled person", `admin agency add "DCI Jonny Starbuck"`, "not a person"},
		{"initials and a surname", `admin agency add "J. Starbuck" as JS`, "reads as a person"},
		{"a person as an alias", `admin agency add "Sheffield Homes" aka "Cllr Brown"`, "not a person"},
		{"a phone number", `admin agency add "Sheffield Homes 0114 273 4567"`, "phone number"},
		{"a code of other letters", `admin agency add "Sheffield Homes" as S.H.`, "cannot be an agency's code"},
		{"All Partners", `admin agency add "All Partners"`, "stands for every partner"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustContain(t, f.run(coord, tt.text), tt.says)
		})
	}
	if log, _ := f.db.AdminLog(ctx); len(log) != 0 {
		t.Errorf("a refused agency was audited: %+v", log)
	}
	mustContain(t, f.run(coord, `admin agency alias SOUTH-YORKSHIRE-POLICE "SY Police"`), "South Yorkshire Police (SOUTH-YORKSHIRE-POLICE) now also answers to “SY Police”")
	mustContain(t, f.run(coord, `admin agency alias "Sheffield City Council" "SY Police"`), "is already an alias of South Yorkshire Police")
	mustContain(t, f.run(coord, "admin member add @U1 SY Police"), "Added @U1 to SOUTH-YORKSHIRE-POLICE")
}

func TestMemberAddReadsTheAgencyAsThePlanWritesIt(t *testing.T) {
	tests := []struct {
		plan, agency, added string
	}{
		{"doncaster-hate-crime-delivery-plan-2017-2021-q2.csv", `"DMBC Hate Crime Lead"`, `Added @U1 to DMBC (DMBC), as the plan writes it: “DMBC Hate Crime Lead”`},
		{"doncaster-hate-crime-delivery-plan-2017-2021-q2.csv", "DMBC – Hate Crime Lead", "Added @U1 to DMBC (DMBC)"},
		{"doncaster-hate-crime-delivery-plan-2017-2021-q2.csv", "SYP Hate Crime Officer", "Added @U1 to SYP (SYP)"},
		{"dorset-csp-domestic-abuse-bill-action-plan.csv", `"CSP Strategy Delivery Group"`, "Added @U1 to CSP (CSP)"},
		{"hertfordshire-serious-violence-delivery-plan.csv", `"SSAG Building Resilience working group"`, "Added @U1 to SSAG (SSAG)"},
		{"sheffield-hate-crime-2010-13.csv", "SYP", "Added @U1 to SOUTH-YORKSHIRE-POLICE (South Yorkshire Police), as the plan writes it: “SYP”"},
		{"uel-prevent-action-plan-2024-25.csv", `"Head of Security"`, "Added @U1 to HRUSHS (Head of Risk /University Secretary/Head of Security)"},
	}
	for _, tt := range tests {
		t.Run(tt.plan+" "+tt.agency, func(t *testing.T) {
			f := mustPublishedPlan(t, tt.plan)
			mustContain(t, f.run(coord, "admin member add @U1 "+tt.agency), tt.added)
			if got, err := f.db.MemberAgencies(ctx, "U1"); err != nil || len(got) != 1 {
				t.Errorf("U1 is a member of %v, %v; want one agency", got, err)
			}
		})
	}
}

func TestMemberAddOfAnUnknownAgencySuggestsTheNearestWithNamesAndCodes(t *testing.T) {
	f := mustPublishedPlan(t, "sheffield-hate-crime-2010-13.csv")
	tests := []struct {
		agency string
		says   []string
	}{
		{"Police", []string{
			`I don't know the agency "Police" — did you mean SOUTH-YORKSHIRE-POLICE (South Yorkshire Police)?`,
			"/action agencies (at the command line, actionbot agencies) lists them all.",
			`An agency new to the partnership is added first: /action admin agency add "Police" (at the command line, actionbot agency add "Police").`}},
		{"Sheffield City Concil", []string{`did you mean SHEFFIELD-CITY-COUNCIL (Sheffield City Council)?`}},
		{"Sheffield Homes", []string{`I don't know the agency "Sheffield Homes". /action agencies (at the command line, actionbot agencies) lists them.`}},
		{`"Hate Crime Lead"`, []string{`I don't know the agency "Hate Crime Lead".`}},
	}
	for _, tt := range tests {
		t.Run(tt.agency, func(t *testing.T) {
			mustContain(t, f.run(coord, "admin member add @U1 "+tt.agency), tt.says...)
		})
	}
	if log, _ := f.db.AdminLog(ctx); len(log) != 0 {
		t.Errorf("a refused member was audited: %+v", log)
	}
}
