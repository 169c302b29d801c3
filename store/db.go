// Package store keeps the plan of record in SQLite through sqlx: plans,
// actions, agencies, the audit trail and the outbox. Every change and its
// audit entry are written in one transaction. The SQL is kept portable so
// that a PostgreSQL backend can follow.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/mattn/go-sqlite3" // the SQLite driver, registered as "sqlite3"

	"github.com/sevenoaks-csp/actionbot"
)

//go:embed migrations/*.sql migrations_pg/*.sql
var migrationFS embed.FS

// timeFormat stores instants as fixed-width UTC text, so they sort as text.
const timeFormat = "2006-01-02T15:04:05.000000Z"

// DB is the SQLite database. Writes go through a single connection that
// begins transactions with BEGIN IMMEDIATE, so concurrent writers queue
// rather than fail; reads use a pool of query-only connections, which WAL
// lets run beside the writer.
type DB struct {
	rw *pool
	ro *pool
	// Path is the SQLite file, or a postgres:// URL for PostgreSQL.
	Path string
	// MaxConns bounds PostgreSQL's connection pool (default 16).
	MaxConns int

	dialect dialect
	// Sync is SQLite's synchronous setting: "NORMAL" (the default, durable
	// across a crash of the process) or "FULL" (durable across power loss).
	Sync string
	// BusyTimeout is how long a connection waits for a lock held by another
	// process (the CLI beside the running bot) before failing.
	BusyTimeout time.Duration

	// Now returns the current instant; tests replace it.
	Now func() time.Time

	// ConfiguredCoordinators are the actors who coordinate by the wiring's word
	// rather than by a row in the database: the coordinators named by
	// configuration (ACTIONBOT_COORDINATORS), and the CLI's and the
	// console's person at the keyboard, who owns the database file. The
	// write methods let them make any change (authz.go). Set before use.
	ConfiguredCoordinators []string

	// Owner is whose the messages queued through this DB are (outbox.go):
	// empty or SlackOwner for Slack's, delivered by the Slack sender; a
	// console run's own (ConsoleOwner), which only that run shows.
	Owner string

	// RecheckEvery bounds how often the in-memory caches ask the database
	// whether another process has changed it (0: on every read). Changes
	// made through this DB are seen at once either way. The bot sets it so
	// that a request costs no extra query; the CLI leaves it at 0.
	RecheckEvery time.Duration

	// cache keeps the current plan, its priorities and the agency
	// directory between changes (cache.go).
	cache planCache
	// MustExist makes Open refuse to create a missing database (the bot
	// in Slack, and commands that only read): a mistyped path or an
	// unmounted volume must not start a fresh database.
	MustExist bool
	// MustHaveDir makes Open refuse, with a *MissingError, to create the
	// directory of a missing database (a mistyped path, an unmounted
	// volume); it may still create the file in a directory that exists.
	MustHaveDir bool
	// Created reports that Open created the file; Tightened lists the
	// files Open narrowed to mode 0600, with their old modes.
	Created   bool
	Tightened []string

	// health is what QuickCheck last found (health.go).
	health health
	// sent holds confirmations sent and not yet recorded (inbox.go).
	sent sentConfirmations
	// snap keeps the current plan's actions in memory (snapshot.go).
	snap snapState
	// archived keeps archived plans' actions in memory (archived.go).
	archived archivedSnaps
	// watch tells them when the database has changed (cache.go).
	watch changeWatch
	// feed hears of other replicas' changes on PostgreSQL (cache.go).
	feed changeFeed
	// group gathers changes made together on SQLite (group.go).
	group writeGroup
	// outboxLease is held by the replica that delivers (lease.go).
	outboxLease lease
	// wake is called after a change commits messages to the outbox
	// (WakeOnQueue).
	wake atomic.Pointer[func()]
}

// WakeOnQueue has wake called after each change that queues messages
// commits, so that a sender (outbox.Sender) sends them at once rather than at
// its next poll. Only a message that is the first waiting for its
// conversation wakes it: one queued behind another goes once the sender has
// sent that one (on SQLite and PostgreSQL alike the change's outbox
// INSERT answers that question: enqueueChange, commitChangesPG).
// A nil wake stops the calls.
func (db *DB) WakeOnQueue(wake func()) {
	if wake == nil {
		db.wake.Store(nil)
		return
	}
	db.wake.Store(&wake)
}

