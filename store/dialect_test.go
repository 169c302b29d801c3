package store

import (
	"io/fs"
	"path"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
)

func TestEveryMigrationHasItsPostgreSQLTextUnderTheSameName(t *testing.T) {
	names := func(dir string) map[string]bool {
		t.Helper()
		got, err := fs.Glob(migrationFS, dir+"/*.sql")
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, n := range got {
			out[path.Base(n)] = true
		}
		return out
	}
	sqlite, pg := names("migrations"), names("migrations_pg")
	if len(sqlite) == 0 {
		t.Fatal("no migrations embedded")
	}
	for n := range sqlite {
		if !pg[n] {
			t.Errorf("migrations/%s has no migrations_pg/%s: PostgreSQL databases would stop at the version before it", n, n)
		}
	}
	for n := range pg {
		if !sqlite[n] {
			t.Errorf("migrations_pg/%s has no migrations/%s: the versions would differ", n, n)
		}
	}
}

func TestDatabaseLocations(t *testing.T) {
	for _, tc := range []struct {
		in       string
		postgres bool
		shown    string
	}{
		{"actionbot.db", false, "actionbot.db"},
		{"/var/lib/actionbot/actionbot.db", false, "/var/lib/actionbot/actionbot.db"},
		{"postgres://bot@db.internal/actionbot?sslmode=require", true, "postgres://bot@db.internal/actionbot?sslmode=require"},
		{"postgresql://bot:s3cret@db.internal:5432/actionbot", true, "postgresql://bot:xxxxx@db.internal:5432/actionbot"},
		{"postgres-backup.db", false, "postgres-backup.db"},
	} {
		if got := IsPostgresURL(tc.in); got != tc.postgres {
			t.Errorf("IsPostgresURL(%q) = %v, want %v", tc.in, got, tc.postgres)
		}
		if got := actionbot.Redact(tc.in); got != tc.shown {
			t.Errorf("actionbot.Redact(%q) = %q, want %q", tc.in, got, tc.shown)
		}
	}
}
