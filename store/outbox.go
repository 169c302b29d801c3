package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
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

// outboxValues checks a message to queue and gives its row's payload and
// first attempt (now, unless the message says later): one reading for
// enqueue and PostgreSQL's one-round-trip change (commitChangesPG).
func outboxValues(m *actionbot.Outgoing, now string) (payload, next string, err error) {
	if m.Key == "" || m.To == "" {
		return "", "", fmt.Errorf("enqueue %s message: key and recipient are required", m.Kind)
	}
	payload = encodeMessage(&m.Message)
	next = now
	if !m.NextAttempt.IsZero() {
		next = formatTime(m.NextAttempt)
	}
	return payload, next, nil
}

// messageBuffers hold encodeMessage's encodings.
var messageBuffers = sync.Pool{New: func() any { return new([]byte) }}

// encodeMessage returns json.Marshal's encoding of m (Message.AppendJSON),
// copied once from a pooled buffer: Marshal's reflection, its own copy of
// its bytes, then the string made of them, were 4% of a change's CPU and
// two copies of its reply (1.4 KB, for its inbox record) and of each of
// its announcements (issue 25).
func encodeMessage(m *actionbot.Message) string {
	buf := messageBuffers.Get().(*[]byte)
	*buf = m.AppendJSON((*buf)[:0])
	s := string(*buf)
	if cap(*buf) <= 64<<10 { // a large one is not kept
		messageBuffers.Put(buf)
	}
	return s
}

