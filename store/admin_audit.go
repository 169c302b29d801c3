package store

import (
	"context"
	"fmt"

	"github.com/sevenoaks-csp/actionbot"
)

// adminChange runs one change to who may do what and audits it, in one
// transaction. change reports whether anything changed.
func (db *DB) adminChange(ctx context.Context, actor, what, subject, detail string, change func(tx execer, now string) (bool, error)) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := db.now()
	changed, err := change(tx, now)
	if err != nil {
		return err
	}
	if !changed {
		return actionbot.Errorf(actionbot.EUNCHANGED, "Nothing to change.")
	}
	if err := adminAudit(ctx, tx, now, actor, what, subject, detail); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: commit: %w", what, err)
	}
	return nil
}

func adminAudit(ctx context.Context, tx execer, now, actor, what, subject, detail string) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO admin_audit (at, actor, what, subject, detail) VALUES (?, ?, ?, ?, ?)`,
		now, actor, what, subject, detail); err != nil {
		return fmt.Errorf("record %s: %w", what, err)
	}
	return nil
}

// AdminEntry is one recorded change to agencies, members, coordinators or
// channels.
type AdminEntry struct {
	At      string `db:"at"`
	Actor   string `db:"actor"`
	What    string `db:"what"`
	Subject string `db:"subject"`
	Detail  string `db:"detail"`
}

// AdminLog returns the recorded changes to members, coordinators and
// channels, oldest first.
func (db *DB) AdminLog(ctx context.Context) ([]AdminEntry, error) {
	var out []AdminEntry
	if err := db.ro.SelectContext(ctx, &out, `SELECT at, actor, what, subject, detail FROM admin_audit ORDER BY id`); err != nil {
		return nil, fmt.Errorf("admin log: %w", err)
	}
	return out, nil
}
