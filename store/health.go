package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/jmoiron/sqlx"
	"github.com/mattn/go-sqlite3"
	"github.com/sevenoaks-csp/actionbot"
)

// MissingError is returned by Open, with MustExist set, when there is no
// database file at the path: nothing has been created.
type MissingError struct {
	Path string
	// Dir is the directory that does not exist either, if it does not.
	Dir string
	// Empty: the file exists, but is empty.
	Empty bool
	// Link is where Path, a symbolic link, points: nothing is there.
	Link string
}

func (e *MissingError) Error() string {
	if e.Empty {
		return fmt.Sprintf("the database file %s is empty: it holds no plan", actionbot.Redact(e.Path))
	}
	if e.Link != "" {
		return fmt.Sprintf("there is no database at %s: it is a link to %s, which does not exist", actionbot.Redact(e.Path), e.Link)
	}
	if e.Dir != "" {
		return fmt.Sprintf("there is no database at %s: the directory %s does not exist", actionbot.Redact(e.Path), e.Dir)
	}
	return fmt.Sprintf("there is no database at %s", actionbot.Redact(e.Path))
}

// DamagedError says SQLite found the database file damaged: at Open, or by
// QuickCheck.
type DamagedError struct {
	Path   string
	Detail string // SQLite's words, the first problems found
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("the database %s is damaged: %s", actionbot.Redact(e.Path), e.Detail)
}

// ReadOnlyError says SQLite may not write the database: the file, or the
// folder where its -wal and -shm files go, is not writable by this user
// (an archived year made read-only, a copy handed over with its modes).
type ReadOnlyError struct {
	Path string
}

func (e *ReadOnlyError) Error() string {
	return fmt.Sprintf("the database %s cannot be written by this user", actionbot.Redact(e.Path))
}

// missing explains a database file that does not exist.
func missing(path string) error {
	dir := filepath.Dir(path)
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return &MissingError{Path: path, Dir: dir}
	}
	return &MissingError{Path: path}
}

// missingDir reports whether the directory a database would be in does not
// exist.
func missingDir(path string) bool {
	_, err := os.Stat(filepath.Dir(path))
	return errors.Is(err, fs.ErrNotExist)
}

// sqliteHeader begins every SQLite database file.
const sqliteHeader = "SQLite format 3\x00"

// mustBeSQLite refuses, with EINVALID, a non-empty file that does not begin
// as an SQLite database does (an empty file is a new database to SQLite).
func mustBeSQLite(path string, size int64) error {
	if size == 0 {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open database %s: %w", path, err)
	}
	defer f.Close()
	head := make([]byte, len(sqliteHeader))
	if n, _ := io.ReadFull(f, head); n == len(head) && string(head) == sqliteHeader {
		return nil
	}
	return actionbot.Errorf(actionbot.EINVALID, "%s is not an actionbot database (it is not an SQLite file), and it was left as it is. Check ACTIONBOT_DB or -db.", path)
}

// isLink reports whether path is a symbolic link.
func isLink(path string) bool {
	st, err := os.Lstat(path)
	return err == nil && st.Mode()&fs.ModeSymlink != 0
}

// linkText is where the link at path points, as written.
func linkText(path string) string {
	t, _ := os.Readlink(path)
	return t
}

// fileSize is the size of the file at path; 0 when there is none.
func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

// mustBeOurs refuses, with EINVALID and before anything is written, an
// SQLite database another program made: it has tables, and not actionbot's
// record of its migrations. Migrating it would add actionbot's tables
// beside the other program's and start a plan there.
// It reads on a read-only connection with no settings, which writes
// nothing (the pools' WAL setting would change the file's header).
// PostgreSQL is not asked: a schema shared with other applications is
// usual there.
func (db *DB) mustBeOurs() error {
	x, err := sqlx.Open("sqlite3", "file:"+(&url.URL{Path: db.Path}).EscapedPath()+"?mode=ro")
	if err != nil {
		return fmt.Errorf("open database %s: %w", actionbot.Redact(db.Path), err)
	}
	defer x.Close()
	var tables []string
	if err := x.Select(&tables, `SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name`); err != nil {
		return db.damaged(fmt.Errorf("open database %s: list its tables: %w", actionbot.Redact(db.Path), err))
	}
	// Ours: nothing yet; only the migrations table (a first start stopped
	// before the first migration); or the migrations table with a record
	// of actionbot's first migration (Rails and golang-migrate make a
	// schema_migrations table of their own).
	switch {
	case len(tables) == 0, len(tables) == 1 && tables[0] == "schema_migrations":
		return nil
	case slices.Contains(tables, "schema_migrations"):
		var n int
		if err := x.Get(&n, `SELECT COUNT(*) FROM schema_migrations WHERE name = ?`, firstMigration); err == nil && n == 1 {
			return nil
		}
	}
	return actionbot.Errorf(actionbot.EINVALID, "%s is an SQLite database, but not actionbot's (it holds %s, and none of actionbot's tables); it was left as it is. Check ACTIONBOT_DB or -db.",
		db.Path, actionbot.Plural(len(tables), "table"))
}

// firstMigration is the name actionbot records for its first migration.
const firstMigration = "migrations/001_plan.sql"

