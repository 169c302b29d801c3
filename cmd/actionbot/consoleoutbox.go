package main

import (
	"context"

	"github.com/sevenoaks-csp/actionbot/console"
	"github.com/sevenoaks-csp/actionbot/store"
)

// ownConsoleOutbox makes db queue a console run's messages as that run's own
// (store.ConsoleOwner): the console prints and marks only those, and leaves
// the messages queued for Slack (by the bot, paced or waiting out an outage,
// before a stop) to the Slack sender. It says how many of those are waiting,
// so that nobody takes the console's silence for an empty queue. It
// reports whether a Slack bot uses the database (store.UsedBySlack).
func (a *app) ownConsoleOutbox(ctx context.Context, db *store.DB) (slack bool, err error) {
	db.Owner = store.ConsoleOwner()
	n, err := db.QueuedForSlack(ctx)
	if err != nil {
		return false, err
	}
	if slack, err = db.UsedBySlack(ctx); err != nil {
		return false, err
	}
	console.WriteOutboxNote(a.stdout, n, slack)
	return slack, nil
}
