package actionbot_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
)

// trialDirectory holds agencies as the trial's plans imported them.
func trialDirectory() *actionbot.Directory {
	return actionbot.NewDirectory([]*actionbot.Agency{
		{Code: "DMBC", Name: "DMBC"},
		{Code: "DMBC-COMMUNICATIONS", Name: "DMBC Communications"},
		{Code: "CSP", Name: "CSP"},
		{Code: "SSAG", Name: "SSAG"},
		{Code: "SOUTH-YORKSHIRE-POLICE", Name: "South Yorkshire Police"},
		{Code: "SHEFFIELD-CITY-COUNCIL", Name: "Sheffield City Council"},
		{Code: "HRUSHS", Name: "Head of Risk /University Secretary/Head of Security"},
		{Code: "POLICE", Name: "Kent Police", Aliases: []string{"Police"}},
		{Code: "SCC", Name: "Surrey County Council"},
		{Code: "SCCX", Name: "Somerset County Council"},
	})
}

func TestAgencyIsFoundByThePlansOwnWording(t *testing.T) {
	dir := trialDirectory()
	tests := []struct {
		written, code, role string
	}{
		{"DMBC", "DMBC", ""},
		{`"DMBC Hate Crime Lead"`, "DMBC", "Hate Crime Lead"},
		{"DMBC – Hate Crime Lead", "DMBC", "Hate Crime Lead"},
		{"DMBC Communications Lead", "DMBC-COMMUNICATIONS", "Lead"},
		{"CSP Strategy Delivery Group", "CSP", "Strategy Delivery Group"},
		{"SSAG Building Resilience working group", "SSAG", "Building Resilience working group"},
		{"SYP", "SOUTH-YORKSHIRE-POLICE", ""},
		{"syp", "SOUTH-YORKSHIRE-POLICE", ""},
		{"SYP Hate Crime Officer", "SOUTH-YORKSHIRE-POLICE", "Hate Crime Officer"},
		{"Head of Security", "HRUSHS", ""},
		{"“University Secretary”", "HRUSHS", ""},
		{"South Yorkshire Police (hate crime)", "SOUTH-YORKSHIRE-POLICE", "hate crime"},
	}
	for _, tt := range tests {
		p, ok := dir.ResolveWritten(tt.written)
		if !ok || p.Agency != tt.code || p.Role != tt.role {
			t.Errorf("ResolveWritten(%q) = %+v, %v; want %s role %q", tt.written, p, ok, tt.code, tt.role)
		}
	}
}

func TestAgencyIsNotGuessedFromWordingThatFitsNoneOrSeveral(t *testing.T) {
	dir := trialDirectory()
	for _, written := range []string{
		"SCC",                     // a code, exactly: found, and so not here
		"Hate Crime Lead",         // a job title with no agency before it
		"Sheffield Homes",         // no agency
		"Kent County Council",     // "Kent" is no agency; "County Council" no title
		"South Yorkshire",         // part of a name that is not written in parts
		"Head of Risk Management", // a title, no agency
	} {
		if written == "SCC" {
			if p, ok := dir.ResolveWritten(written); !ok || p.Agency != "SCC" {
				t.Errorf("ResolveWritten(SCC) = %+v, %v; want the code SCC", p, ok)
			}
			continue
		}
		if p, ok := dir.ResolveWritten(written); ok {
			t.Errorf("ResolveWritten(%q) = %+v; want no agency", written, p)
		}
	}
	// Initials two agencies share are not chosen between: both are near.
	two := actionbot.NewDirectory([]*actionbot.Agency{
		{Code: "SURREY-CC", Name: "Surrey County Council"},
		{Code: "SOMERSET-CC", Name: "Somerset County Council"},
	})
	if p, ok := two.ResolveWritten("SCC"); ok {
		t.Errorf("ResolveWritten(SCC) with two councils = %+v; want no guess", p)
	}
	if near := two.Near("SCC", 3); !slices.Contains(near, "SURREY-CC") || !slices.Contains(near, "SOMERSET-CC") {
		t.Errorf("Near(SCC) = %v; want both councils", near)
	}
}

func TestNearAgenciesIncludeThoseWhoseNameHoldsTheWord(t *testing.T) {
	dir := actionbot.NewDirectory([]*actionbot.Agency{
		{Code: "SOUTH-YORKSHIRE-POLICE", Name: "South Yorkshire Police"},
		{Code: "SHEFFIELD-CITY-COUNCIL", Name: "Sheffield City Council"},
	})
	if near := dir.Near("Police", 3); !slices.Equal(near, []string{"SOUTH-YORKSHIRE-POLICE"}) {
		t.Errorf("Near(Police) = %v", near)
	}
	if near := dir.Near("Yorkshire Polic", 3); !slices.Equal(near, []string{"SOUTH-YORKSHIRE-POLICE"}) {
		t.Errorf("Near(a word cut short) = %v", near)
	}
	if near := dir.Near("Sheffeld City Council", 3); !slices.Equal(near, []string{"SHEFFIELD-CITY-COUNCIL"}) {
		t.Errorf("Near(misspelt) = %v", near)
	}
}

