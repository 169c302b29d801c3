package store

import (
	"context"
	"fmt"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// InboxItem is a change typed as a slash command, recorded before Slack is
// answered so that a crash cannot lose it.
type InboxItem struct {
	ID          int64
	Delivery    string // Socket Mode envelope id; "" over HTTP
	UserID      string
	ChannelID   string
	Text        string
	ResponseURL string
	ReceivedAt  time.Time
	State       string // "pending" or "done"
}

// Receive records a change before it is acknowledged and returns its id.
// A delivery id already recorded (a redelivery) returns 0 and false.
func (db *DB) Receive(ctx context.Context, it *InboxItem) (int64, bool, error) {
	it.ReceivedAt, it.State = db.Now(), "pending"
	// Not even a change waiting to be made keeps a control character.
	it.Text = actionbot.CleanText(it.Text)
	r, err := db.rw.ExecContext(ctx, `INSERT INTO inbox (delivery, user_id, channel_id, text, response_url, received_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (delivery) WHERE delivery <> '' DO NOTHING`,
		it.Delivery, it.UserID, it.ChannelID, it.Text, it.ResponseURL, formatTime(it.ReceivedAt))
	if err != nil {
		return 0, false, fmt.Errorf("record a command: %w", err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return 0, false, nil
	}
	id, err := r.LastInsertId()
	if err != nil {
		return 0, false, fmt.Errorf("record a command: %w", err)
	}
	it.ID = id
	return id, true, nil
}

// Inbox returns a recorded command.
func (db *DB) Inbox(ctx context.Context, id int64) (*InboxItem, error) {
	items, err := db.inbox(ctx, `id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("inbox item %d: not found", id)
	}
	return items[0], nil
}

// PendingInbox returns the commands recorded and not yet completed, oldest
// first: those a crash interrupted.
func (db *DB) PendingInbox(ctx context.Context) ([]*InboxItem, error) {
	return db.inbox(ctx, `state = 'pending' ORDER BY id`)
}

func (db *DB) inbox(ctx context.Context, where string, args ...any) ([]*InboxItem, error) {
	var rows []struct {
		ID          int64  `db:"id"`
		Delivery    string `db:"delivery"`
		UserID      string `db:"user_id"`
		ChannelID   string `db:"channel_id"`
		Text        string `db:"text"`
		ResponseURL string `db:"response_url"`
		ReceivedAt  string `db:"received_at"`
		State       string `db:"state"`
	}
	if err := db.ro.SelectContext(ctx, &rows, `SELECT id, delivery, user_id, channel_id, text, response_url, received_at, state FROM inbox WHERE `+where, args...); err != nil {
		return nil, fmt.Errorf("read inbox: %w", err)
	}
	out := make([]*InboxItem, len(rows))
	for i, r := range rows {
		at, err := parseTime(r.ReceivedAt)
		if err != nil {
			return nil, err
		}
		out[i] = &InboxItem{ID: r.ID, Delivery: r.Delivery, UserID: r.UserID, ChannelID: r.ChannelID, Text: r.Text,
			ResponseURL: r.ResponseURL, ReceivedAt: at, State: r.State}
	}
	return out, nil
}

// CompleteInbox marks a command done that changed nothing in the plan (it
// was refused, or changed only who may do what). A change to an action
// completes its command in its own transaction instead.
func (db *DB) CompleteInbox(ctx context.Context, id int64) error {
	if _, err := db.rw.ExecContext(ctx, `UPDATE inbox SET state = 'done', done_at = ?, text = '' WHERE id = ?`, db.now(), id); err != nil {
		return fmt.Errorf("complete inbox item %d: %w", id, err)
	}
	return nil
}

// completeInbox marks a command done inside the transaction of its change;
// false when it was done already.
func completeInbox(ctx context.Context, tx execer, id int64, now string) (bool, error) {
	r, err := tx.ExecContext(ctx, `UPDATE inbox SET state = 'done', done_at = ?, text = '' WHERE id = ? AND state = 'pending'`, now, id)
	if err != nil {
		return false, fmt.Errorf("complete inbox item %d: %w", id, err)
	}
	n, _ := r.RowsAffected()
	return n > 0, nil
}

// InboxSize returns how many commands the inbox holds, done or not.
func (db *DB) InboxSize(ctx context.Context) (int, error) {
	var n int
	if err := db.ro.GetContext(ctx, &n, `SELECT COUNT(*) FROM inbox`); err != nil {
		return 0, fmt.Errorf("count inbox: %w", err)
	}
	return n, nil
}
