package store

import (
	"context"

	"github.com/sevenoaks-csp/actionbot"
)

// Undelivered returns the messages queued for Slack or e-mail (SlackOwner,
// MailOwner: never a console run's) and not yet delivered, pending or
// being sent, oldest first, at most limit: what a --post that gave up, or
// was stopped, left for "a running bot, or the next --post".
func (db *DB) Undelivered(ctx context.Context, limit int) ([]*actionbot.Outgoing, error) {
	return db.outgoing(ctx, `owner IN (?, ?) AND state IN ('pending', 'sending') ORDER BY id LIMIT ?`, SlackOwner, MailOwner, limit)
}
