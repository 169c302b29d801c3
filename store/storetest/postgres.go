package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/jmoiron/sqlx"

	"github.com/sevenoaks-csp/actionbot"
)

// PostgresEnv names the variable that points the tests at a PostgreSQL
// server: a URL such as postgres://postgres@/postgres?host=/tmp/pg (a
// Unix socket) or postgres://user:pw@127.0.0.1:5432/db. Set, every test
// that opens its database through this package runs on PostgreSQL, each in
// a schema of its own dropped when it ends; unset, they run on SQLite.
// .ci/run runs the whole suite both ways.
const PostgresEnv = "ACTIONBOT_TEST_POSTGRES"

// HowToRunPostgres is what a test that needs PostgreSQL says when skipped.
const HowToRunPostgres = "needs PostgreSQL: set " + PostgresEnv + "=postgres://USER@/DB?host=/SOCKET/DIR (bash .ci/run starts a throwaway server and sets it)"

// PostgresURL returns the server the tests should use, or "".
func PostgresURL() string { return os.Getenv(PostgresEnv) }

// OnPostgres reports whether the tests' databases are PostgreSQL.
func OnPostgres() bool { return PostgresURL() != "" }

// MustPostgres returns the URL of a new, empty schema on the test server,
// dropped when the test ends; without the server the test is skipped,
// saying how to run it.
func MustPostgres(tb testing.TB) string {
	tb.Helper()
	base := PostgresURL()
	if base == "" {
		tb.Skip(HowToRunPostgres)
	}
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("%s: %v", PostgresEnv, err)
	}
	admin, err := sqlx.Open("pgx", base)
	if err != nil {
		tb.Fatalf("connect to %s: %v", actionbot.Redact(base), err)
	}
	defer admin.Close()
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		tb.Fatalf("create schema on %s: %v", actionbot.Redact(base), err)
	}
	tb.Cleanup(func() {
		admin, err := sqlx.Open("pgx", base)
		if err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer admin.Close()
		if _, err := admin.ExecContext(context.Background(), `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// MustLocation returns where a test's new database goes: a file in its
// temporary directory, or a schema of its own on the PostgreSQL server
// when PostgresEnv is set.
func MustLocation(tb testing.TB) string {
	tb.Helper()
	if OnPostgres() {
		return MustPostgres(tb)
	}
	return filepath.Join(tb.TempDir(), "actionbot.db")
}
