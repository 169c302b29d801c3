package planfile_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/planfile"
)

// mustReadLeads reads a plan whose actions are led by the cells given, one
// action to a cell, against dir.
func mustReadLeads(tb testing.TB, dir *actionbot.Directory, leads ...string) *planfile.Result {
	tb.Helper()
	var b bytes.Buffer
	b.WriteString(header)
	w := csv.NewWriter(&b)
	for i, lead := range leads {
		if err := w.Write([]string{fmt.Sprintf("1.%d", i+1), "1", "T", fmt.Sprintf("Action %d", i+1), lead, "", "March 2013", ""}); err != nil {
			tb.Fatal(err)
		}
	}
	w.Flush()
	res, err := planfile.Read(&b, dir, planfile.Options{})
	if err != nil {
		tb.Fatalf("Read %q: %v", leads, err)
	}
	return res
}

// newAgencies lists a plan's new agencies as CODE=Name, with [aliases].
func newAgencies(imp *actionbot.PlanImport) string {
	var out []string
	for _, a := range imp.Agencies {
		s := a.Code + "=" + a.Name
		if len(a.Aliases) > 0 {
			s += "[" + strings.Join(a.Aliases, ";") + "]"
		}
		out = append(out, s)
	}
	return strings.Join(out, ",")
}

func warnings(res *planfile.Result) string {
	var out []string
	for _, w := range res.Warnings {
		out = append(out, w.String())
	}
	return strings.Join(out, "\n")
}

func TestLeadsAreReadAsPartnershipsWriteThem(t *testing.T) {
	elsewhere := actionbot.NewDirectory(nil) // another partnership: no agency known yet
	kent := mustDirectory(t)                 // the shipped plan's agencies
	tests := []struct {
		name  string
		dir   *actionbot.Directory
		leads []string
		want  []string // each action's lead, as PartiesCell writes it
		added string   // the plan's new agencies
	}{
		{"two new agencies joined by a slash are two agencies", elsewhere,
			[]string{"Sheffield City Council /South Yorkshire Police"},
			[]string{"SHEFFIELD-CITY-COUNCIL;SOUTH-YORKSHIRE-POLICE"}, "SHEFFIELD-CITY-COUNCIL=Sheffield City Council,SOUTH-YORKSHIRE-POLICE=South Yorkshire Police"},
		{"two new agencies joined by and are two agencies", elsewhere,
			[]string{"Community Protection Service and Police"},
			[]string{"CPS;POLICE"}, "CPS=Community Protection Service,POLICE=Police"},
		{"two services joined by an ampersand are two agencies", elsewhere,
			[]string{"Youth Offending Service & Children's Services"},
			[]string{"YOUTH-OFFENDING-SERVICE;CHILDRENS-SERVICES"}, "CHILDRENS-SERVICES=Children's Services,YOUTH-OFFENDING-SERVICE=Youth Offending Service"},
		{"a known acronym and a known name joined by a slash are both known", kent,
			[]string{"CSU / Police"}, []string{"CSU;POLICE"}, ""},
		{"an acronym before a job title is the agency, the title its role", elsewhere,
			[]string{"DMBC Hate Crime Lead", "SYP Hate Crime Officer"},
			[]string{"DMBC (Hate Crime Lead)", "SYP (Hate Crime Officer)"}, "DMBC=DMBC,SYP=SYP"},
		{"a known agency before a job title is that agency", kent,
			[]string{"Kent Police Hate Crime Officer"}, []string{"POLICE (Hate Crime Officer)"}, ""},
		{"a bulleted list of ORG job titles is one party to an agency", elsewhere,
			[]string{"- DMBC Hate Crime Lead\n- DMBC Communications\n- SLHD Hate Crime lead"},
			[]string{"DMBC (Hate Crime Lead);DMBC-COMMUNICATIONS;SLHD (Hate Crime lead)"}, "DMBC=DMBC,DMBC-COMMUNICATIONS=DMBC Communications,SLHD=SLHD"},
		{"two roles at one agency are one party with both", elsewhere,
			[]string{"SYP Hate Crime Officer, SYP Inspector"}, []string{"SYP (Hate Crime Officer; Inspector)"}, "SYP=SYP"},
		{"a group named after an acronym is that acronym's", elsewhere,
			[]string{"CSP Strategy Delivery Group", "SSAG Building Resilience working group"},
			[]string{"CSP (Strategy Delivery Group)", "SSAG (Building Resilience working group)"}, "CSP=CSP,SSAG=SSAG"},
		{"bracketed initials are roles on the agency before them, never agencies", elsewhere,
			[]string{"Operations Managers (SF), (CD)"}, []string{"OPERATIONS-MANAGERS (SF, CD)"}, "OPERATIONS-MANAGERS=Operations Managers"},
		{"a job title alone stays an agency of its own", elsewhere,
			[]string{"Prevent Coordinator"}, []string{"PREVENT-COORDINATOR"}, "PREVENT-COORDINATOR=Prevent Coordinator"},
		{"a subject's acronym before a job title is no agency", elsewhere,
			[]string{"ASB Co-ordinator"}, []string{"ASB-CO-ORDINATOR"}, "ASB-CO-ORDINATOR=ASB Co-ordinator"},
		{"an acronym leading a name keeps the name whole", elsewhere,
			[]string{"NHS Sheffield CCG"}, []string{"NHS-SHEFFIELD-CCG"}, "NHS-SHEFFIELD-CCG=NHS Sheffield CCG"},
		{"a name with its acronym in brackets takes the acronym as code and alias", elsewhere,
			[]string{"South Yorkshire Police (SYP)", "SYP Hate Crime Officer", "South Yorkshire Police"},
			[]string{"SYP", "SYP (Hate Crime Officer)", "SYP"}, "SYP=South Yorkshire Police"},
		{"an acronym named first takes the plan's name when the plan gives it", elsewhere,
			[]string{"SYP Hate Crime Officer", "South Yorkshire Police (SYP)"},
			[]string{"SYP (Hate Crime Officer)", "SYP"}, "SYP=South Yorkshire Police"},
		{"a taken acronym is an alias, not the code", elsewhere,
			[]string{"Kent Police", "Kent Fire and Rescue Service (KFRS)", "KFRS"},
			[]string{"KENT-POLICE", "KFRS", "KFRS"}, "KENT-POLICE=Kent Police,KFRS=Kent Fire and Rescue Service"},
		{"a known acronym in brackets is no role", kent,
			[]string{"Community Safety Unit (CSU)", "Kent Police (Training)"}, []string{"CSU", "POLICE (Training)"}, ""},
		{"known names with and or an ampersand stay whole", kent,
			[]string{"Kent Fire & Rescue Service", "Kent Fire and Rescue Service", "T&CG", "Town and Parish Councils", "Tasking & Co-ordination Group"},
			[]string{"KFRS", "KFRS", "T&CG", "TPC", "T&CG"}, ""},
		{"a known name with commas in it stays whole", kent,
			[]string{"KCC Children, Families and Education;CSU"}, []string{"KCC-CFE;CSU"}, ""},
		{"fire and rescue is never cut apart", elsewhere,
			[]string{"South Yorkshire Fire and Rescue Service"}, []string{"SYFRS"}, "SYFRS=South Yorkshire Fire and Rescue Service"},
		{"a name whose parts are not organisations stays whole", elsewhere,
			[]string{"Crime and Disorder Partnership", "Safer Communities & Community Safety Unit"},
			[]string{"CDP", "SCCSU"}, "CDP=Crime and Disorder Partnership,SCCSU=Safer Communities & Community Safety Unit"},
		{"All partners is All Partners, known or not", elsewhere,
			[]string{"All partners"}, []string{"ALL"}, "ALL=All Partners"},
		{"All partners is All Partners in the shipped directory", kent,
			[]string{"All partners", "Kent Police", "KFRS"}, []string{"ALL", "POLICE", "KFRS"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := mustReadLeads(t, tc.dir, tc.leads...)
			for i, a := range res.Import.Actions {
				if got := planfile.PartiesCell(a.Lead); got != tc.want[i] {
					t.Errorf("%q is led by %s, want %s", tc.leads[i], got, tc.want[i])
				}
			}
			if got := newAgencies(res.Import); got != tc.added {
				t.Errorf("new agencies %s, want %s\nwarnings:\n%s", got, tc.added, warnings(res))
			}
		})
	}
}

