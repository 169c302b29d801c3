package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// Reminder ledger states.
const (
	// ReminderSent is a step whose messages were queued.
	ReminderSent = "sent"
	// ReminderSuperseded is a step that a later step replaced (after
	// downtime or a snooze); it never goes out.
	ReminderSuperseded = "superseded"
)

// ReminderState returns how a step of an action's reminders is recorded in
// the ledger: ReminderSent, ReminderSuperseded, or "" when it is not.
func (db *DB) ReminderState(ctx context.Context, actionID int64, deadline, step string) (string, error) {
	var state string
	err := db.ro.GetContext(ctx, &state, `SELECT state FROM reminder_ledger WHERE action_id = ? AND step = ? AND deadline = ?`, actionID, step, deadline)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	} else if err != nil {
		return "", fmt.Errorf("reminder ledger: read step %s of action %d: %w", step, actionID, err)
	}
	return state, nil
}

// ReminderStates returns the ledger state of each of the given steps that is
// recorded (absent ones are not in the map), in a few queries whatever the
// number of steps.
func (db *DB) ReminderStates(ctx context.Context, keys []actionbot.ReminderKey) (map[actionbot.ReminderKey]string, error) {
	out := make(map[actionbot.ReminderKey]string)
	const chunk = 300 // three parameters each, within SQLite's limit
	for start := 0; start < len(keys); start += chunk {
		part := keys[start:min(start+chunk, len(keys))]
		args := make([]any, 0, 3*len(part))
		for _, k := range part {
			args = append(args, k.ActionID, k.Step, k.Deadline)
		}
		var rows []struct {
			ActionID int64  `db:"action_id"`
			Step     string `db:"step"`
			Deadline string `db:"deadline"`
			State    string `db:"state"`
		}
		q := `SELECT action_id, step, deadline, state FROM reminder_ledger WHERE (action_id, step, deadline) IN (VALUES ` +
			strings.TrimSuffix(strings.Repeat("(CAST(? AS BIGINT), ?, ?),", len(part)), ",") + `)`
		if err := db.ro.SelectContext(ctx, &rows, q, args...); err != nil {
			return nil, fmt.Errorf("reminder ledger: read %d steps: %w", len(part), err)
		}
		for _, r := range rows {
			out[actionbot.ReminderKey{ActionID: r.ActionID, Deadline: r.Deadline, Step: r.Step}] = r.State
		}
	}
	return out, nil
}

// RecordReminder records a step of an action's reminders as sent, keyed by
// (action, step, deadline), and queues its messages, in one transaction. It
// also records the earlier steps it supersedes, so that they never go out.
// It returns false, and queues nothing, when the step is already recorded:
// by an earlier sweep, or by a concurrent one that got there first.
func (db *DB) RecordReminder(ctx context.Context, actionID int64, deadline, step string, sendOn actionbot.Date,
	superseded []string, msgs []*actionbot.Outgoing) (bool, error) {
	ok, err := db.RecordReminders(ctx, []actionbot.ReminderRecord{{ReminderKey: actionbot.ReminderKey{ActionID: actionID, Deadline: deadline, Step: step},
		SendOn: sendOn, Superseded: superseded, Messages: msgs}})
	if err != nil {
		return false, err
	}
	return ok[0], nil
}

// RecordReminders is RecordReminder for several steps in one transaction:
// each step's row and messages are written together, and the batch commits
// or fails as a whole. ok[i] is false for a step already recorded.
func (db *DB) RecordReminders(ctx context.Context, recs []actionbot.ReminderRecord) (ok []bool, err error) {
	for _, r := range recs {
		if r.Step == "" || r.Deadline == "" {
			return nil, fmt.Errorf("reminder ledger: action %d: step and deadline are required", r.ActionID)
		}
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	now := db.now()
	const insert = `INSERT INTO reminder_ledger (action_id, step, deadline, state, send_on, messages, recorded_at, ordinal)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (action_id, step, deadline) DO NOTHING`
	ok = make([]bool, len(recs))
	for i, rec := range recs {
		r, err := tx.ExecContext(ctx, insert, rec.ActionID, rec.Step, rec.Deadline, ReminderSent, rec.SendOn.String(), len(rec.Messages), now, stepOrdinal(rec.Step))
		if err != nil {
			return nil, fmt.Errorf("reminder ledger: record step %s of action %d: %w", rec.Step, rec.ActionID, err)
		}
		if n, _ := r.RowsAffected(); n == 0 {
			continue
		}
		for _, s := range rec.Superseded {
			if s == rec.Step {
				continue
			}
			if _, err := tx.ExecContext(ctx, insert, rec.ActionID, s, rec.Deadline, ReminderSuperseded, rec.SendOn.String(), 0, now, stepOrdinal(s)); err != nil {
				return nil, fmt.Errorf("reminder ledger: supersede step %s of action %d: %w", s, rec.ActionID, err)
			}
		}
		if _, err := db.enqueue(ctx, tx, now, rec.Messages); err != nil {
			return nil, fmt.Errorf("reminder ledger: step %s of action %d: %w", rec.Step, rec.ActionID, err)
		}
		ok[i] = true
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("reminder ledger: %d steps: commit: %w", len(recs), err)
	}
	return ok, nil
}

// LedgerEntry is one recorded step of an action's reminders.
type LedgerEntry struct {
	Ref        string
	Step       string
	Deadline   string
	State      string
	SendOn     actionbot.Date
	Messages   int
	RecordedAt time.Time
}

// ReminderLedger returns the recorded steps of a plan's actions, in plan
// order then in the order they were recorded.
func (db *DB) ReminderLedger(ctx context.Context, planID int64) ([]LedgerEntry, error) {
	var rows []struct {
		Ref        string `db:"ref"`
		Step       string `db:"step"`
		Deadline   string `db:"deadline"`
		State      string `db:"state"`
		SendOn     string `db:"send_on"`
		Messages   int    `db:"messages"`
		RecordedAt string `db:"recorded_at"`
	}
	err := db.ro.SelectContext(ctx, &rows, `SELECT a.ref, l.step, l.deadline, l.state, l.send_on, l.messages, l.recorded_at
		FROM reminder_ledger l JOIN actions a ON a.id = l.action_id WHERE a.plan_id = ? ORDER BY a.sort_key, l.id`, planID)
	if err != nil {
		return nil, fmt.Errorf("reminder ledger: %w", err)
	}
	out := make([]LedgerEntry, len(rows))
	for i, r := range rows {
		d, err := actionbot.ParseISODate(r.SendOn)
		if err != nil {
			return nil, fmt.Errorf("reminder ledger: %w", err)
		}
		at, err := parseTime(r.RecordedAt)
		if err != nil {
			return nil, fmt.Errorf("reminder ledger: %w", err)
		}
		out[i] = LedgerEntry{Ref: r.Ref, Step: r.Step, Deadline: r.Deadline, State: r.State, SendOn: d, Messages: r.Messages, RecordedAt: at}
	}
	return out, nil
}

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

// ledgerBatch is how many ledger rows one INSERT carries: 800 parameters,
// well inside SQLite's and PostgreSQL's limits.
const ledgerBatch = 100

// fullLedgerInsert is the INSERT of a full batch, made once.
var fullLedgerInsert = makeLedgerInsert(ledgerBatch)
