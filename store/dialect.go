package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // the PostgreSQL driver, registered as "pgx"
	"github.com/jmoiron/sqlx"

	"github.com/sevenoaks-csp/actionbot"
)

// The store speaks two dialects. The SQL is written once, with ?
// placeholders, and rebound for the database in hand (sqlx.Rebind: $1, $2…
// for PostgreSQL, unchanged for SQLite). Where the dialects must differ
// they differ here and in the migrations, which are kept per dialect under
// the same names (migrations/ for SQLite, migrations_pg/ for PostgreSQL):
//
//   - a new row's id comes back through RETURNING id (insertID), which both
//     accept; database/sql's LastInsertId is SQLite's alone;
//   - writers are serialised: SQLite's single writing connection begins with
//     BEGIN IMMEDIATE, PostgreSQL's write transactions first take one
//     transaction-scoped advisory lock (writeLockKey), so that a read made
//     inside a write transaction is still true at its commit, on every
//     replica, and audit ids are handed out in commit order (the in-memory
//     snapshot reads the entries since the last id it saw);
//   - instants and dates are fixed-width text on both, and text compares
//     byte by byte on both (COLLATE "C" in the PostgreSQL schema).
type dialect int

const (
	sqliteDialect dialect = iota
	postgresDialect
)

// writeLockKey is the PostgreSQL advisory lock every write transaction
// holds until it ends ("actb" in ASCII).
const writeLockKey = 0x61637462

// IsPostgresURL reports whether a database location names a PostgreSQL
// server (postgres:// or postgresql://) rather than a SQLite file.
func IsPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Postgres reports whether the database is PostgreSQL.
func (db *DB) Postgres() bool { return db.dialect == postgresDialect }

// pool is a connection pool whose queries are rebound for its dialect.
// watch, when set, notes any sign of a damaged SQLite file in an error, so
// that Ping (GET /healthz) reports damage the moment a query meets it.
type pool struct {
	*sqlx.DB
	watch *health
}

func (p *pool) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	r, err := p.DB.ExecContext(ctx, p.Rebind(q), args...)
	return r, p.watch.saw(err)
}

func (p *pool) GetContext(ctx context.Context, dest any, q string, args ...any) error {
	return p.watch.saw(p.DB.GetContext(ctx, dest, p.Rebind(q), args...))
}

func (p *pool) SelectContext(ctx context.Context, dest any, q string, args ...any) error {
	return p.watch.saw(p.DB.SelectContext(ctx, dest, p.Rebind(q), args...))
}

func (p *pool) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	rows, err := p.DB.QueryContext(ctx, p.Rebind(q), args...)
	return rows, p.watch.saw(err)
}

func (p *pool) QueryxContext(ctx context.Context, q string, args ...any) (*sqlx.Rows, error) {
	rows, err := p.DB.QueryxContext(ctx, p.Rebind(q), args...)
	return rows, p.watch.saw(err)
}

func (p *pool) QueryRowxContext(ctx context.Context, q string, args ...any) *sqlx.Row {
	return p.DB.QueryRowxContext(ctx, p.Rebind(q), args...)
}

func (p *pool) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return p.DB.QueryRowContext(ctx, p.Rebind(q), args...)
}

// BeginTxx begins a transaction whose queries are rebound too.
func (p *pool) BeginTxx(ctx context.Context, opts *sql.TxOptions) (*Tx, error) {
	tx, err := p.DB.BeginTxx(ctx, opts)
	if err != nil {
		return nil, p.watch.saw(err)
	}
	return &Tx{Tx: tx, watch: p.watch}, nil
}

// Tx is a transaction whose queries are rebound for its dialect, its
// errors watched as its pool's are.
type Tx struct {
	*sqlx.Tx
	// conn, instead of Tx, is a connection on which the transaction was
	// begun by hand, to batch statements with its BEGIN and COMMIT
	// (PostgreSQL: pgchange.go).
	conn  *sqlx.Conn
	watch *health
	// notice is the payload of the change notice the transaction sends
	// at its commit (PostgreSQL), or "".
	notice string
	// feed and wait, when this process listens, are what the commit of a
	// change to the counters waits on (moved), so that every replica that
	// listens sees it before it is answered (cache.go).
	feed  *changeFeed
	wait  *noticeWait
	moved bool
}

// movesCounters notes that the transaction q changes what the caches are
// keyed on (an audit entry, the plan's revision): its commit waits for the
// replicas (cache.go).
func movesCounters(q any) {
	if t, ok := q.(*Tx); ok {
		t.moved = true
	}
}

// Commit commits the transaction; a change to the counters waits, after
// the commit, until every replica that listens has heard of it (or could
// no longer trust what it had: cache.go).
func (t *Tx) Commit() error {
	var err error
	if t.conn != nil {
		err = t.endConn("COMMIT")
	} else {
		err = t.watch.saw(t.Tx.Commit())
	}
	t.committed(err)
	return err
}

// committed has a change to the counters wait for the replicas once
// committed (err nil), and forgets its notice otherwise.
func (t *Tx) committed(err error) {
	if w := t.wait; w != nil {
		t.wait = nil
		if err == nil && t.moved {
			t.feed.await(t.notice, w, mono())
		} else {
			t.feed.forget(t.notice)
		}
	}
}

