package store

import (
	"context"
	"fmt"

	"github.com/sevenoaks-csp/actionbot"
)

// RecordNotice records a plan's one-off notice (kind "year-end", or
// "ended:2013-04-08" for a week's) and queues its messages in one
// transaction; false, with nothing queued, when it was already recorded.
func (db *DB) RecordNotice(ctx context.Context, planID int64, kind string, day actionbot.Date, msgs []*actionbot.Outgoing) (bool, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	now := db.now()
	r, err := tx.ExecContext(ctx, `INSERT INTO plan_notices (plan_id, kind, day, recorded_at) VALUES (?, ?, ?, ?) ON CONFLICT (plan_id, kind) DO NOTHING`,
		planID, kind, day.String(), now)
	if err != nil {
		return false, fmt.Errorf("plan notice %s: %w", kind, err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return false, nil
	}
	if _, err := db.enqueue(ctx, tx, now, msgs); err != nil {
		return false, fmt.Errorf("plan notice %s: %w", kind, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("plan notice %s: commit: %w", kind, err)
	}
	return true, nil
}

// NoticeRecorded reports whether a plan's notice of a kind is recorded
// (its messages queued, as RecordNotice does once).
func (db *DB) NoticeRecorded(ctx context.Context, planID int64, kind string) (bool, error) {
	var n int
	if err := db.ro.GetContext(ctx, &n, `SELECT COUNT(*) FROM plan_notices WHERE plan_id = ? AND kind = ?`, planID, kind); err != nil {
		return false, fmt.Errorf("plan notice %s: %w", kind, err)
	}
	return n > 0, nil
}
