package store_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot/planfile"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

func TestOpenWithMustExistCreatesNothing(t *testing.T) {
	for _, tc := range []struct {
		name    string
		path    func(dir string) string
		wantDir bool
	}{
		{"a missing file", func(dir string) string { return filepath.Join(dir, "actionbot.db") }, false},
		{"a missing directory (a typo, an unmounted volume)", func(dir string) string { return filepath.Join(dir, "dta", "actionbot.db") }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			db := store.NewDB(tc.path(dir))
			db.MustExist = true
			err := db.Open()
			var me *store.MissingError
			if !errors.As(err, &me) || me.Path != db.Path || (me.Dir != "") != tc.wantDir {
				t.Fatalf("Open = %v, want a MissingError for %s (directory missing: %v)", err, db.Path, tc.wantDir)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 0 {
				t.Errorf("Open created %v", entries)
			}
		})
	}
}

func TestOpenWithMustHaveDirCreatesNoDirectory(t *testing.T) {
	dir := t.TempDir()
	db := store.NewDB(filepath.Join(dir, "dta", "actionbot.db"))
	db.MustHaveDir = true
	var me *store.MissingError
	if err := db.Open(); !errors.As(err, &me) || me.Dir != filepath.Join(dir, "dta") {
		t.Fatalf("Open = %v, want a MissingError naming the directory", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("Open created %v", entries)
	}
	// In a directory that exists, the file is created.
	db = store.NewDB(filepath.Join(dir, "actionbot.db"))
	db.MustHaveDir = true
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if !db.Created {
		t.Error("not created")
	}
}

// A file named by mistake (a report, a CSV) is refused as not a database,
// and left exactly as it was: its mode is not narrowed.
func TestOpenLeavesAFileThatIsNotADatabaseAlone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "board.md")
	const text = "# Board report\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil { // whatever the umask
		t.Fatal(err)
	}
	db := store.NewDB(path)
	err := db.Open()
	if err == nil {
		db.Close()
		t.Fatal("opened a markdown file as a database")
	}
	if !strings.Contains(err.Error(), "is not an actionbot database") || strings.Contains(err.Error(), "damaged") {
		t.Errorf("Open = %v", err)
	}
	st, _ := os.Stat(path)
	if b, _ := os.ReadFile(path); string(b) != text || st.Mode().Perm() != 0o644 {
		t.Errorf("the file was changed: mode %v, %q", st.Mode().Perm(), b)
	}
	if _, err := os.Stat(path + "-wal"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a -wal file was left beside it: %v", err)
	}
}

// An empty file where a database must exist is refused as a missing one
// would be, and an SQLite database another program made is refused
// everywhere; neither is changed.
func TestOpenRefusesAnEmptyFileOrAnotherProgramsDatabase(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	db := store.NewDB(empty)
	db.MustExist = true
	var me *store.MissingError
	if err := db.Open(); !errors.As(err, &me) || !me.Empty || !strings.Contains(err.Error(), "is empty") {
		t.Fatalf("Open of an empty file with MustExist = %v", err)
	}
	if st, _ := os.Stat(empty); st.Size() != 0 {
		t.Errorf("the empty file was written: %d bytes", st.Size())
	}

	// As other programs make them: a table; Rails' (and golang-migrate's)
	// own schema_migrations; only a view.
	for name, schema := range map[string]string{
		"a table":                  `CREATE TABLE t (x INTEGER)`,
		"Rails' schema_migrations": `CREATE TABLE schema_migrations (version TEXT PRIMARY KEY); CREATE TABLE users (id INTEGER)`,
		"a schema_migrations with names of its own": `CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT); INSERT INTO schema_migrations VALUES ('0001_init', 'x'); CREATE TABLE users (id INTEGER)`,
		"only a view": `CREATE VIEW v AS SELECT 1 AS x`,
	} {
		t.Run(name, func(t *testing.T) {
			other := filepath.Join(t.TempDir(), "other.db")
			mustSQL(t, other, schema)
			if err := os.Chmod(other, 0o644); err != nil {
				t.Fatal(err)
			}
			before, _ := os.ReadFile(other)
			for _, mustExist := range []bool{true, false} {
				db := store.NewDB(other)
				db.MustExist = mustExist
				err := db.Open()
				if err == nil {
					db.Close()
					t.Fatal("another program's database was opened and migrated")
				}
				if !strings.Contains(err.Error(), "is an SQLite database, but not actionbot's") {
					t.Errorf("Open = %v", err)
				}
			}
			if after, _ := os.ReadFile(other); string(after) != string(before) {
				t.Error("another program's database was changed")
			}
			if st, _ := os.Stat(other); st.Mode().Perm() != 0o644 {
				t.Errorf("its mode was changed to %v", st.Mode().Perm())
			}
		})
	}
}