// Rollback ends the transaction without its changes.
func (t *Tx) Rollback() error {
	if t.wait != nil {
		t.wait = nil
		t.feed.forget(t.notice)
	}
	if t.conn != nil {
		return t.endConn("ROLLBACK")
	}
	if t.Tx == nil { // ended by hand (pgchange.go)
		return nil
	}
	return t.Tx.Rollback()
}

// run is what the transaction's statements go through.
func (t *Tx) run() interface {
	sqlx.ExecerContext
	sqlx.QueryerContext
	GetContext(ctx context.Context, dest any, query string, args ...any) error
	SelectContext(ctx context.Context, dest any, query string, args ...any) error
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	Rebind(string) string
} {
	if t.conn != nil {
		return t.conn
	}
	return t.Tx
}

func (t *Tx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	r := t.run()
	res, err := r.ExecContext(ctx, r.Rebind(q), args...)
	return res, t.watch.saw(err)
}

func (t *Tx) GetContext(ctx context.Context, dest any, q string, args ...any) error {
	r := t.run()
	return t.watch.saw(r.GetContext(ctx, dest, r.Rebind(q), args...))
}

func (t *Tx) SelectContext(ctx context.Context, dest any, q string, args ...any) error {
	r := t.run()
	return t.watch.saw(r.SelectContext(ctx, dest, r.Rebind(q), args...))
}

func (t *Tx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	r := t.run()
	rows, err := r.QueryContext(ctx, r.Rebind(q), args...)
	return rows, t.watch.saw(err)
}

func (t *Tx) QueryxContext(ctx context.Context, q string, args ...any) (*sqlx.Rows, error) {
	r := t.run()
	rows, err := r.QueryxContext(ctx, r.Rebind(q), args...)
	return rows, t.watch.saw(err)
}

func (t *Tx) QueryRowxContext(ctx context.Context, q string, args ...any) *sqlx.Row {
	r := t.run()
	return r.QueryRowxContext(ctx, r.Rebind(q), args...)
}

func (t *Tx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	r := t.run()
	return r.QueryRowContext(ctx, r.Rebind(q), args...)
}

// insertID runs an INSERT and returns the new row's id, through RETURNING
// id (both dialects). inserted is false when the INSERT … ON CONFLICT DO
// NOTHING inserted nothing.
func insertID(ctx context.Context, tx execer, query string, args ...any) (id int64, inserted bool, err error) {
	err = tx.GetContext(ctx, &id, query+` RETURNING id`, args...)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	return id, true, nil
}

// openPostgres opens the PostgreSQL database at the URL in Path: one pool
// serves reads and writes (the server keeps them apart), and the
// migrations run under an advisory lock, so that replicas starting
// together apply each once.
func (db *DB) openPostgres() error {
	db.dialect = postgresDialect
	where := actionbot.Redact(db.Path)
	if _, err := url.Parse(db.Path); err != nil {
		return fmt.Errorf("open database %s: the URL does not parse; write it as postgres://USER@HOST/DATABASE?sslmode=require", where)
	}
	x, err := sqlx.Open("pgx", db.Path)
	if err != nil {
		return fmt.Errorf("open database %s: %w", where, err)
	}
	if db.MaxConns <= 0 {
		db.MaxConns = 16
	}
	x.SetMaxOpenConns(db.MaxConns)
	x.SetMaxIdleConns(db.MaxConns)
	db.rw = &pool{x, nil}
	db.ro = db.rw
	ctx := context.Background()
	if err := x.PingContext(ctx); err != nil {
		x.Close()
		return fmt.Errorf("open database %s: %w", where, err)
	}
	if err := db.migrate(ctx); err != nil {
		x.Close()
		return fmt.Errorf("open database %s: %w", where, err)
	}
	return nil
}

// lockWrites takes, inside a PostgreSQL transaction, the lock that
// serialises writers; on SQLite the transaction already holds it.
func (db *DB) lockWrites(ctx context.Context, tx *Tx) error {
	if db.dialect != postgresDialect {
		return nil
	}
	// Keyed by schema too, so that deployments kept in separate schemas of
	// one database (and tests) do not wait for each other.
	// The same statement queues the notice of the change to every replica
	// (changeFeed): PostgreSQL delivers it at the commit, and drops it with
	// a rollback. Its payload names this transaction.
	tx.notice = db.feed.nextNotice()
	tx.feed, tx.wait = &db.feed, db.feed.expect(tx.notice)
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?, hashtext(current_schema())), pg_notify(?|| current_schema(), ?)`,
		int32(writeLockKey), notifyChannel, tx.notice); err != nil {
		return fmt.Errorf("take the write lock: %w", err)
	}
	return nil
}

// snapshotTxOptions begins a read transaction that sees the database at one
// instant: SQLite's always does; PostgreSQL's needs REPEATABLE READ.
func (db *DB) snapshotTxOptions() *sql.TxOptions {
	if db.dialect == postgresDialect {
		return &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead}
	}
	return &sql.TxOptions{ReadOnly: true}
}