func TestAgencyCodeIsMadeFromTheNameAsImportMakesIt(t *testing.T) {
	tests := []struct{ name, code string }{
		{"Police", "POLICE"},
		{"South Yorkshire Police", "SOUTH-YORKSHIRE-POLICE"},
		{"Children's Services", "CHILDRENS-SERVICES"},
		{"KCC-CFE", "KCC-CFE"},
		{"West Cumbria Action for Voluntary Action", "WCAVA"},
	}
	for _, tt := range tests {
		if got := actionbot.AgencyCodeFor(tt.name); got != tt.code {
			t.Errorf("AgencyCodeFor(%q) = %q; want %q", tt.name, got, tt.code)
		}
	}
}

func TestANewAgencyIsRefusedWhenItsWordsAreTakenOrReadAsAPerson(t *testing.T) {
	dir := trialDirectory()
	tests := []struct {
		name    string
		agency  actionbot.Agency
		code    string // "" for no error
		mention string
	}{
		{"a new agency", actionbot.Agency{Code: "SYFR", Name: "South Yorkshire Fire and Rescue", Aliases: []string{"SY Fire"}}, "", ""},
		{"a name taken", actionbot.Agency{Code: "SYP", Name: "south yorkshire police"}, actionbot.ECONFLICT, "the name of South Yorkshire Police (SOUTH-YORKSHIRE-POLICE)"},
		{"a code taken", actionbot.Agency{Code: "SCC", Name: "Sheffield Community Council"}, actionbot.ECONFLICT, "the code of Surrey County Council (SCC)"},
		{"an alias taken", actionbot.Agency{Code: "SYP", Name: "South Yorks Police", Aliases: []string{"Police"}}, actionbot.ECONFLICT, "an alias of Kent Police (POLICE)"},
		{"a code that is a taken name", actionbot.Agency{Code: "DMBC", Name: "Doncaster Council"}, actionbot.ECONFLICT, "DMBC"},
		{"a titled person", actionbot.Agency{Code: "DCI", Name: "DCI Jonny Starbuck"}, actionbot.EINVALID, "reads as a person"},
		{"an initialled person", actionbot.Agency{Code: "AP", Name: "A. Person"}, actionbot.EINVALID, "reads as a person"},
		{"a person as alias", actionbot.Agency{Code: "SYFR", Name: "SY Fire", Aliases: []string{"Cllr Smith"}}, actionbot.EINVALID, "reads as a person"},
		{"a code of two words", actionbot.Agency{Code: "SY P", Name: "SY Police"}, actionbot.EINVALID, "one word"},
		{"All Partners", actionbot.Agency{Code: "ALL", Name: "All Partners"}, actionbot.EINVALID, "every partner"},
		{"no name", actionbot.Agency{Code: "X1", Name: " "}, actionbot.EINVALID, "needs a name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.agency
			err := dir.CheckNewAgency(&a)
			if tt.code == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if actionbot.ErrorCode(err) != tt.code || !strings.Contains(actionbot.ErrorMessage(err), tt.mention) {
				t.Fatalf("got %v (%s); want %s mentioning %q", err, actionbot.ErrorCode(err), tt.code, tt.mention)
			}
		})
	}
}

func TestANewAliasIsRefusedWhenAnotherAgencyHasIt(t *testing.T) {
	dir := trialDirectory()
	tests := []struct {
		code, alias, want string
	}{
		{"SOUTH-YORKSHIRE-POLICE", "SY Police", ""},
		{"SOUTH-YORKSHIRE-POLICE", "Police", actionbot.ECONFLICT},
		{"SOUTH-YORKSHIRE-POLICE", "south yorkshire police", actionbot.EUNCHANGED},
		{"NOPE", "Nope", actionbot.ENOTFOUND},
		{"CSP", "Sgt Brown", actionbot.EINVALID},
	}
	for _, tt := range tests {
		err := dir.CheckNewAlias(tt.code, tt.alias)
		if got := actionbot.ErrorCode(err); err != nil && got != tt.want || err == nil && tt.want != "" {
			t.Errorf("CheckNewAlias(%s, %q) = %v; want %q", tt.code, tt.alias, err, tt.want)
		}
	}
}