// queued calls the WakeOnQueue function, if any.
func (db *DB) queued() {
	if f := db.wake.Load(); f != nil {
		(*f)()
	}
}

// NewDB returns a DB for the SQLite file at path; call Open before use.
func NewDB(path string) *DB {
	return &DB{Path: path, Sync: "NORMAL", BusyTimeout: 10 * time.Second, Now: time.Now}
}

// Open opens the database at Path, applies pending migrations and narrows
// an existing file (and its WAL and shared-memory files) to mode 0600.
// Without MustExist it creates a missing file, readable by its owner only,
// and its directory; with MustExist a missing file is a *MissingError and
// nothing is created. A file SQLite finds damaged is a *DamagedError.
func (db *DB) Open() error {
	if db.Path == "" {
		return errors.New("open database: no path given")
	}
	if IsPostgresURL(db.Path) {
		return db.openPostgres()
	}
	if strings.Contains(db.Path, ":memory:") || strings.HasPrefix(db.Path, "file:") {
		return fmt.Errorf("open database %q: give a file path (a shared in-memory database is not supported)", actionbot.Redact(db.Path))
	}
	st, err := os.Stat(db.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && isLink(db.Path):
		return &MissingError{Path: db.Path, Link: linkText(db.Path)}
	case errors.Is(err, fs.ErrNotExist) && db.MustExist:
		return missing(db.Path)
	case errors.Is(err, fs.ErrNotExist) && db.MustHaveDir && missingDir(db.Path):
		return missing(db.Path)
	case errors.Is(err, fs.ErrNotExist):
		if dir := filepath.Dir(db.Path); dir != "" {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return fmt.Errorf("open database: create directory %s: %w", dir, err)
			}
		}
		f, err := os.OpenFile(db.Path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fmt.Errorf("open database %s: %w", actionbot.Redact(db.Path), err)
		}
		f.Close()
		db.Created = true
	case err != nil:
		return fmt.Errorf("open database %s: %w", actionbot.Redact(db.Path), err)
	case !st.Mode().IsRegular():
		return fmt.Errorf("open database %s: not a regular file", actionbot.Redact(db.Path))
	default:
		// A file that is not SQLite's (a report, a CSV named by mistake)
		// is left exactly as it is: not narrowed, not called damaged.
		if err := mustBeSQLite(db.Path, st.Size()); err != nil {
			return err
		}
		// An empty file (touched, or truncated) holds no plan: where a
		// missing database is refused, so is an empty one, rather than
		// starting a new plan in it. (A new database's first writes may
		// wait in its -wal file: then it is not empty.)
		if db.MustExist && st.Size() == 0 && fileSize(db.Path+"-wal") == 0 {
			return &MissingError{Path: db.Path, Empty: true}
		}
		if err := db.mustBeOurs(); err != nil {
			return err
		}
		db.Tightened = tighten(db.Path)
	}

	db.rw = &pool{openWriter(db.dsn(false)), &db.health}
	db.rw.SetMaxOpenConns(1)
	db.rw.SetMaxIdleConns(1)
	db.rw.SetConnMaxLifetime(0)
	ro, err := sqlx.Open("sqlite3", db.dsn(true))
	if err != nil {
		db.rw.Close()
		return fmt.Errorf("open database %s: %w", actionbot.Redact(db.Path), err)
	}
	db.ro = &pool{ro, &db.health}
	n := max(4, 2*runtime.GOMAXPROCS(0))
	db.ro.SetMaxOpenConns(n)
	db.ro.SetMaxIdleConns(n)
	db.health.mu.Lock()
	db.health.path = db.Path
	db.health.mu.Unlock()

	if err := db.migrate(context.Background()); err != nil {
		db.Close()
		return db.damaged(err)
	}
	// The file as opened, for Ping to find it deleted or replaced.
	if st, err := os.Stat(db.Path); err == nil {
		db.health.mu.Lock()
		db.health.file = st
		db.health.mu.Unlock()
	}
	return nil
}

func (db *DB) dsn(readOnly bool) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", fmt.Sprint(db.BusyTimeout.Milliseconds()))
	q.Set("_synchronous", db.Sync)
	// Each connection keeps its prepared statements: the hot queries are
	// few and fixed, and preparing was a quarter of an action card's cost.
	q.Set("_stmt_cache_size", "64")
	if readOnly {
		q.Set("_query_only", "true")
		// Readers answer little beyond the in-memory snapshot: a small page
		// cache each keeps the pool's memory, outside the Go heap, bounded
		// (SQLite's default is 2 MB a connection, and there are four or more).
		q.Set("_cache_size", "-512")
	} else {
		q.Set("_txlock", "immediate")
	}
	return "file:" + (&url.URL{Path: db.Path}).EscapedPath() + "?" + q.Encode()
}

