package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// Backup writes a consistent copy of the live database to path with
// SQLite's online backup API: writers may carry on while it runs, and the
// copy is the database as of one instant. The copy is created readable by
// its owner only; an existing file at path is refused rather than
// overwritten. A PostgreSQL database is copied into a new SQLite file at
// path (CopyTo), read at one instant too: `actionbot copy-db` can load it
// back into PostgreSQL.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.Postgres() {
		return db.backupToSQLite(ctx, path)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("backup to %s: the file exists; choose a new name", path)
	} else if err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	f.Close()
	ok := false
	defer func() {
		if !ok {
			os.Remove(path)
		}
	}()

	dest, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	defer dest.Close()
	destConn, err := dest.Conn(ctx)
	if err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	defer destConn.Close()
	srcConn, err := db.ro.Conn(ctx)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer srcConn.Close()

	err = destConn.Raw(func(d any) error {
		return srcConn.Raw(func(s any) error {
			dc, ok1 := d.(*sqlite3.SQLiteConn)
			sc, ok2 := s.(*sqlite3.SQLiteConn)
			if !ok1 || !ok2 {
				return errors.New("not a go-sqlite3 connection")
			}
			bk, err := dc.Backup("main", sc, "main")
			if err != nil {
				return err
			}
			for {
				// Copy in steps so that writers are not held up for long.
				done, err := bk.Step(256)
				if err != nil {
					bk.Finish()
					return err
				}
				if done {
					return bk.Finish()
				}
				if ctx.Err() != nil {
					bk.Finish()
					return ctx.Err()
				}
			}
		})
	})
	if err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	// The copy starts in rollback-journal mode; check it before saying so.
	var result string
	if err := destConn.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&result); err != nil || result != "ok" {
		return fmt.Errorf("backup to %s: integrity check: %q %v", path, result, err)
	}
	ok = true
	return nil
}

func (db *DB) backupToSQLite(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup to %s: the file exists; choose a new name", path)
	}
	target := NewDB(path)
	target.Now = db.Now
	if err := target.Open(); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	_, err := db.CopyTo(ctx, target)
	if cerr := target.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		RemoveSQLite(path)
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}