// damaged turns SQLite's "malformed" and "not a database" errors into a
// DamagedError, and leaves any other error as it is.
func (db *DB) damaged(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) && (se.Code == sqlite3.ErrCorrupt || se.Code == sqlite3.ErrNotADB) {
		return &DamagedError{Path: db.Path, Detail: se.Error()}
	}
	if errors.As(err, &se) && se.Code == sqlite3.ErrReadonly {
		return &ReadOnlyError{Path: db.Path}
	}
	return err
}

// tighten narrows an existing database, and its WAL and shared-memory
// files, to their owner (0644 becomes 0600): they hold notes and blocked
// reasons. It takes away only: a file made read-only (0444) becomes 0400,
// never writable. It returns the files it changed. A file this user may
// not change (not its owner) is left as it is.
func tighten(path string) []string {
	var changed []string
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		st, err := os.Stat(p)
		if err != nil || !st.Mode().IsRegular() || st.Mode().Perm()&0o077 == 0 {
			continue
		}
		if os.Chmod(p, st.Mode().Perm()&^0o077) == nil {
			changed = append(changed, fmt.Sprintf("%s (was %04o)", p, st.Mode().Perm()))
		}
	}
	return changed
}

// health is what is known of the file's integrity: the last integrity
// check's finding, or damage a query met since.
type health struct {
	mu      sync.Mutex
	path    string
	damaged error
	// file is the database file as opened: Ping finds it deleted or
	// replaced under the running bot.
	file os.FileInfo
}

// saw notes damage that an error from SQLite shows (a malformed page, a
// file that is no longer a database) and returns the error as it is; a
// write refused because the file is read-only is said as such.
func (h *health) saw(err error) error {
	if err == nil || h == nil {
		return err
	}
	var se sqlite3.Error
	if errors.As(err, &se) && (se.Code == sqlite3.ErrCorrupt || se.Code == sqlite3.ErrNotADB) {
		h.mu.Lock()
		if h.damaged == nil {
			h.damaged = &DamagedError{Path: h.path, Detail: se.Error()}
		}
		h.mu.Unlock()
	}
	if errors.As(err, &se) && se.Code == sqlite3.ErrReadonly {
		// A database made read-only under the bot (or opened so): said
		// plainly to whoever asked for the change, SQLite's words kept.
		return fmt.Errorf("%w (%w)", actionbot.Errorf(actionbot.EINVALID, "Nothing was changed: the database is read-only (its file, or the folder it is in, cannot be written by the bot). Tell a coordinator."), err)
	}
	return err
}

// QuickCheck runs SQLite's quick_check over the whole file. A damaged file
// gives a *DamagedError, which Ping then reports until a later check
// passes. On PostgreSQL, whose server checks its own pages, it checks that
// the database answers.
func (db *DB) QuickCheck(ctx context.Context) error {
	if db.Postgres() {
		var n int
		if err := db.ro.GetContext(ctx, &n, `SELECT COUNT(*) FROM schema_migrations`); err != nil {
			return fmt.Errorf("check %s: %w", actionbot.Redact(db.Path), err)
		}
		return nil
	}
	var problems []string
	err := db.ro.SelectContext(ctx, &problems, `PRAGMA quick_check(5)`)
	switch {
	case err != nil:
		err = db.damaged(err)
		var de *DamagedError
		if !errors.As(err, &de) {
			return fmt.Errorf("quick_check %s: %w", actionbot.Redact(db.Path), err)
		}
	case len(problems) == 1 && problems[0] == "ok":
	default:
		err = &DamagedError{Path: db.Path, Detail: strings.Join(problems, "; ")}
	}
	db.health.mu.Lock()
	db.health.damaged = err
	db.health.mu.Unlock()
	return err
}

// writable says why nothing may be written now, if anything: the file is
// known to be damaged (a query met the damage, or the last check found
// it), or it is gone or replaced under the running bot, where a change
// would be lost or land in a file nobody opens. Every write asks (begin),
// so that a change is refused rather than confirmed; Ping reports it.
func (db *DB) writable() error {
	db.health.mu.Lock()
	damaged, file := db.health.damaged, db.health.file
	db.health.mu.Unlock()
	if damaged != nil {
		return &HealthError{What: "is damaged", Err: damaged}
	}
	if file != nil {
		st, err := os.Stat(db.Path)
		switch {
		case err != nil:
			return &HealthError{What: "file is gone from under the running bot (changes would be lost when it stops)", Err: err}
		case !os.SameFile(st, file):
			return &HealthError{What: "file was replaced under the running bot", Err: fmt.Errorf("%s is not the file it opened", actionbot.Redact(db.Path))}
		}
	}
	return nil
}

// HealthError is Ping's finding: actionbot.HealthError.
type HealthError = actionbot.HealthError

// Ping checks that the database can be read and written, and that the
// last QuickCheck found it whole (GET /healthz). It fails with a
// *HealthError.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.writable(); err != nil {
		return err
	}
	var n int
	if err := db.ro.GetContext(ctx, &n, `SELECT COUNT(*) FROM health`); err != nil {
		return &HealthError{What: "cannot be read", Err: db.damaged(err)}
	}
	if _, err := db.rw.ExecContext(ctx, `UPDATE health SET checked_at = ? WHERE id = 1`, db.now()); err != nil {
		return &HealthError{What: "cannot be written", Err: db.damaged(err)}
	}
	return nil
}