func TestOpenCreatesANewDatabaseForItsOwnerOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new", "actionbot.db")
	db := store.NewDB(path)
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if !db.Created || len(db.Tightened) != 0 {
		t.Errorf("Created = %v, Tightened = %v", db.Created, db.Tightened)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, %v; want 0600", st.Mode(), err)
	}
}

func TestOpenTightensAnExistingDatabaseWALAndSHM(t *testing.T) {
	path := filepath.Join(t.TempDir(), "actionbot.db")
	first := store.NewDB(path)
	if err := first.Open(); err != nil {
		t.Fatal(err)
	}
	// Keep the WAL and shared-memory files in place while loosening them.
	if _, err := planfile.EnsurePlan(context.Background(), first); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
	}
	db := store.NewDB(path)
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	first.Close()
	if db.Created {
		t.Error("an existing database reported as created")
	}
	if len(db.Tightened) != 3 || !strings.Contains(db.Tightened[0], "(was 0644)") {
		t.Errorf("Tightened = %v, want the file, its WAL and SHM", db.Tightened)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if st, err := os.Stat(p); err == nil && st.Mode().Perm() != 0o600 {
			t.Errorf("%s is %v, want 0600", p, st.Mode().Perm())
		}
	}
}

// mustClosedPlanDB makes a database with the shipped plan and closes it,
// so that all of it is in the main file.
// mustOpenPlanDB opens a database with the shipped plan, closed when the
// test ends, and returns it with its path.
func mustOpenPlanDB(tb testing.TB) (*store.DB, string) {
	tb.Helper()
	path := mustClosedPlanDB(tb)
	db := store.NewDB(path)
	if err := db.Open(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db, path
}

func mustClosedPlanDB(tb testing.TB) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "actionbot.db")
	db := store.NewDB(path)
	if err := db.Open(); err != nil {
		tb.Fatal(err)
	}
	if _, err := planfile.EnsurePlan(context.Background(), db); err != nil {
		tb.Fatal(err)
	}
	if err := db.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}

func TestDamageIsFoundAtOpenOrByQuickCheck(t *testing.T) {
	path := mustClosedPlanDB(t)
	storetest.MustDamage(t, path)
	db := store.NewDB(path)
	err := db.Open()
	if err == nil {
		defer db.Close()
		err = db.QuickCheck(context.Background())
	}
	var de *store.DamagedError
	if !errors.As(err, &de) || de.Path != path || de.Detail == "" {
		t.Fatalf("err = %v, want a DamagedError for %s", err, path)
	}
}

func TestPingReportsDamageFoundWhileRunning(t *testing.T) {
	ctx := context.Background()
	db, path := mustOpenPlanDB(t)
	if err := db.QuickCheck(ctx); err != nil {
		t.Fatalf("a whole database: %v", err)
	}
	if err := db.Ping(ctx); err != nil {
		t.Fatalf("Ping of a whole database: %v", err)
	}
	storetest.MustDamage(t, path)
	err := db.QuickCheck(ctx)
	var de *store.DamagedError
	if !errors.As(err, &de) {
		t.Fatalf("QuickCheck after damage = %v, want a DamagedError", err)
	}
	if err := db.Ping(ctx); !errors.As(err, &de) || !strings.Contains(err.Error(), "is damaged") {
		t.Fatalf("Ping after damage = %v, want the damage", err)
	}
}