// Close closes both pools.
func (db *DB) Close() error {
	var errs []error
	db.outboxLease.release(outboxLockKey)
	if db.ro != nil && db.ro != db.rw {
		errs = append(errs, db.ro.Close())
	}
	if db.rw != nil {
		errs = append(errs, db.rw.Close())
	}
	return errors.Join(errs...)
}

// migrate applies the migrations not yet applied, each in its own
// transaction. They are named alike in both dialects and recorded under
// their SQLite name (migrations/NNN_….sql), so that both databases say the
// same version; PostgreSQL's text comes from migrations_pg/.
func (db *DB) migrate(ctx context.Context) error {
	if err := db.createMigrationsTable(ctx); err != nil {
		return err
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := db.migrateFile(ctx, name); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) createMigrationsTable(ctx context.Context) error {
	tx, err := db.rw.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: begin: %w", err)
	}
	defer tx.Rollback()
	if err := db.lockWrites(ctx, tx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: create schema_migrations: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate: create schema_migrations: %w", err)
	}
	return nil
}

// migrationText returns a migration's SQL for the database's dialect.
func (db *DB) migrationText(name string) ([]byte, error) {
	if db.dialect == postgresDialect {
		return fs.ReadFile(migrationFS, "migrations_pg/"+strings.TrimPrefix(name, "migrations/"))
	}
	return fs.ReadFile(migrationFS, name)
}

func (db *DB) migrateFile(ctx context.Context, name string) error {
	tx, err := db.rw.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate %s: begin: %w", name, err)
	}
	defer tx.Rollback()
	// Replicas starting together: the first applies it, the others wait
	// here and then find it recorded.
	if err := db.lockWrites(ctx, tx); err != nil {
		return fmt.Errorf("migrate %s: %w", name, err)
	}
	var n int
	if err := tx.GetContext(ctx, &n, `SELECT COUNT(*) FROM schema_migrations WHERE name = ?`, name); err != nil {
		return fmt.Errorf("migrate %s: %w", name, err)
	} else if n > 0 {
		return nil
	}
	body, err := db.migrationText(name)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", name, err)
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return fmt.Errorf("migrate %s: %w", name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`, name, db.now()); err != nil {
		return fmt.Errorf("migrate %s: record: %w", name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate %s: commit: %w", name, err)
	}
	return nil
}

// Migrations returns the names of the applied migrations, in order.
func (db *DB) Migrations(ctx context.Context) ([]string, error) {
	var names []string
	if err := db.ro.SelectContext(ctx, &names, `SELECT name FROM schema_migrations ORDER BY name`); err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	return names, nil
}

// now returns the current instant as stored text.
func (db *DB) now() string { return formatTime(db.Now()) }

// begin starts a write transaction.
func (db *DB) begin(ctx context.Context) (*Tx, error) {
	if err := db.writable(); err != nil {
		return nil, fmt.Errorf("begin transaction: %w", err)
	}
	tx, err := db.rw.BeginTxx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin transaction: %w", err)
	}
	if err := db.lockWrites(ctx, tx); err != nil {
		tx.Rollback()
		return nil, fmt.Errorf("begin transaction: %w", err)
	}
	return tx, nil
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeFormat)
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(timeFormat, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse stored time %q: %w", s, err)
	}
	return t, nil
}

func nullTime(t time.Time) sql.NullString {
	if t.IsZero() {
		return sql.NullString{}
	}
	return sql.NullString{String: formatTime(t), Valid: true}
}

func nullDate(d actionbot.Date) sql.NullString {
	if d.IsZero() {
		return sql.NullString{}
	}
	return sql.NullString{String: d.String(), Valid: true}
}

func parseNullDate(s sql.NullString) (actionbot.Date, error) {
	if !s.Valid || s.String == "" {
		return actionbot.Date{}, nil
	}
	return actionbot.ParseISODate(s.String)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// queryer is what read helpers need: the read pool or a transaction.
type queryer interface {
	sqlx.QueryerContext
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
}

// execer is what write helpers need: a transaction.
type execer interface {
	queryer
	sqlx.ExecerContext
}
