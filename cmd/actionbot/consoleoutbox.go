package main

import (
	"context"
	"fmt"

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
	switch {
	case n == 1:
		fmt.Fprintf(a.stdout, "1 message in this database is queued for Slack: the Slack bot (serve with Slack settings) will send it; the console leaves it alone.\n\n")
	case n > 1:
		fmt.Fprintf(a.stdout, "%d messages in this database are queued for Slack: the Slack bot (serve with Slack settings) will send them; the console leaves them alone.\n\n", n)
	}
	if slack, err = db.UsedBySlack(ctx); err != nil {
		return false, err
	}
	if slack {
		// The reminders and the digest record what they sent: run here,
		// they would be printed to the console and never reach Slack.
		fmt.Fprintf(a.stdout, "A Slack bot uses this database: the console runs no reminders or digest here (they are the bot's to send). /action commands work as usual.\n\n")
	}
	return slack, nil
}
