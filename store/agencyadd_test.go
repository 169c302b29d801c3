package store_test

import (
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

func TestACoordinatorAddsAnAgencyToADatabaseWithNone(t *testing.T) {
	db := storetest.MustOpenEmpty(t, storetest.NewClock(storetest.PlanStart))
	db.ConfiguredCoordinators = []string{"UCOORD"}
	syp := &actionbot.Agency{Code: "SYP", Name: "South Yorkshire Police", Aliases: []string{"SY Police", "Police"}}
	if err := db.AddAgency(ctx, syp, "UCOORD"); err != nil {
		t.Fatal(err)
	}
	dir, err := db.Directory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"SYP", "south yorkshire police", "SY Police", "Police"} {
		if a, ok := dir.Lookup(name); !ok || a.Code != "SYP" {
			t.Errorf("Lookup(%q) = %v, %v; want SYP", name, a, ok)
		}
	}
	if err := db.AddMember(ctx, "U1", "SY Police", "UCOORD"); err != nil {
		t.Errorf("member of the new agency: %v", err)
	}
	log, err := db.AdminLog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) == 0 || log[0].What != "agency add" || log[0].Subject != "SYP" || log[0].Actor != "UCOORD" ||
		log[0].Detail != "South Yorkshire Police; aka SY Police; Police" {
		t.Errorf("audit = %+v; want agency add SYP by UCOORD with its name and aliases", log)
	}
}

func TestAddingAnAgencyIsRefusedForAWordTakenOrSomeoneNotACoordinator(t *testing.T) {
	db := storetest.MustOpenEmpty(t, storetest.NewClock(storetest.PlanStart))
	db.ConfiguredCoordinators = []string{"UCOORD"}
	if err := db.AddAgency(ctx, &actionbot.Agency{Code: "SYP", Name: "South Yorkshire Police", Aliases: []string{"Police"}}, "UCOORD"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		agency actionbot.Agency
		actor  string
		code   string
		says   string
	}{
		{"the code again", actionbot.Agency{Code: "SYP", Name: "Sheffield Youth Partnership"}, "UCOORD", actionbot.ECONFLICT, "South Yorkshire Police (SYP)"},
		{"an alias as name", actionbot.Agency{Code: "KP", Name: "police"}, "UCOORD", actionbot.ECONFLICT, "an alias of South Yorkshire Police (SYP)"},
		{"a person", actionbot.Agency{Code: "JS", Name: "Cllr Smith"}, "UCOORD", actionbot.EINVALID, "person"},
		{"not a coordinator", actionbot.Agency{Code: "SCC", Name: "Sheffield City Council"}, "U1", actionbot.EUNAUTHORIZED, "coordinator"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := tt.agency
			err := db.AddAgency(ctx, &a, tt.actor)
			if actionbot.ErrorCode(err) != tt.code || !strings.Contains(actionbot.ErrorMessage(err), tt.says) {
				t.Fatalf("got %v; want %s saying %q", err, tt.code, tt.says)
			}
		})
	}
	if log, _ := db.AdminLog(ctx); len(log) != 1 {
		t.Errorf("audit holds %d entries; want only the one agency added", len(log))
	}
}

func TestAnAgencyAliasIsAddedOnceAndAudited(t *testing.T) {
	db := storetest.MustOpenEmpty(t, storetest.NewClock(storetest.PlanStart))
	db.ConfiguredCoordinators = []string{"UCOORD"}
	for _, a := range []*actionbot.Agency{{Code: "SYP", Name: "South Yorkshire Police"}, {Code: "SCC", Name: "Sheffield City Council"}} {
		if err := db.AddAgency(ctx, a, "UCOORD"); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		agency, alias, code string
	}{
		{"SYP", "SY Police", ""},
		{"South Yorkshire Police", "sy police", actionbot.EUNCHANGED},
		{"SCC", "SY Police", actionbot.ECONFLICT},
		{"NOPE", "Whoever", actionbot.ENOTFOUND},
	}
	for _, tt := range tests {
		err := db.AddAgencyAlias(ctx, tt.agency, tt.alias, "UCOORD")
		if got := actionbot.ErrorCode(err); err != nil && got != tt.code || err == nil && tt.code != "" {
			t.Errorf("AddAgencyAlias(%s, %q) = %v; want %q", tt.agency, tt.alias, err, tt.code)
		}
	}
	dir, _ := db.Directory(ctx)
	if a, ok := dir.Lookup("SY Police"); !ok || a.Code != "SYP" {
		t.Errorf("SY Police = %v, %v; want SYP", a, ok)
	}
	log, _ := db.AdminLog(ctx)
	if last := log[len(log)-1]; last.What != "agency alias add" || last.Subject != "SYP" || last.Detail != "SY Police" {
		t.Errorf("last audit = %+v", last)
	}
}
