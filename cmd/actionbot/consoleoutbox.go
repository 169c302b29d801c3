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
// so that nobody takes the console's silence for an empty queue.
func (a *app) ownConsoleOutbox(ctx context.Context, db *store.DB) error {
	db.Owner = store.ConsoleOwner()
	n, err := db.QueuedForSlack(ctx)
	if err != nil {
		return err
	}
	switch {
	case n == 1:
		fmt.Fprintf(a.stdout, "1 message in this database is queued for Slack: the Slack bot (serve with Slack settings) will send it; the console leaves it alone.\n\n")
	case n > 1:
		fmt.Fprintf(a.stdout, "%d messages in this database are queued for Slack: the Slack bot (serve with Slack settings) will send them; the console leaves them alone.\n\n", n)
	}
	return nil
}
