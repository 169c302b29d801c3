package store

import (
	"context"
	"fmt"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// MailOwner owns the messages queued for e-mail (their recipient is an
// address) by a process that delivers: the bot, remind or digest beside
// it, the CLI. Only the mail sender delivers them, as only the Slack
// sender delivers SlackOwner's; a console run keeps its own messages,
// e-mail or not, and only shows them.
const MailOwner = "mail"

// ownerOf is who a message queued through db belongs to: an e-mail queued
// for delivery is the mail sender's.
func (db *DB) ownerOf(m *actionbot.Outgoing) string {
	o := db.owner()
	if o == SlackOwner && m.IsEmail() {
		return MailOwner
	}
	return o
}

// MailHeads is OutboxHeads for the mail sender: for each address, its
// oldest e-mail still to send, when due by now; one 'sending' (an attempt
// that was interrupted) once its claim is SendingLease old.
func (db *DB) MailHeads(ctx context.Context, now time.Time, limit int) ([]*Delivery, error) {
	if ok, err := db.DeliversOutbox(ctx); err != nil || !ok {
		return nil, err
	}
	return db.deliveries(ctx, db.ro, `o.owner = ? AND o.next_attempt_at <= ?
		AND (o.state = 'pending' OR (o.state = 'sending' AND (o.claimed_at IS NULL OR o.claimed_at <= ?)))
		AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.recipient = o.recipient AND p.owner = o.owner AND p.state IN ('pending', 'sending') AND p.id < o.id)
		ORDER BY o.id LIMIT ?`, MailOwner, formatTime(now), formatTime(now.Add(-SendingLease)), limit)
}

// ClaimMail records that the sending of a pending e-mail begins now: it is
// 'sending' until MarkDelivered, ReleaseOutgoing or MarkFailed records the
// outcome. ECONFLICT when another sender claimed it first. A claim renewed
// on an interrupted e-mail ('sending', its lease over) is taken the same
// way, so two senders never send it at once. The new claim is dated at,
// by the sender's clock (see ClaimOutgoing).
func (db *DB) ClaimMail(ctx context.Context, id int64, state actionbot.OutboxState, claimedAt, at time.Time) error {
	var r interface{ RowsAffected() (int64, error) }
	var err error
	if state == actionbot.OutboxSending {
		r, err = db.rw.ExecContext(ctx, `UPDATE outbox SET claimed_at = ? WHERE id = ? AND state = 'sending' AND owner = ? AND claimed_at = ?`,
			formatTime(at), id, MailOwner, formatTime(claimedAt))
	} else {
		r, err = db.rw.ExecContext(ctx, `UPDATE outbox SET state = 'sending', claimed_at = ? WHERE id = ? AND state = 'pending' AND owner = ?`,
			formatTime(at), id, MailOwner)
	}
	if err != nil {
		return fmt.Errorf("claim outbox %d: %w", id, err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return actionbot.Errorf(actionbot.ECONFLICT, "Queued e-mail %d is not waiting to be sent.", id)
	}
	return nil
}

// MailQueue is actionbot.MailQueue.
type MailQueue = actionbot.MailQueue

// QueuedForMail says how many e-mails wait to be sent, since when, and
// why the last attempt failed.
func (db *DB) QueuedForMail(ctx context.Context) (*MailQueue, error) {
	var row struct {
		N      int     `db:"n"`
		Oldest *string `db:"oldest"`
	}
	if err := db.ro.GetContext(ctx, &row, `SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE owner = ? AND state IN ('pending', 'sending')`, MailOwner); err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	q := &MailQueue{Queued: row.N}
	if row.Oldest != nil {
		var err error
		if q.Oldest, err = parseTime(*row.Oldest); err != nil {
			return nil, err
		}
	}
	var errs []string
	if err := db.ro.SelectContext(ctx, &errs, `SELECT last_error FROM outbox WHERE owner = ? AND state IN ('pending', 'sending') AND last_error <> '' ORDER BY next_attempt_at DESC LIMIT 1`, MailOwner); err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	if len(errs) > 0 {
		q.LastError = errs[0]
	}
	if err := db.ro.GetContext(ctx, &q.Failed, `SELECT COUNT(*) FROM outbox WHERE owner = ? AND state = 'failed'`, MailOwner); err != nil {
		return nil, fmt.Errorf("read outbox: %w", err)
	}
	return q, nil
}
