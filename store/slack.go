package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/sevenoaks-csp/actionbot"
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

// Delivery is actionbot.Delivery.
type Delivery = actionbot.Delivery

type deliveryRow struct {
	outboxRow
	RemoteChannel string         `db:"remote_channel"`
	ClaimedAt     sql.NullString `db:"claimed_at"`
}

func (r *deliveryRow) delivery() (*Delivery, error) {
	o, err := r.outgoing()
	if err != nil {
		return nil, err
	}
	d := &Delivery{Outgoing: o, Channel: r.RemoteChannel}
	if d.ClaimedAt, err = parseTime(r.ClaimedAt.String); err != nil {
		return nil, err
	}
	return d, nil
}

func (db *DB) deliveries(ctx context.Context, q queryer, where string, args ...any) ([]*Delivery, error) {
	var rows []deliveryRow
	if err := q.SelectContext(ctx, &rows, `SELECT `+outboxColumns+`, remote_channel, claimed_at FROM outbox o WHERE `+where, args...); err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	out := make([]*Delivery, len(rows))
	for i := range rows {
		d, err := rows[i].delivery()
		if err != nil {
			return nil, err
		}
		out[i] = d
	}
	return out, nil
}

// OutboxHeads returns, for each recipient, its oldest message still to
// deliver ('pending' or 'sending') when that message is due by now, oldest
// first, at most limit. A recipient whose oldest message is waiting (backing
// off, or rate limited) is left out, so later messages to it wait too and
// every conversation receives its messages in the order they were queued.
//
// A 'sending' message is left out until its claim is SendingLease old: the
// sender that claimed it may still be posting it (another process — a
// `remind --post` beside a running bot — or this one), and only a claim
// that old is an interrupted post to look for on Slack.
//
// Only Slack's messages (SlackOwner) are given: a console run's are its
// own, shown in its output and never posted.
//
// On PostgreSQL shared by several replicas, only the one that delivers
// (DeliversOutbox) is given any: the others get none until it stops.
func (db *DB) OutboxHeads(ctx context.Context, now time.Time, limit int) ([]*Delivery, error) {
	if ok, err := db.DeliversOutbox(ctx); err != nil || !ok {
		return nil, err
	}
	return db.deliveries(ctx, db.ro, `o.owner = ? AND o.next_attempt_at <= ?
		AND (o.state = 'pending' OR (o.state = 'sending' AND (o.claimed_at IS NULL OR o.claimed_at <= ?)))
		AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.recipient = o.recipient AND p.owner = o.owner AND p.state IN ('pending', 'sending') AND p.id < o.id)
		ORDER BY o.id LIMIT ?`, SlackOwner, formatTime(now), formatTime(now.Add(-SendingLease)), limit)
}

// SendingLease is how long a claim on a message being posted holds: longer
// than a sender waits for Slack to answer a post (bot.DefaultPostTimeout).
const SendingLease = 30 * time.Second

// ClaimOutgoing records that the posting of a pending message to channel
// begins now: the message is 'sending' until MarkDelivered, ReleaseOutgoing,
// MarkRetry or MarkFailed records the outcome. ECONFLICT when the message is
// not pending, or is not Slack's (a console run's).
//
// The claim is dated at, by the sender's clock, not the store's: a
// `remind --as-of … --post` run records the plan year's instants, but its
// lease is read by a serving bot on the wall clock, which would take a claim
// dated years ago for an abandoned one and post the message again.
func (db *DB) ClaimOutgoing(ctx context.Context, id int64, channel string, at time.Time) error {
	r, err := db.rw.ExecContext(ctx, `UPDATE outbox SET state = 'sending', remote_channel = ?, claimed_at = ? WHERE id = ? AND state = 'pending' AND owner = ?`,
		channel, formatTime(at), id, SlackOwner)
	if err != nil {
		return fmt.Errorf("claim outbox %d: %w", id, err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return actionbot.Errorf(actionbot.ECONFLICT, "Queued message %d is not waiting to be sent.", id)
	}
	return nil
}

// MarkDelivered records that Slack accepted a message, posted to channel as
// the message ts.
func (db *DB) MarkDelivered(ctx context.Context, id int64, channel, ts string) error {
	return db.outboxUpdate(ctx, id, `state = 'sent', sent_at = ?, remote_channel = ?, remote_ref = ?, claimed_at = NULL,
		attempts = attempts + 1, last_error = ''`, db.now(), channel, ts)
}

// ReleaseOutgoing puts a message back to 'pending', to be tried at next:
// Slack answered that it did not post it. count says whether this counts as
// a failed attempt (a rate limit does not).
func (db *DB) ReleaseOutgoing(ctx context.Context, id int64, cause string, next time.Time, count bool) error {
	return db.outboxUpdate(ctx, id, `state = 'pending', claimed_at = NULL, last_error = ?, next_attempt_at = ?, attempts = attempts + ?`,
		cause, formatTime(next), boolInt(count))
}

// SentMessage returns the delivered message posted to channel as ts, or
// ENOTFOUND when the bot did not post it through the outbox.
func (db *DB) SentMessage(ctx context.Context, channel, ts string) (*Delivery, error) {
	ds, err := db.deliveries(ctx, db.ro, `o.remote_channel = ? AND o.remote_ref = ? AND o.state = 'sent' ORDER BY o.id DESC LIMIT 1`, channel, ts)
	if err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		return nil, actionbot.Errorf(actionbot.ENOTFOUND, "No message of ours at %s in %s.", ts, channel)
	}
	return ds[0], nil
}

// ReviseSentMessage changes the recorded content of a delivered message, in
// a transaction, when it has been edited on Slack (a button row replaced by
// what was done). revise reports whether it changed the message; the
// message as it now stands is returned.
func (db *DB) ReviseSentMessage(ctx context.Context, id int64, revise func(*actionbot.Message) bool) (*actionbot.Message, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var payload string
	if err := tx.GetContext(ctx, &payload, `SELECT payload FROM outbox WHERE id = ?`, id); errors.Is(err, sql.ErrNoRows) {
		return nil, actionbot.Errorf(actionbot.ENOTFOUND, "No queued message %d.", id)
	} else if err != nil {
		return nil, fmt.Errorf("revise outbox %d: %w", id, err)
	}
	var msg actionbot.Message
	if err := json.Unmarshal([]byte(payload), &msg); err != nil {
		return nil, fmt.Errorf("revise outbox %d: decode: %w", id, err)
	}
	if !revise(&msg) {
		return &msg, nil
	}
	b, err := json.Marshal(msg)
	if err != nil {
		return nil, fmt.Errorf("revise outbox %d: encode: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE outbox SET payload = ? WHERE id = ?`, string(b), id); err != nil {
		return nil, fmt.Errorf("revise outbox %d: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("revise outbox %d: commit: %w", id, err)
	}
	return &msg, nil
}