func TestHowALeadWasReadIsWarnedOf(t *testing.T) {
	elsewhere := actionbot.NewDirectory(nil)
	tests := []struct {
		name  string
		leads []string
		want  string
	}{
		{"a cut between new agencies says how it was read",
			[]string{"Sheffield City Council /South Yorkshire Police"},
			`"Sheffield City Council /South Yorkshire Police" is read as 2 agencies, "Sheffield City Council", "South Yorkshire Police"; if it is one agency, settle it with --agency-map`},
		{"a name kept whole says which part is not an organisation",
			[]string{"Safer Communities & Community Safety Unit"},
			`it is kept as one agency, as "Safer Communities" is not an organisation on its own`},
		{"a job title alone says it reads as one",
			[]string{"Prevent Coordinator"}, `"Prevent Coordinator" is not a known agency: it will be added with code PREVENT-COORDINATOR; it reads as a job title`},
		{"an acronym and a name with those initials are pointed out, not merged",
			[]string{"SYP Hate Crime Officer", "South Yorkshire Police"},
			`"South Yorkshire Police" is added as SOUTH-YORKSHIRE-POLICE, but its initials match "SYP" (SYP); if they are one agency, settle it with --agency-map "South Yorkshire Police=SYP"`},
		{"initials alone are left out, said so",
			[]string{"(CD)"}, `"(CD)" looks like a person, not an agency: it is left out`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := mustReadLeads(t, elsewhere, tc.leads...)
			if got := warnings(res); !strings.Contains(got, tc.want) {
				t.Fatalf("warnings:\n%s\nwant one containing %q", got, tc.want)
			}
		})
	}
}

// The near-duplicate warned of is kept apart: each is its own agency.
func TestAnAcronymAndAFullNameAreNotMergedSilently(t *testing.T) {
	res := mustReadLeads(t, actionbot.NewDirectory(nil), "SYP Hate Crime Officer", "South Yorkshire Police")
	if got, want := newAgencies(res.Import), "SOUTH-YORKSHIRE-POLICE=South Yorkshire Police,SYP=SYP"; got != want {
		t.Fatalf("new agencies %s, want %s", got, want)
	}
}

// An --agency-map names one agency for a cell the reader would cut.
func TestAgencyMapKeepsACompositeWhole(t *testing.T) {
	m, err := planfile.ParseAgencyMap([]string{"Sheffield City Council /South Yorkshire Police=Sheffield Hate Crime Partnership"})
	if err != nil {
		t.Fatal(err)
	}
	in := header + "1.1,1,T,A,Sheffield City Council /South Yorkshire Police,,March 2013,\n"
	res, err := planfile.Read(strings.NewReader(in), actionbot.NewDirectory(nil), planfile.Options{AgencyMap: m})
	if err != nil {
		t.Fatal(err)
	}
	if got := planfile.PartiesCell(res.Import.Actions[0].Lead); got != "SHCP" || newAgencies(res.Import) != "SHCP=Sheffield Hate Crime Partnership" {
		t.Fatalf("lead %s, new agencies %s: want the one agency the map names", got, newAgencies(res.Import))
	}
}
