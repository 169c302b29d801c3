package store

import (
	"database/sql"

	"github.com/jmoiron/sqlx"
	sqlite3 "github.com/mattn/go-sqlite3"
)

// writerDriver is the SQLite driver of the writer's connection: SQLite's,
// with the writer's temporary files kept in memory.
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
const writerDriver = "sqlite3_actionbot_writer"

func init() {
	sql.Register(writerDriver, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		_, err := c.Exec(`PRAGMA temp_store = MEMORY`, nil)
		return err
	}})
	sqlx.BindDriver(writerDriver, sqlx.QUESTION)
}
