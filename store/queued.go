package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
)

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
