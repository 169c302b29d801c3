package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// FirstDelivery records that a delivery (an Events API event id, a Socket
// Mode envelope id) has been seen, for ttl, and reports whether this is the
// first time: a retry or a redelivery reports false and must not be acted on
// again. Expired records are purged as it goes.
func (db *DB) FirstDelivery(ctx context.Context, id string, ttl time.Duration) (bool, error) {
	if id == "" {
		return false, errors.New("record delivery: no id given")
	}
	now := db.Now()
	tx, err := db.begin(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM slack_deliveries WHERE expires_at < ?`, formatTime(now)); err != nil {
		return false, fmt.Errorf("record delivery: purge expired: %w", err)
	}
	r, err := tx.ExecContext(ctx, `INSERT INTO slack_deliveries (id, seen_at, expires_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		id, formatTime(now), formatTime(now.Add(ttl)))
	if err != nil {
		return false, fmt.Errorf("record delivery: %w", err)
	}
	n, err := r.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("record delivery: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("record delivery: commit: %w", err)
	}
	return n > 0, nil
}
