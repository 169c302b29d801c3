package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// Kinds of inbox item, and the item: defined in the root package, where
// the adapters that record changes (bot) find them without the store.
const (
	InboxCommand = actionbot.InboxCommand
	InboxClick   = actionbot.InboxClick
	InboxForm    = actionbot.InboxForm
)

// InboxItem is actionbot.InboxItem.
type InboxItem = actionbot.InboxItem

// Receive records a change before it is acknowledged and returns its id.
// A delivery already recorded (a replay or a redelivery) returns 0 and
// false: the change is in hand already, and InboxByDelivery finds it.
func (db *DB) Receive(ctx context.Context, it *InboxItem) (int64, bool, error) {
	if it.Kind == "" {
		it.Kind = InboxCommand
	}
	it.ReceivedAt, it.State = db.Now(), "pending"
	// Not even a change waiting to be made keeps a control character.
	it.Text = actionbot.CleanText(it.Text)
	tx, err := db.begin(ctx)
	if err != nil {
		return 0, false, fmt.Errorf("record a %s: %w", it.Kind, err)
	}
	defer tx.Rollback()
	now := formatTime(it.ReceivedAt)
	id, inserted, err := insertID(ctx, tx, `INSERT INTO inbox (delivery, kind, user_id, channel_id, text, payload, response_url, received_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (delivery) WHERE delivery <> '' DO NOTHING`,
		it.Delivery, it.Kind, it.UserID, it.ChannelID, it.Text, it.Payload, it.ResponseURL, now)
	if err != nil {
		return 0, false, fmt.Errorf("record a %s: %w", it.Kind, err)
	}
	if err := db.sent.record(ctx, tx, now); err != nil {
		return 0, false, err
	}
	if err := tx.Commit(); err != nil {
		return 0, false, fmt.Errorf("record a %s: commit: %w", it.Kind, err)
	}
	if !inserted {
		return 0, false, nil
	}
	it.ID = id
	return id, true, nil
}

// recorded completes a request's record made before its ack (id): the
// confirmations sent meanwhile are recorded in the same transaction, and
// it says what was recorded.
func (db *DB) recorded(ctx context.Context, tx execer, it *InboxItem, id int64, reply actionbot.Message, now string) error {
	if err := db.sent.record(ctx, tx, now); err != nil {
		return err
	}
	at, err := parseTime(now)
	if err != nil {
		return err
	}
	it.ID, it.State, it.Changed, it.Reply = id, "done", true, &reply
	it.ReceivedAt, it.DoneAt, it.ConfirmedAt = at, at, at
	return nil
}

