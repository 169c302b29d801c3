package console

import (
	"context"
	"fmt"
	"io"
)

// SharedOutbox is what the console asks of an outbox a Slack bot may share
// (store.DB).
type SharedOutbox interface {
	QueuedForSlack(ctx context.Context) (int, error)
	UsedBySlack(ctx context.Context) (bool, error)
}

// NoteOutbox writes the note on box (WriteOutboxNote) to w, and reports
// whether a Slack bot uses it.
func NoteOutbox(ctx context.Context, w io.Writer, box SharedOutbox) (usedBySlack bool, err error) {
	n, err := box.QueuedForSlack(ctx)
	if err != nil {
		return false, err
	}
	if usedBySlack, err = box.UsedBySlack(ctx); err != nil {
		return false, err
	}
	WriteOutboxNote(w, n, usedBySlack)
	return usedBySlack, nil
}

// WriteOutboxNote says, before a console run starts, what it will leave
// alone in the database's outbox: messages queued for Slack (queued), which
// the Slack bot sends, so that nobody takes the console's silence for an
// empty queue; and, when a Slack bot uses the database (usedBySlack), the
// reminders and the digest, which are the bot's to send.
func WriteOutboxNote(w io.Writer, queued int, usedBySlack bool) {
	switch {
	case queued == 1:
		fmt.Fprintf(w, "1 message in this database is queued for Slack: the Slack bot (serve with Slack settings) will send it; the console leaves it alone.\n\n")
	case queued > 1:
		fmt.Fprintf(w, "%d messages in this database are queued for Slack: the Slack bot (serve with Slack settings) will send them; the console leaves them alone.\n\n", queued)
	}
	if usedBySlack {
		// The reminders and the digest record what they sent: run here,
		// they would be printed to the console and never reach Slack.
		fmt.Fprintf(w, "A Slack bot uses this database: the console runs no reminders or digest here (they are the bot's to send). /action commands work as usual.\n\n")
	}
}