// Damage met by any query, before the daily check, is reported by Ping
// (GET /healthz) at once.
func TestPingReportsDamageAQueryMeets(t *testing.T) {
	ctx := context.Background()
	db, path := mustOpenPlanDB(t)
	storetest.MustDamage(t, path)
	// Copying reads every row of every table, and so meets the damage.
	target := store.NewDB(filepath.Join(t.TempDir(), "copy.db"))
	if err := target.Open(); err != nil {
		t.Fatal(err)
	}
	defer target.Close()
	if _, err := db.CopyTo(ctx, target); err == nil {
		t.Fatal("a damaged database was copied without an error")
	}
	var de *store.DamagedError
	// Reported as what the query met, before Ping's own read is tried.
	if err := db.Ping(ctx); !errors.As(err, &de) || !strings.HasPrefix(err.Error(), "the database is damaged: ") {
		t.Fatalf("Ping after a query met the damage = %v, want the damage it met", err)
	}
	if err := db.AddMember(ctx, "U0NEW", "CSU", "U0"); !errors.As(err, &de) {
		t.Errorf("a write after a query met the damage = %v, want it refused", err)
	}
}

// A database file deleted or replaced under the running bot (changes would
// go to a file nobody can open again) is reported by Ping.
func TestPingReportsTheFileDeletedOrReplaced(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, want string
		do         func(t *testing.T, path string)
	}{
		{"deleted", "file is gone from under the running bot", func(t *testing.T, path string) {
			for _, p := range []string{path, path + "-wal", path + "-shm"} {
				os.Remove(p)
			}
		}},
		{"replaced", "file was replaced under the running bot", func(t *testing.T, path string) {
			other := mustClosedPlanDB(t)
			if err := os.Rename(other, path); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, path := mustOpenPlanDB(t)
			if err := db.Ping(ctx); err != nil {
				t.Fatal(err)
			}
			tc.do(t, path)
			if err := db.Ping(ctx); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Ping = %v, want %q", err, tc.want)
			}
			// And nothing is written where it would be lost: a change is
			// refused rather than confirmed.
			if err := db.AddMember(ctx, "U0NEW", "CSU", "U0"); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("a write after the file was %s = %v, want it refused", tc.name, err)
			}
		})
	}
}

func TestPingSaysWhenTheDatabaseCannotBeRead(t *testing.T) {
	db := store.NewDB(filepath.Join(t.TempDir(), "actionbot.db"))
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	db.Close()
	err := db.Ping(context.Background())
	if err == nil || !strings.Contains(err.Error(), "cannot be read") {
		t.Fatalf("Ping of a closed database = %v", err)
	}
}

func TestTheInboxKeepsNoControlCharacters(t *testing.T) {
	db := mustOpenWriting(t, storetest.NewClock(storetest.PlanStart))
	ctx := context.Background()
	id, fresh, err := db.Receive(ctx, &store.InboxItem{UserID: "U1", ChannelID: "C1", Text: "5.2 note \x1b[2J cones\x00 \u202eA21", ResponseURL: "https://hooks.slack.invalid/r1"})
	if err != nil || !fresh {
		t.Fatalf("Receive = %d, %v, %v", id, fresh, err)
	}
	it, err := db.Inbox(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if it.Text != "5.2 note [2J cones A21" {
		t.Errorf("the inbox holds %q", it.Text)
	}
}

// mustSQL runs statements on the SQLite file at path with the driver
// alone, as another program would.
func mustSQL(tb testing.TB, path, stmt string) {
	tb.Helper()
	x, err := sql.Open("sqlite3", path)
	if err != nil {
		tb.Fatal(err)
	}
	defer x.Close()
	if _, err := x.Exec(stmt); err != nil {
		tb.Fatal(err)
	}
}

// A database made read-only (an archived year, a copy for an auditor) is
// narrowed to its owner, never made writable: it was turned from 0444
// into 0600. Where this user may then not write it (not root), Open says
// so plainly instead of SQLite's "attempt to write a readonly database".
func TestOpenNeverMakesAReadOnlyDatabaseWritable(t *testing.T) {
	path := mustClosedPlanDB(t)
	if err := os.Chmod(path, 0o444); err != nil {
		t.Fatal(err)
	}
	db := store.NewDB(path)
	err := db.Open()
	if err == nil {
		defer db.Close()
	}
	if st, serr := os.Stat(path); serr != nil || st.Mode().Perm() != 0o400 {
		t.Errorf("a 0444 database is %v after Open (%v); want 0400", st.Mode().Perm(), serr)
	}
	if os.Geteuid() == 0 {
		if err != nil {
			t.Errorf("root opens a read-only file: %v", err)
		}
		return
	}
	var ro *store.ReadOnlyError
	if !errors.As(err, &ro) {
		t.Errorf("Open of a database this user may not write: %v; want a ReadOnlyError", err)
	}
}
