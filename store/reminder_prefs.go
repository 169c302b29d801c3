package store

import (
	"context"
	"fmt"

	"github.com/sevenoaks-csp/actionbot"
)

// Reminder modes: how often a person hears from the reminder sweep.
const (
	RemindDaily  = "daily"
	RemindWeekly = "weekly"
)

// ReminderModes returns the people who chose a reminder mode other than
// the default, by user ID.
func (db *DB) ReminderModes(ctx context.Context) (map[string]string, error) {
	var rows []struct {
		UserID string `db:"user_id"`
		Mode   string `db:"mode"`
	}
	if err := db.ro.SelectContext(ctx, &rows, `SELECT user_id, mode FROM reminder_prefs WHERE mode <> 'daily'`); err != nil {
		return nil, fmt.Errorf("reminder modes: %w", err)
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.UserID] = r.Mode
	}
	return out, nil
}

// ReminderMode returns how often a person gets reminders: RemindDaily
// unless they chose otherwise.
func (db *DB) ReminderMode(ctx context.Context, userID string) (string, error) {
	var modes []string
	if err := db.ro.SelectContext(ctx, &modes, `SELECT mode FROM reminder_prefs WHERE user_id = ?`, userID); err != nil {
		return "", fmt.Errorf("reminder mode of %s: %w", userID, err)
	}
	if len(modes) == 0 {
		return RemindDaily, nil
	}
	return modes[0], nil
}

// SetReminderMode sets how often a person gets reminders, audited.
// EUNCHANGED when it already is that.
func (db *DB) SetReminderMode(ctx context.Context, userID, mode, actor string) error {
	if mode != RemindDaily && mode != RemindWeekly {
		return actionbot.Errorf(actionbot.EINVALID, "%q is not how often reminders come: use daily or weekly.", mode)
	}
	return db.adminChange(ctx, actor, "remind mode", userID, mode, func(tx execer, now string) (bool, error) {
		var old []string
		if err := tx.SelectContext(ctx, &old, `SELECT mode FROM reminder_prefs WHERE user_id = ?`, userID); err != nil {
			return false, fmt.Errorf("reminder mode of %s: %w", userID, err)
		}
		if (len(old) == 0 && mode == RemindDaily) || (len(old) > 0 && old[0] == mode) {
			return false, actionbot.Errorf(actionbot.EUNCHANGED, "Your reminders are already %s.", mode)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO reminder_prefs (user_id, mode, updated_by, updated_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (user_id) DO UPDATE SET mode = excluded.mode, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			userID, mode, actor, now); err != nil {
			return false, fmt.Errorf("set the reminder mode of %s: %w", userID, err)
		}
		return true, nil
	})
}