// enqueue queues msgs in tx as db's owner's.
func (db *DB) enqueue(ctx context.Context, tx execer, now string, msgs []*actionbot.Outgoing) (int, error) {
	queued := 0
	for _, m := range msgs {
		owner := db.ownerOf(m)
		payload, next, err := outboxValues(m, now)
		if err != nil {
			return queued, err
		}
		id, inserted, err := insertID(ctx, tx, `INSERT INTO outbox (dedupe_key, kind, recipient, payload, state, next_attempt_at, created_at, owner)
			VALUES (?, ?, ?, ?, 'pending', ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
			m.Key, m.Kind, m.To, payload, next, now, owner)
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

// enqueueChange queues, on SQLite, the messages of a change in its
// transaction, as enqueue does, and counts those that are the first still
// waiting for their conversation: the ones a sender can send at once. One
// queued behind another goes once the sender, pacing that conversation,
// has sent what is ahead of it; so a change wakes the sender only for the
// first. Each INSERT returns that too (outbox_waiting, one seek), as
// PostgreSQL's does (commitChangesPG): one statement a message, not two.
func (db *DB) enqueueChange(ctx context.Context, tx *Tx, now string, msgs []*actionbot.Outgoing) (queued, first int, err error) {
	for _, m := range msgs {
		owner := db.ownerOf(m)
		payload, next, err := outboxValues(m, now)
		if err != nil {
			return queued, first, err
		}
		var id int64
		var alone bool
		// The owner and recipient are bound again, not read from the
		// new row: so SQLite seeks outbox_waiting on both.
		err = tx.QueryRowContext(ctx, `INSERT INTO outbox (dedupe_key, kind, recipient, payload, state, next_attempt_at, created_at, owner)
			VALUES (?, ?, ?, ?, 'pending', ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING
			RETURNING id, NOT EXISTS (SELECT 1 FROM outbox o WHERE o.owner = ? AND o.recipient = ? AND o.state IN ('pending', 'sending') AND o.id < outbox.id)`,
			m.Key, m.Kind, m.To, payload, next, now, owner, owner, m.To).Scan(&id, &alone)
		if errors.Is(err, sql.ErrNoRows) {
			continue // a key queued before
		} else if err != nil {
			return queued, first, fmt.Errorf("enqueue %s: %w", m.Key, err)
		}
		queued++
		m.ID = id
		m.State = actionbot.OutboxPending
		if alone {
			first++
		}
	}
	return queued, first, nil
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
	RemoteChannel string  `db:"remote_channel"`
	ClaimedAt     *string `db:"claimed_at"`
}

// OutboxHeads names them each with its table.
const outboxColumns = `id, dedupe_key, kind, recipient, payload, state, attempts, next_attempt_at, last_error, created_at, sent_at, remote_ref, remote_channel, claimed_at`

func (r *outboxRow) outgoing() (*actionbot.Outgoing, error) {
	o := &actionbot.Outgoing{ID: r.ID, Key: r.Key, Kind: r.Kind, To: r.Recipient, State: actionbot.OutboxState(r.State),
		Attempts: r.Attempts, LastError: r.LastError, RemoteRef: r.RemoteRef, Channel: r.RemoteChannel}
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
	if r.ClaimedAt != nil {
		if o.ClaimedAt, err = parseTime(*r.ClaimedAt); err != nil {
			return nil, err
		}
	}
	return o, nil
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
	return db.outgoingFrom(ctx, db.ro, where, args...)
}

// outgoingFrom reads the rows where says (the table is "o") through q.
func (db *DB) outgoingFrom(ctx context.Context, q queryer, where string, args ...any) ([]*actionbot.Outgoing, error) {
	return db.outgoingQuery(ctx, q, `SELECT `+outboxColumns+` FROM outbox o WHERE `+where, args...)
}

// outgoingQuery reads the messages a whole query selects (outboxColumns).
func (db *DB) outgoingQuery(ctx context.Context, q queryer, query string, args ...any) ([]*actionbot.Outgoing, error) {
	var rows []outboxRow
	if err := q.SelectContext(ctx, &rows, query, args...); err != nil {
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

// MarkRetry records a transient failure and when to try again.
func (db *DB) MarkRetry(ctx context.Context, id int64, cause string, next time.Time) error {
	return db.outboxUpdate(ctx, id, `attempts = attempts + 1, last_error = ?, next_attempt_at = ?`, cause, formatTime(next))
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

// OutboxHeads returns, for each recipient of owner's messages, its oldest
// message still to deliver ('pending' or 'sending') when that message is
// due by now, oldest first, at most limit. A recipient whose oldest message
// is waiting (backing off, or rate limited) is left out, so later messages
// to it wait too and every conversation receives its messages in the order
// they were queued.
//
// A 'sending' message is left out until its claim is SendingLease old: the
// sender that claimed it may still be sending it (another process — a
// `remind --post` beside a running bot — or this one), and only a claim
// that old is an interrupted attempt (looked for on Slack; sent again by
// e-mail).
//
// The owners are SlackOwner, MailOwner and each console run
// (ConsoleOwner): a console run's messages are its own, shown in its output
// and never posted. On PostgreSQL shared by several replicas, only the one
// that delivers (DeliversOutbox) is given Slack's and the mail server's:
// the others get none until it stops.
func (db *DB) OutboxHeads(ctx context.Context, owner string, now time.Time, limit int) ([]*actionbot.Outgoing, error) {
	if owner == SlackOwner || owner == MailOwner {
		if ok, err := db.DeliversOutbox(ctx); err != nil || !ok {
			return nil, err
		}
	}
	// Each conversation with a message waiting, one index seek apiece
	// (outbox_waiting: migration 112), then its first waiting message,
	// kept when due: a backlog behind a head is never read. CROSS JOIN
	// keeps the heads the outer loop (SQLite would otherwise read every
	// message due through outbox_due).
	return db.outgoingQuery(ctx, db.ro, `WITH RECURSIVE waiting (recipient) AS (
			SELECT (SELECT recipient FROM outbox WHERE owner = ? AND state IN ('pending', 'sending') ORDER BY recipient LIMIT 1)
			UNION ALL
			SELECT (SELECT recipient FROM outbox WHERE owner = ? AND state IN ('pending', 'sending') AND recipient > w.recipient ORDER BY recipient LIMIT 1)
			FROM waiting w WHERE w.recipient IS NOT NULL
		), heads (id) AS (
			SELECT (SELECT id FROM outbox WHERE owner = ? AND state IN ('pending', 'sending') AND recipient = w.recipient ORDER BY id LIMIT 1)
			FROM waiting w WHERE w.recipient IS NOT NULL
		)
		SELECT o.id, o.dedupe_key, o.kind, o.recipient, o.payload, o.state, o.attempts, o.next_attempt_at, o.last_error,
			o.created_at, o.sent_at, o.remote_ref, o.remote_channel, o.claimed_at
		FROM heads h CROSS JOIN outbox o WHERE o.id = h.id
		AND o.next_attempt_at <= ?
		AND (o.state = 'pending' OR (o.state = 'sending' AND (o.claimed_at IS NULL OR o.claimed_at <= ?)))
		ORDER BY o.id LIMIT ?`, owner, owner, owner, formatTime(now), formatTime(now.Add(-SendingLease)), limit)
}

// SendingLease is how long a claim on a message being sent holds: longer
// than a sender waits for the transport to answer (outbox.DefaultTimeout,
// mail.DefaultTimeout).
const SendingLease = 30 * time.Second

// ClaimOutgoing records that the sending of one of owner's messages to
// channel ("" when the transport has no channels) begins at: the message
// is 'sending' until MarkSent, ReleaseOutgoing, MarkRetry or MarkFailed
// records the outcome. With lapsed zero it claims a pending message; else
// it renews the claim made at lapsed on an interrupted one ('sending', its
// lease over), so two senders never send it at once. ECONFLICT when the
// message is not waiting, is another owner's (a console run's is never
// Slack's), or another sender claimed it first.
//
// The claim is dated at, by the sender's clock, not the store's: a
// `remind --as-of … --post` run records the plan year's instants, but its
// lease is read by a serving bot on the wall clock, which would take a claim
// dated years ago for an abandoned one and post the message again.
func (db *DB) ClaimOutgoing(ctx context.Context, owner string, id int64, channel string, lapsed, at time.Time) error {
	var r sql.Result
	var err error
	if lapsed.IsZero() {
		r, err = db.rw.ExecContext(ctx, `UPDATE outbox SET state = 'sending', remote_channel = ?, claimed_at = ? WHERE id = ? AND state = 'pending' AND owner = ?`,
			channel, formatTime(at), id, owner)
	} else {
		r, err = db.rw.ExecContext(ctx, `UPDATE outbox SET claimed_at = ? WHERE id = ? AND state = 'sending' AND owner = ? AND claimed_at = ?`,
			formatTime(at), id, owner, formatTime(lapsed))
	}
	if err != nil {
		return fmt.Errorf("claim outbox %d: %w", id, err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return actionbot.Errorf(actionbot.ECONFLICT, "Queued message %d is not waiting to be sent.", id)
	}
	return nil
}

// MarkSent records that a message was sent: to channel (a Slack
// conversation; "" for an e-mail or a console's), as ref on the transport
// (a Slack ts, an e-mail's Message-ID).
func (db *DB) MarkSent(ctx context.Context, id int64, channel, ref string) error {
	return db.outboxUpdate(ctx, id, `state = 'sent', sent_at = ?, remote_channel = ?, remote_ref = ?, claimed_at = NULL,
		attempts = attempts + 1, last_error = ''`, db.now(), channel, ref)
}

// ReleaseOutgoing puts a message back to 'pending', to be tried at next:
// the transport answered that it did not take it. count says whether this
// counts as a failed attempt (a rate limit does not).
func (db *DB) ReleaseOutgoing(ctx context.Context, id int64, cause string, next time.Time, count bool) error {
	return db.outboxUpdate(ctx, id, `state = 'pending', claimed_at = NULL, last_error = ?, next_attempt_at = ?, attempts = attempts + ?`,
		cause, formatTime(next), boolInt(count))
}

// SentMessage returns the delivered message posted to channel as ts, or
// ENOTFOUND when the bot did not post it through the outbox.
func (db *DB) SentMessage(ctx context.Context, channel, ts string) (*actionbot.Outgoing, error) {
	ds, err := db.outgoingFrom(ctx, db.ro, `o.remote_channel = ? AND o.remote_ref = ? AND o.state = 'sent' ORDER BY o.id DESC LIMIT 1`, channel, ts)
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

// OutboxOwner is whose messages those queued through db are: its Owner, or
// SlackOwner (MailOwner for an e-mail, ownerOf).
func (db *DB) OutboxOwner() string { return db.owner() }

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