// Inbox returns a recorded change.
func (db *DB) Inbox(ctx context.Context, id int64) (*InboxItem, error) {
	items, err := db.inbox(ctx, `id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, actionbot.Errorf(actionbot.ENOTFOUND, "No recorded change %d.", id)
	}
	return items[0], nil
}

// InboxByDelivery returns the change a request recorded, to answer a replay
// of it; ENOTFOUND when there is none.
func (db *DB) InboxByDelivery(ctx context.Context, delivery string) (*InboxItem, error) {
	if delivery == "" {
		return nil, errors.New("find a recorded change: no delivery id given")
	}
	items, err := db.inbox(ctx, `delivery = ?`, delivery)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, actionbot.Errorf(actionbot.ENOTFOUND, "No change recorded for that request.")
	}
	return items[0], nil
}

// PendingInbox returns the changes recorded and not yet made, oldest
// first: those a crash interrupted.
func (db *DB) PendingInbox(ctx context.Context) ([]*InboxItem, error) {
	return db.inbox(ctx, `state = 'pending' ORDER BY id`)
}

// UnconfirmedInbox returns the changes made whose confirmation has not
// been sent, oldest first: those a crash interrupted after the commit.
func (db *DB) UnconfirmedInbox(ctx context.Context) ([]*InboxItem, error) {
	return db.inbox(ctx, `state = 'done' AND confirmed_at IS NULL ORDER BY id`)
}

const inboxColumns = `id, delivery, kind, user_id, channel_id, text, payload, response_url, received_at, state, done_at, reply, confirmed_at, changed`

func (db *DB) inbox(ctx context.Context, where string, args ...any) ([]*InboxItem, error) {
	var rows []struct {
		ID          int64          `db:"id"`
		Delivery    string         `db:"delivery"`
		Kind        string         `db:"kind"`
		UserID      string         `db:"user_id"`
		ChannelID   string         `db:"channel_id"`
		Text        string         `db:"text"`
		Payload     string         `db:"payload"`
		ResponseURL string         `db:"response_url"`
		ReceivedAt  string         `db:"received_at"`
		State       string         `db:"state"`
		DoneAt      sql.NullString `db:"done_at"`
		Reply       string         `db:"reply"`
		ConfirmedAt sql.NullString `db:"confirmed_at"`
		Changed     int64          `db:"changed"`
	}
	if err := db.ro.SelectContext(ctx, &rows, `SELECT `+inboxColumns+` FROM inbox WHERE `+where, args...); err != nil {
		return nil, fmt.Errorf("read inbox: %w", err)
	}
	out := make([]*InboxItem, len(rows))
	for i, r := range rows {
		it := &InboxItem{ID: r.ID, Delivery: r.Delivery, Kind: r.Kind, UserID: r.UserID, ChannelID: r.ChannelID, Text: r.Text,
			Payload: r.Payload, ResponseURL: r.ResponseURL, State: r.State, Changed: r.Changed != 0}
		var err error
		if it.ReceivedAt, err = parseTime(r.ReceivedAt); err != nil {
			return nil, err
		}
		if it.DoneAt, err = parseTime(r.DoneAt.String); err != nil {
			return nil, err
		}
		if it.ConfirmedAt, err = parseTime(r.ConfirmedAt.String); err != nil {
			return nil, err
		}
		if r.Reply != "" {
			it.Reply = &actionbot.Message{}
			if err := json.Unmarshal([]byte(r.Reply), it.Reply); err != nil {
				return nil, fmt.Errorf("inbox item %d: decode its reply: %w", r.ID, err)
			}
		}
		out[i] = it
	}
	return out, nil
}

// CompleteInbox marks a change done that changed nothing in the plan (it
// was refused, or changed only who may do what). A change to an action
// completes its item in its own transaction instead.
func (db *DB) CompleteInbox(ctx context.Context, id int64) error {
	if _, err := db.rw.ExecContext(ctx, `UPDATE inbox SET state = 'done', done_at = COALESCE(done_at, ?) WHERE id = ?`, db.now(), id); err != nil {
		return fmt.Errorf("complete inbox item %d: %w", id, err)
	}
	return nil
}

// completeInbox marks a change done inside the transaction of its change;
// false when it was done already. The transaction also records the
// confirmations sent meanwhile (sentConfirmations).
func (db *DB) completeInbox(ctx context.Context, tx execer, id int64, now string) (bool, error) {
	r, err := tx.ExecContext(ctx, `UPDATE inbox SET state = 'done', done_at = ?, changed = 1 WHERE id = ? AND state = 'pending'`, now, id)
	if err != nil {
		return false, fmt.Errorf("complete inbox item %d: %w", id, err)
	}
	n, _ := r.RowsAffected()
	if err := db.sent.record(ctx, tx, now); err != nil {
		return false, err
	}
	return n > 0, nil
}

// sentConfirmations are the inbox items whose confirmation has reached
// Slack and is not yet recorded. Between the two, a kill makes the next
// start send the confirmation again; so the record rides on the first
// write transaction to commit (a change, an outcome, a new request), a
// fraction of a millisecond away, rather than waiting its own turn behind
// every writer in a burst. ConfirmInbox still writes it itself, in case
// no other write comes.
type sentConfirmations struct {
	mu  sync.Mutex
	ids map[int64]struct{}
}

func (s *sentConfirmations) add(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ids == nil {
		s.ids = map[int64]struct{}{}
	}
	s.ids[id] = struct{}{}
}

func (s *sentConfirmations) remove(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.ids, id)
}

// record records the confirmations sent, in tx. If tx rolls back, they
// are still held, and recorded by the next transaction or ConfirmInbox.
func (s *sentConfirmations) record(ctx context.Context, tx execer, now string) error {
	s.mu.Lock()
	if len(s.ids) == 0 {
		s.mu.Unlock()
		return nil
	}
	args := make([]any, 0, len(s.ids)+1)
	args = append(args, now)
	for id := range s.ids {
		args = append(args, id)
	}
	s.mu.Unlock()
	q := `UPDATE inbox SET confirmed_at = ?, text = '', payload = '' WHERE confirmed_at IS NULL AND id IN (?` + strings.Repeat(", ?", len(args)-2) + `)`
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("record confirmations: %w", err)
	}
	return nil
}

// FinishInbox records the outcome of a change once it has been made (or
// refused): the item is done, with reply as its confirmation, and, when
// confirmed (the reply goes in the acknowledgement itself), confirmed.
// committed says whether the change completed the item in its own
// transaction (a change to an action); otherwise (a refusal, a change of
// who may do what) the item must still be pending. It reports false when
// the item already had its outcome: another run of the same item (two
// recoveries racing) got there first, and confirms it.
func (db *DB) FinishInbox(ctx context.Context, id int64, reply actionbot.Message, committed, confirmed bool) (bool, error) {
	body, err := json.Marshal(reply)
	if err != nil {
		return false, fmt.Errorf("finish inbox item %d: encode its reply: %w", id, err)
	}
	now := db.now()
	state := "pending"
	if committed {
		state = "done"
	}
	var confirmedAt any
	if confirmed {
		confirmedAt = now
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return false, fmt.Errorf("finish inbox item %d: %w", id, err)
	}
	defer tx.Rollback()
	r, err := tx.ExecContext(ctx, `UPDATE inbox SET state = 'done', done_at = COALESCE(done_at, ?), reply = ?,
		confirmed_at = ?, text = CASE WHEN CAST(? AS TEXT) IS NULL THEN text ELSE '' END, payload = CASE WHEN CAST(? AS TEXT) IS NULL THEN payload ELSE '' END
		WHERE id = ? AND reply = '' AND confirmed_at IS NULL AND state = ?`, now, string(body), confirmedAt, confirmedAt, confirmedAt, id, state)
	if err != nil {
		return false, fmt.Errorf("finish inbox item %d: %w", id, err)
	}
	n, _ := r.RowsAffected()
	if err := db.sent.record(ctx, tx, now); err != nil {
		return false, err
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("finish inbox item %d: commit: %w", id, err)
	}
	return n > 0, nil
}

// ConfirmInbox records that a change's confirmation reached Slack. Its
// text and payload are cleared: the audit trail keeps what was done. The
// record also rides on the first other write to commit meanwhile
// (sentConfirmations).
func (db *DB) ConfirmInbox(ctx context.Context, id int64) error {
	db.sent.add(id)
	if _, err := db.rw.ExecContext(ctx, `UPDATE inbox SET confirmed_at = ?, text = '', payload = '' WHERE id = ? AND confirmed_at IS NULL`, db.now(), id); err != nil {
		return fmt.Errorf("confirm inbox item %d: %w", id, err)
	}
	db.sent.remove(id)
	return nil
}

// ConfirmInboxByMessage queues a change's confirmation as a direct message
// (the outbox posts it once) and records the item confirmed, in one
// transaction: it is queued once however often this is called.
func (db *DB) ConfirmInboxByMessage(ctx context.Context, id int64, msg *actionbot.Outgoing) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := db.now()
	r, err := tx.ExecContext(ctx, `UPDATE inbox SET confirmed_at = ?, text = '', payload = '' WHERE id = ? AND confirmed_at IS NULL`, now, id)
	if err != nil {
		return fmt.Errorf("confirm inbox item %d: %w", id, err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return nil // confirmed already
	}
	if _, err := db.enqueue(ctx, tx, now, []*actionbot.Outgoing{msg}); err != nil {
		return fmt.Errorf("confirm inbox item %d: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("confirm inbox item %d: commit: %w", id, err)
	}
	return nil
}

// PruneInbox forgets the changes confirmed before a given instant: their
// requests can no longer be replayed (a signature lives five minutes) or
// redelivered. It returns how many it forgot.
//
// Records are read in order of id, the order they were received in, and
// those before the first received at or after the instant are forgotten:
// the scan visits what it deletes, with no index on received_at for every
// change to write (migration 111). A record out of order (a clock that
// stepped back, or on PostgreSQL a sequence's id given before another's
// commit) is never forgotten early, only at a later prune.
func (db *DB) PruneInbox(ctx context.Context, before time.Time) (int, error) {
	r, err := db.rw.ExecContext(ctx, `DELETE FROM inbox WHERE confirmed_at IS NOT NULL AND id < COALESCE(
		(SELECT id FROM inbox WHERE received_at >= ? ORDER BY id LIMIT 1),
		(SELECT MAX(id) + 1 FROM inbox), 0)`, formatTime(before))
	if err != nil {
		return 0, fmt.Errorf("prune inbox: %w", err)
	}
	n, _ := r.RowsAffected()
	return int(n), nil
}

// InboxSize returns how many changes the inbox holds, done or not.
func (db *DB) InboxSize(ctx context.Context) (int, error) {
	var n int
	if err := db.ro.GetContext(ctx, &n, `SELECT COUNT(*) FROM inbox`); err != nil {
		return 0, fmt.Errorf("count inbox: %w", err)
	}
	return n, nil
}
