package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// PlanDigests counts the daily digests recorded for a plan.
func (db *DB) PlanDigests(ctx context.Context, planID int64) (int, error) {
	var n int
	if err := db.ro.GetContext(ctx, &n, `SELECT COUNT(*) FROM digests WHERE plan_id = ?`, planID); err != nil {
		return 0, fmt.Errorf("digests of plan %d: %w", planID, err)
	}
	return n, nil
}

// DigestQueued reports whether the digest of a working day has been queued.
func (db *DB) DigestQueued(ctx context.Context, day actionbot.Date) (bool, error) {
	var n int
	if err := db.ro.GetContext(ctx, &n, `SELECT COUNT(*) FROM digests WHERE day = ?`, day.String()); err != nil {
		return false, fmt.Errorf("digest of %s: %w", day, err)
	}
	return n > 0, nil
}

// LastDigestBefore returns the end of the period covered by the latest
// digest of a day before day, or the zero time when there is none.
func (db *DB) LastDigestBefore(ctx context.Context, day actionbot.Date) (time.Time, error) {
	var to string
	err := db.ro.GetContext(ctx, &to, `SELECT covers_to FROM digests WHERE day < ? ORDER BY day DESC LIMIT 1`, day.String())
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	} else if err != nil {
		return time.Time{}, fmt.Errorf("digest before %s: %w", day, err)
	}
	return parseTime(to)
}

// RecordDigest records the digest of a working day, covering [from, to), and
// queues it, in one transaction. It returns false, and queues nothing, when
// that day's digest is already recorded.
//
// also are more copies of it (the e-mails to ACTIONBOT_DIGEST_EMAIL),
// queued with it.
func (db *DB) RecordDigest(ctx context.Context, planID int64, day actionbot.Date, from, to time.Time, msg *actionbot.Outgoing, also ...*actionbot.Outgoing) (bool, error) {
	if msg == nil || msg.Key == "" || msg.To == "" {
		return false, fmt.Errorf("digest of %s: a message with a key and a channel is required", day)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	now := db.now()
	r, err := tx.ExecContext(ctx, `INSERT INTO digests (day, plan_id, channel, covers_from, covers_to, outbox_key, recorded_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (day) DO NOTHING`,
		day.String(), planID, msg.To, formatTime(from), formatTime(to), msg.Key, now)
	if err != nil {
		return false, fmt.Errorf("digest of %s: record: %w", day, err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return false, nil
	}
	if _, err := db.enqueue(ctx, tx, now, append([]*actionbot.Outgoing{msg}, also...)); err != nil {
		return false, fmt.Errorf("digest of %s: %w", day, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("digest of %s: commit: %w", day, err)
	}
	return true, nil
}
