package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// Enqueue queues messages for delivery. A message whose Key is already queued
// (or was sent) is skipped; it returns how many were queued.
func (db *DB) Enqueue(ctx context.Context, msgs ...*actionbot.Outgoing) (int, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	n, err := db.enqueue(ctx, tx, db.now(), msgs)
	if err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("enqueue: commit: %w", err)
	}
	return n, nil
}

// SlackOwner owns the messages queued for Slack: by the bot, by remind or
// digest beside it, by the CLI. Only the Slack sender delivers them.
const SlackOwner = "slack"

// ConsoleOwner returns the owner of a new console run's messages: the run
// shows them in its own output and no other process takes them.
func ConsoleOwner() string {
	b := make([]byte, 6)
	rand.Read(b)
	return "console:" + hex.EncodeToString(b)
}

// owner is who the messages queued through db belong to.
func (db *DB) owner() string {
	if db.Owner == "" {
		return SlackOwner
	}
	return db.Owner
}

// enqueue queues msgs in tx as db's owner's.
func (db *DB) enqueue(ctx context.Context, tx execer, now string, msgs []*actionbot.Outgoing) (int, error) {
	queued := 0
	for _, m := range msgs {
		owner := db.ownerOf(m)
		if m.Key == "" || m.To == "" {
			return queued, fmt.Errorf("enqueue %s message: key and recipient are required", m.Kind)
		}
		payload, err := json.Marshal(m.Message)
		if err != nil {
			return queued, fmt.Errorf("enqueue %s: encode: %w", m.Key, err)
		}
		next := now
		if !m.NextAttempt.IsZero() {
			next = formatTime(m.NextAttempt)
		}
		id, inserted, err := insertID(ctx, tx, `INSERT INTO outbox (dedupe_key, kind, recipient, payload, state, next_attempt_at, created_at, owner)
			VALUES (?, ?, ?, ?, 'pending', ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
			m.Key, m.Kind, m.To, string(payload), next, now, owner)
		if err != nil {
			return queued, fmt.Errorf("enqueue %s: %w", m.Key, err)
		}
		if inserted {
			queued++
			m.ID = id
			m.State = actionbot.OutboxPending
		}
	}
	return queued, nil
}

type outboxRow struct {
	ID            int64   `db:"id"`
	Key           string  `db:"dedupe_key"`
	Kind          string  `db:"kind"`
	Recipient     string  `db:"recipient"`
	Payload       string  `db:"payload"`
	State         string  `db:"state"`
	Attempts      int     `db:"attempts"`
	NextAttemptAt string  `db:"next_attempt_at"`
	LastError     string  `db:"last_error"`
	CreatedAt     string  `db:"created_at"`
	SentAt        *string `db:"sent_at"`
	RemoteRef     string  `db:"remote_ref"`
}

const outboxColumns = `id, dedupe_key, kind, recipient, payload, state, attempts, next_attempt_at, last_error, created_at, sent_at, remote_ref`

func (r *outboxRow) outgoing() (*actionbot.Outgoing, error) {
	o := &actionbot.Outgoing{ID: r.ID, Key: r.Key, Kind: r.Kind, To: r.Recipient, State: actionbot.OutboxState(r.State),
		Attempts: r.Attempts, LastError: r.LastError, RemoteRef: r.RemoteRef}
	if err := json.Unmarshal([]byte(r.Payload), &o.Message); err != nil {
		return nil, fmt.Errorf("outbox %d: decode: %w", r.ID, err)
	}
	var err error
	if o.NextAttempt, err = parseTime(r.NextAttemptAt); err != nil {
		return nil, err
	}
	if o.CreatedAt, err = parseTime(r.CreatedAt); err != nil {
		return nil, err
	}
	if r.SentAt != nil {
		if o.SentAt, err = parseTime(*r.SentAt); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// PendingOutgoing returns up to limit pending messages due by now, oldest
// first, of those queued through db (its Owner's): a console run is given
// its own messages only, never those waiting for Slack.
func (db *DB) PendingOutgoing(ctx context.Context, now time.Time, limit int) ([]*actionbot.Outgoing, error) {
	return db.outgoing(ctx, `owner = ? AND state = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ?`, db.owner(), formatTime(now), limit)
}

// QueuedForSlack counts the messages waiting for the Slack sender ('pending'
// or 'sending'), whoever queued them.
func (db *DB) QueuedForSlack(ctx context.Context) (int, error) {
	var n int
	if err := db.ro.GetContext(ctx, &n, `SELECT COUNT(*) FROM outbox WHERE owner = ? AND state IN ('pending', 'sending')`, SlackOwner); err != nil {
		return 0, fmt.Errorf("read outbox: %w", err)
	}
	return n, nil
}

// UsedBySlack reports whether a Slack bot uses the database: messages are
// queued for Slack, or Slack has answered one it was sent (a message of
// Slack's has a remote channel). A console on such a database leaves the
// reminders and the digest to the bot.
func (db *DB) UsedBySlack(ctx context.Context) (bool, error) {
	var n int
	if err := db.ro.GetContext(ctx, &n, `SELECT COUNT(*) FROM (SELECT 1 FROM outbox WHERE owner = ? AND (state IN ('pending', 'sending') OR remote_channel <> '') LIMIT 1) used`, SlackOwner); err != nil {
		return false, fmt.Errorf("read outbox: %w", err)
	}
	return n > 0, nil
}

// Outgoing returns queued messages in the given state (all when empty),
// oldest first, at most limit.
func (db *DB) Outgoing(ctx context.Context, state actionbot.OutboxState, limit int) ([]*actionbot.Outgoing, error) {
	if state == "" {
		return db.outgoing(ctx, `1 = 1 ORDER BY id LIMIT ?`, limit)
	}
	return db.outgoing(ctx, `state = ? ORDER BY id LIMIT ?`, string(state), limit)
}

func (db *DB) outgoing(ctx context.Context, where string, args ...any) ([]*actionbot.Outgoing, error) {
	var rows []outboxRow
	if err := db.ro.SelectContext(ctx, &rows, `SELECT `+outboxColumns+` FROM outbox WHERE `+where, args...); err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	out := make([]*actionbot.Outgoing, len(rows))
	for i := range rows {
		o, err := rows[i].outgoing()
		if err != nil {
			return nil, err
		}
		out[i] = o
	}
	return out, nil
}

// MarkSent records that a message queued through db (its Owner's) was
// delivered, with the transport's reference for it: ENOTFOUND for another
// owner's message, which is left as it is.
func (db *DB) MarkSent(ctx context.Context, id int64, remoteRef string) error {
	r, err := db.rw.ExecContext(ctx, `UPDATE outbox SET state = 'sent', sent_at = ?, remote_ref = ?, attempts = attempts + 1, last_error = ''
		WHERE id = ? AND owner = ?`, db.now(), remoteRef, id, db.owner())
	if err != nil {
		return fmt.Errorf("update outbox %d: %w", id, err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return actionbot.Errorf(actionbot.ENOTFOUND, "No queued message %d.", id)
	}
	return nil
}

// MarkRetry records a transient failure and when to try again.
func (db *DB) MarkRetry(ctx context.Context, id int64, cause string, next time.Time) error {
	return db.outboxUpdate(ctx, id, `attempts = attempts + 1, last_error = ?, next_attempt_at = ?`, cause, formatTime(next))
}

// Defer moves a message's next attempt without counting an attempt (the
// transport asked us to wait).
func (db *DB) Defer(ctx context.Context, id int64, next time.Time) error {
	return db.outboxUpdate(ctx, id, `next_attempt_at = ?`, formatTime(next))
}

// MarkFailed records a permanent failure: the message is not retried and is
// listed for a coordinator.
func (db *DB) MarkFailed(ctx context.Context, id int64, cause string) error {
	return db.outboxUpdate(ctx, id, `state = 'failed', attempts = attempts + 1, last_error = ?`, cause)
}

// Requeue puts a failed message back in the queue, to be tried now. Only a
// failed message is requeued: one already delivered, or still queued, is
// left as it is and the error says so (retrying a delivered message would
// post it twice).
func (db *DB) Requeue(ctx context.Context, id int64) error {
	r, err := db.rw.ExecContext(ctx, `UPDATE outbox SET state = 'pending', next_attempt_at = ?, last_error = '' WHERE id = ? AND state = 'failed'`, db.now(), id)
	if err != nil {
		return fmt.Errorf("requeue outbox %d: %w", id, err)
	}
	if n, _ := r.RowsAffected(); n == 1 {
		return nil
	}
	var state string
	err = db.rw.GetContext(ctx, &state, `SELECT state FROM outbox WHERE id = ?`, id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return actionbot.Errorf(actionbot.ENOTFOUND, "No queued message %d.", id)
	case err != nil:
		return fmt.Errorf("requeue outbox %d: %w", id, err)
	case state == string(actionbot.OutboxSent):
		return actionbot.Errorf(actionbot.EUNCHANGED, "Message #%d was delivered, so there is nothing to retry: only failed messages (`/action admin failed`) are sent again.", id)
	}
	return actionbot.Errorf(actionbot.EUNCHANGED, "Message #%d has not failed: it is still queued and will be sent.", id)
}

func (db *DB) outboxUpdate(ctx context.Context, id int64, set string, args ...any) error {
	r, err := db.rw.ExecContext(ctx, `UPDATE outbox SET `+set+` WHERE id = ?`, append(args, id)...)
	if err != nil {
		return fmt.Errorf("update outbox %d: %w", id, err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return actionbot.Errorf(actionbot.ENOTFOUND, "No queued message %d.", id)
	}
	return nil
}
