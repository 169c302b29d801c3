package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
)

// Reminder modes: how often a person hears from the reminder sweep.
const (
	RemindDaily  = "daily"
	RemindWeekly = "weekly"
)

// RecordSweep records the steps a sweep sends and queues the bundled
// messages that carry them, all in one transaction: a bundle covers many
// steps, so they commit together or not at all. It returns false, and
// records and queues nothing, when any of the steps is already recorded
// (a concurrent sweep got there first: the caller works out again what is
// due). Steps with no messages of their own are fine: their messages are
// the bundles.
func (db *DB) RecordSweep(ctx context.Context, steps []actionbot.ReminderRecord, msgs []*actionbot.Outgoing) (bool, error) {
	for _, r := range steps {
		if r.Step == "" || r.Deadline == "" {
			return false, fmt.Errorf("reminder ledger: action %d: step and deadline are required", r.ActionID)
		}
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	now := db.now()
	// Many rows to a statement: a catch-up records a step for every overdue
	// action (80,000 at 100,000 actions), and one statement a row was half
	// the sweep's time. A row already there (a concurrent sweep's) leaves
	// the count short, and the sweep starts again, as before.
	args := make([]any, 0, ledgerBatch*8)
	for start := 0; start < len(steps); start += ledgerBatch {
		chunk := steps[start:min(start+ledgerBatch, len(steps))]
		args = args[:0]
		for _, rec := range chunk {
			args = append(args, rec.ActionID, rec.Step, rec.Deadline, ReminderSent, rec.SendOn.String(), len(rec.Messages), now, stepOrdinal(rec.Step))
		}
		r, err := tx.ExecContext(ctx, ledgerInsert(len(chunk)), args...)
		if err != nil {
			return false, fmt.Errorf("reminder ledger: record %d steps from action %d on: %w", len(chunk), chunk[0].ActionID, err)
		}
		if n, _ := r.RowsAffected(); n < int64(len(chunk)) {
			return false, nil
		}
	}
	if _, err := db.enqueue(ctx, tx, now, msgs); err != nil {
		return false, fmt.Errorf("reminder sweep: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("reminder sweep: %d steps, %d messages: commit: %w", len(steps), len(msgs), err)
	}
	return true, nil
}

// ledgerBatch is how many ledger rows one INSERT carries: 800 parameters,
// well inside SQLite's and PostgreSQL's limits.
const ledgerBatch = 100

// fullLedgerInsert is the INSERT of a full batch, made once.
var fullLedgerInsert = makeLedgerInsert(ledgerBatch)

func ledgerInsert(rows int) string {
	if rows == ledgerBatch {
		return fullLedgerInsert
	}
	return makeLedgerInsert(rows)
}

func makeLedgerInsert(rows int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO reminder_ledger (action_id, step, deadline, state, send_on, messages, recorded_at, ordinal) VALUES `)
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(`(?, ?, ?, ?, ?, ?, ?, ?)`)
	}
	b.WriteString(` ON CONFLICT (action_id, step, deadline) DO NOTHING`)
	return b.String()
}

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

// NoticeRecorded reports whether a plan's notice of a kind has been sent.
func (db *DB) NoticeRecorded(ctx context.Context, planID int64, kind string) (bool, error) {
	var n int
	if err := db.ro.GetContext(ctx, &n, `SELECT COUNT(*) FROM plan_notices WHERE plan_id = ? AND kind = ?`, planID, kind); err != nil {
		return false, fmt.Errorf("plan notice %s: %w", kind, err)
	}
	return n > 0, nil
}

// ConfirmedDeadlines returns, for the actions of a plan whose deadline a
// coordinator has confirmed, the confirmed deadlines (as the ledger keys
// them, "2012-03-31") by action ID.
func (db *DB) ConfirmedDeadlines(ctx context.Context, planID int64) (map[int64][]string, error) {
	var rows []struct {
		ActionID int64  `db:"action_id"`
		Deadline string `db:"deadline"`
	}
	if err := db.ro.SelectContext(ctx, &rows, `SELECT c.action_id, c.deadline FROM deadline_confirmations c
		JOIN actions a ON a.id = c.action_id WHERE a.plan_id = ?`, planID); err != nil {
		return nil, fmt.Errorf("confirmed deadlines: %w", err)
	}
	out := make(map[int64][]string, len(rows))
	for _, r := range rows {
		out[r.ActionID] = append(out[r.ActionID], r.Deadline)
	}
	return out, nil
}

// ConfirmDeadline records that a coordinator confirms an action's current
// deadline although it falls before the plan's year, so that its overdue
// reminders go out again; the action's history says so. EUNCHANGED when it
// is already confirmed; EUNAUTHORIZED when actor does not coordinate;
// ECONFLICT for an archived plan.
func (db *DB) ConfirmDeadline(ctx context.Context, planID int64, ref, actor string) (*actionbot.Action, error) {
	var a *actionbot.Action
	err := db.adminChange(ctx, actor, "deadline confirm", ref, "", func(tx execer, now string) (bool, error) {
		if err := db.mayCoordinate(ctx, tx, actor, "confirm a deadline before the plan year"); err != nil {
			return false, err
		}
		// An archived plan is read-only: its snapshot is never reloaded.
		if err := mustBeCurrent(ctx, tx, planID); err != nil {
			return false, err
		}
		var err error
		if a, err = findAction(ctx, tx, planID, ref); err != nil {
			return false, err
		}
		if a.Deadline.Ongoing || a.Deadline.Due.IsZero() {
			return false, actionbot.Errorf(actionbot.EINVALID, "%s has no due date to confirm (it is %s).", a.Ref, actionbot.DescribeDeadline(a.Deadline))
		}
		r, err := tx.ExecContext(ctx, `INSERT INTO deadline_confirmations (action_id, deadline, confirmed_by, confirmed_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (action_id, deadline) DO NOTHING`, a.ID, a.Deadline.Due.String(), actor, now)
		if err != nil {
			return false, fmt.Errorf("confirm the deadline of %s: %w", ref, err)
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return false, actionbot.Errorf(actionbot.EUNCHANGED, "%s's deadline, %s, is already confirmed.", a.Ref, actionbot.DescribeDeadline(a.Deadline))
		}
		e := &actionbot.AuditEntry{ActionID: a.ID, Ref: a.Ref, Actor: actor, Verb: actionbot.VerbNote,
			Note: "Deadline " + actionbot.DescribeDeadline(a.Deadline) + " confirmed, although it falls before the plan year."}
		if err := insertAudit(ctx, tx, e, now); err != nil {
			return false, err
		}
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	db.changed()
	return a, nil
}

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

// PlanDigests counts the daily digests recorded for a plan.
func (db *DB) PlanDigests(ctx context.Context, planID int64) (int, error) {
	var n int
	if err := db.ro.GetContext(ctx, &n, `SELECT COUNT(*) FROM digests WHERE plan_id = ?`, planID); err != nil {
		return 0, fmt.Errorf("digests of plan %d: %w", planID, err)
	}
	return n, nil
}

// stepOrdinal is where a step stands in its ladder: before:N is -N,
// overdue:N and checkin:N are N (see migration 011).
func stepOrdinal(step string) int {
	kind, n, _ := strings.Cut(step, ":")
	v, _ := strconv.Atoi(n)
	if kind == "before" {
		return -v
	}
	return v
}

// LatestSteps returns, for each (action, deadline) of keys (their Step is
// ignored) with any step recorded, the ordinal of the latest recorded step
// (see migration 011): a step at or before it has gone out or been passed
// by, and never goes out. One indexed lookup per key, in chunks.
func (db *DB) LatestSteps(ctx context.Context, keys []actionbot.ReminderKey) (map[actionbot.ReminderKey]int, error) {
	out := make(map[actionbot.ReminderKey]int)
	const chunk = 400 // two parameters each, within SQLite's limit
	for start := 0; start < len(keys); start += chunk {
		part := keys[start:min(start+chunk, len(keys))]
		args := make([]any, 0, 2*len(part))
		for _, k := range part {
			args = append(args, k.ActionID, k.Deadline)
		}
		var rows []struct {
			ActionID int64  `db:"action_id"`
			Deadline string `db:"deadline"`
			Ordinal  int    `db:"ordinal"`
		}
		q := `SELECT action_id, deadline, MAX(ordinal) AS ordinal FROM reminder_ledger WHERE (action_id, deadline) IN (VALUES ` +
			strings.TrimSuffix(strings.Repeat("(CAST(? AS BIGINT), ?),", len(part)), ",") + `) AND ordinal IS NOT NULL GROUP BY action_id, deadline`
		if err := db.ro.SelectContext(ctx, &rows, q, args...); err != nil {
			return nil, fmt.Errorf("reminder ledger: latest steps of %d actions: %w", len(part), err)
		}
		for _, r := range rows {
			out[actionbot.ReminderKey{ActionID: r.ActionID, Deadline: r.Deadline}] = r.Ordinal
		}
	}
	return out, nil
}

// OutgoingByID returns the queued messages with the given IDs, in ID
// order: what became of them.
func (db *DB) OutgoingByID(ctx context.Context, ids []int64) ([]*actionbot.Outgoing, error) {
	var out []*actionbot.Outgoing
	const chunk = 500
	for start := 0; start < len(ids); start += chunk {
		part := ids[start:min(start+chunk, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		ms, err := db.outgoing(ctx, `id IN (`+strings.TrimSuffix(strings.Repeat("?,", len(part)), ",")+`) ORDER BY id`, args...)
		if err != nil {
			return nil, err
		}
		out = append(out, ms...)
	}
	return out, nil
}

// QueuedWithPrefix reports whether any message whose key starts with
// prefix has been queued (whatever became of it since).
func (db *DB) QueuedWithPrefix(ctx context.Context, prefix string) (bool, error) {
	var n int
	if err := db.ro.GetContext(ctx, &n, `SELECT COUNT(*) FROM (SELECT 1 FROM outbox WHERE dedupe_key >= ? AND dedupe_key < ? LIMIT 1) AS found`,
		prefix, prefix+"\U0010FFFF"); err != nil {
		return false, fmt.Errorf("outbox: look for %s: %w", prefix, err)
	}
	return n > 0, nil
}
