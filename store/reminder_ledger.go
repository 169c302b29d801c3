package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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

// DigestPosted reports whether the digest of a working day has been queued.
func (db *DB) DigestPosted(ctx context.Context, day actionbot.Date) (bool, error) {
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

// ReminderNotes returns, for each of the given actions that has one, its
// latest note: the newest audit entry that is a note, or progress or done
// given with words (who wrote it, when, and its text), for the reminders
// to show what a lead last said. In chunks, one query each.
func (db *DB) ReminderNotes(ctx context.Context, actionIDs []int64) (map[int64]*actionbot.AuditEntry, error) {
	out := make(map[int64]*actionbot.AuditEntry)
	const chunk = 500
	for start := 0; start < len(actionIDs); start += chunk {
		part := actionIDs[start:min(start+chunk, len(actionIDs))]
		args := make([]any, 0, len(part)+3)
		args = append(args, string(actionbot.VerbNote), string(actionbot.VerbProgress), string(actionbot.VerbDone))
		for _, id := range part {
			args = append(args, id)
		}
		var rows []struct {
			ID       int64  `db:"id"`
			ActionID int64  `db:"action_id"`
			At       string `db:"at"`
			Actor    string `db:"actor"`
			Verb     string `db:"verb"`
			Note     string `db:"note"`
		}
		q := `SELECT id, action_id, at, actor, verb, note FROM audit WHERE id IN (SELECT MAX(id) FROM audit
			WHERE note <> '' AND verb IN (?, ?, ?) AND action_id IN (` + strings.TrimSuffix(strings.Repeat("?,", len(part)), ",") + `) GROUP BY action_id)`
		if err := db.ro.SelectContext(ctx, &rows, q, args...); err != nil {
			return nil, fmt.Errorf("latest notes of %d actions: %w", len(part), err)
		}
		for _, r := range rows {
			at, err := parseTime(r.At)
			if err != nil {
				return nil, fmt.Errorf("latest notes: %w", err)
			}
			out[r.ActionID] = &actionbot.AuditEntry{ID: r.ID, ActionID: r.ActionID, At: at, Actor: r.Actor, Verb: actionbot.Verb(r.Verb), Note: r.Note}
		}
	}
	return out, nil
}

// LatestQueuedTo returns, for each of the given recipients that has one,
// the latest message queued to them whose key starts with prefix: its
// key, recipient and when it was queued (not its message).
func (db *DB) LatestQueuedTo(ctx context.Context, prefix string, to []string) (map[string]*actionbot.Outgoing, error) {
	out := make(map[string]*actionbot.Outgoing)
	const chunk = 500
	for start := 0; start < len(to); start += chunk {
		part := to[start:min(start+chunk, len(to))]
		args := make([]any, 0, len(part)+2)
		args = append(args, prefix, prefix+"\U0010FFFF")
		for _, r := range part {
			args = append(args, r)
		}
		var rows []struct {
			Key       string `db:"dedupe_key"`
			Recipient string `db:"recipient"`
			CreatedAt string `db:"created_at"`
		}
		q := `SELECT dedupe_key, recipient, created_at FROM outbox WHERE id IN (SELECT MAX(id) FROM outbox
			WHERE dedupe_key >= ? AND dedupe_key < ? AND recipient IN (` + strings.TrimSuffix(strings.Repeat("?,", len(part)), ",") + `) GROUP BY recipient)`
		if err := db.ro.SelectContext(ctx, &rows, q, args...); err != nil {
			return nil, fmt.Errorf("outbox: latest of %s to %d recipients: %w", prefix, len(part), err)
		}
		for _, r := range rows {
			at, err := parseTime(r.CreatedAt)
			if err != nil {
				return nil, fmt.Errorf("outbox: %w", err)
			}
			out[r.Recipient] = &actionbot.Outgoing{Key: r.Key, To: r.Recipient, CreatedAt: at}
		}
	}
	return out, nil
}
