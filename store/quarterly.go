package store

import (
	"context"
	"fmt"

	"github.com/sevenoaks-csp/actionbot"
)

// QuarterlyRecorded reports whether a plan's paper for a quarter ("2012-Q3")
// has been made.
func (db *DB) QuarterlyRecorded(ctx context.Context, planID int64, quarter string) (bool, error) {
	var n int
	if err := db.ro.GetContext(ctx, &n, `SELECT COUNT(*) FROM quarterly_reports WHERE plan_id = ? AND quarter = ?`, planID, quarter); err != nil {
		return false, fmt.Errorf("quarterly report %s: %w", quarter, err)
	}
	return n > 0, nil
}

// RecordQuarterly records a plan's paper for a quarter, written to file
// ("" when none), and queues msg (nil when there is no channel to post to),
// in one transaction. It returns false, and queues nothing, when the
// quarter's paper is already recorded.
func (db *DB) RecordQuarterly(ctx context.Context, planID int64, quarter, file string, msg *actionbot.Outgoing) (bool, error) {
	if msg != nil && (msg.Key == "" || msg.To == "") {
		return false, fmt.Errorf("quarterly report %s: the message needs a key and a channel", quarter)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	now := db.now()
	channel := ""
	if msg != nil {
		channel = msg.To
	}
	r, err := tx.ExecContext(ctx, `INSERT INTO quarterly_reports (plan_id, quarter, channel, file, recorded_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (plan_id, quarter) DO NOTHING`, planID, quarter, channel, file, now)
	if err != nil {
		return false, fmt.Errorf("quarterly report %s: record: %w", quarter, err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return false, nil
	}
	if msg != nil {
		if _, err := db.enqueue(ctx, tx, now, []*actionbot.Outgoing{msg}); err != nil {
			return false, fmt.Errorf("quarterly report %s: %w", quarter, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("quarterly report %s: commit: %w", quarter, err)
	}
	return true, nil
}
