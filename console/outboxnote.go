package console

import (
	"fmt"
	"io"
)

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
