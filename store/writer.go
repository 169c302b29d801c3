package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"strconv"

	"github.com/jmoiron/sqlx"
	sqlite3 "github.com/mattn/go-sqlite3"
)

// openWriter opens the writer's connection pool: SQLite's driver, with
// the writer's temporary files kept in memory.
//
// A group of changes (group.go) makes each change inside a SAVEPOINT, so
// that a refused one is rolled back alone, and SQLite copies every page a
// change touches into the savepoint's journal first. That journal spills
// to a temporary file once it holds 64 KB, sixteen pages, which a change
// announced in its task group's channel (its action, its audit entry, its
// inbox record, its outbox row and their indexes) passes: each group then
// opened a file in /var/tmp, wrote the pages to it and closed it, a third
// of the bot's system calls under load (issue 25). In memory the journal
// lasts as long as the transaction and is as large as the pages it
// touched. Readers keep SQLite's default, so a large sort of theirs still
// goes to a file.
//
// The writer checkpoints the WAL every walCheckpointPages pages rather
// than SQLite's 1,000: a checkpoint copies each page the WAL holds once,
// however often it was written, and the pages every change writes (the
// last pages of the audit trail, the inbox, the outbox and their indexes)
// are written again and again. Of 18,313 frames the update phase wrote,
// 29% were distinct pages in each run of 1,000, 20% in each of 4,000: a
// third fewer pages read from the WAL and written to the database, and a
// quarter of the checkpoints' fsyncs (issue 25). The WAL file grows to
// some 16 MB; the WAL index, mapped in memory, by 32 KB.
func openWriter(dsn string) *sqlx.DB {
	d := &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		if _, err := c.Exec(`PRAGMA temp_store = MEMORY`, nil); err != nil {
			return err
		}
		_, err := c.Exec(`PRAGMA wal_autocheckpoint = `+strconv.Itoa(walCheckpointPages), nil)
		return err
	}}
	// A connector of its own rather than a driver registered by name: no
	// init, nothing global.
	return sqlx.NewDb(sql.OpenDB(writerConnector{dsn: dsn, d: d}), "sqlite3")
}

// walCheckpointPages is how many pages the writer lets the WAL hold before
// it checkpoints (SQLite's default is 1,000).
const walCheckpointPages = 4000

type writerConnector struct {
	dsn string
	d   *sqlite3.SQLiteDriver
}

func (c writerConnector) Connect(context.Context) (driver.Conn, error) { return c.d.Open(c.dsn) }
func (c writerConnector) Driver() driver.Driver                        { return c.d }
