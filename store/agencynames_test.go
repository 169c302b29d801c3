package store_test

import (
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/sevenoaks-csp/actionbot/planfile"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// A database made before the plan's own words named its agencies takes them
// when it is next opened, and the old names still find the agencies.
func TestAnOlderDatabaseTakesThePlansNamesForItsAgencies(t *testing.T) {
	path := filepath.Join(t.TempDir(), "actionbot.db")
	clock := storetest.NewClock(storetest.PlanStart)
	db := store.NewDB(path)
	db.Now = clock.Now
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	if _, err := planfile.EnsurePlan(ctx, db); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// Make it as an older version left it: the old names, the migration not run.
	raw, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`DELETE FROM agency_aliases WHERE alias IN ('KCC Youth Service', 'Housing Associations')`,
		`UPDATE agencies SET name = 'KCC Youth Service' WHERE code = 'KCC-YS'`,
		`UPDATE agencies SET name = 'Housing Associations' WHERE code = 'HOUSING'`,
		`UPDATE agencies SET name = 'Our own name' WHERE code = 'KMSCP'`,
		`DELETE FROM schema_migrations WHERE name LIKE '%061_agency_plan_names.sql'`,
	} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}

	db = store.NewDB(path)
	db.Now = clock.Now
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	dir, err := db.Directory(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for code, want := range map[string]string{
		"KCC-YS":  "Integrated Youth Service KCC",
		"HOUSING": "Housing",
		"KMSCP":   "Our own name", // a coordinator's choice is kept
	} {
		if got := dir.Name(code); got != want {
			t.Errorf("%s is named %q, want %q", code, got, want)
		}
	}
	for old, code := range map[string]string{"KCC Youth Service": "KCC-YS", "Housing Associations": "HOUSING"} {
		if a, ok := dir.Lookup(old); !ok || a.Code != code {
			t.Errorf("the old name %q finds %v, want %s", old, a, code)
		}
	}
}
