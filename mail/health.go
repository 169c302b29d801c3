package mail

import (
	"context"
	"fmt"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// Queue is what Health reads of the outbox (store.DB).
type Queue interface {
	QueuedForMail(ctx context.Context) (*actionbot.MailQueue, error)
}

// Health is /healthz's line about e-mail: nothing while it flows, a
// line when e-mail waits and the last attempt failed, or has waited long.
func Health(q Queue, now func() time.Time) func(ctx context.Context) []string {
	return func(ctx context.Context) []string {
		q, err := q.QueuedForMail(ctx)
		if err != nil {
			return []string{"mail: the queue cannot be read"}
		}
		var out []string
		if q.Queued > 0 && (q.LastError != "" || now().Sub(q.Oldest) > 10*time.Minute) {
			line := fmt.Sprintf("mail: %s queued, the oldest since %s", actionbot.Plural(q.Queued, "e-mail"), q.Oldest.UTC().Format("2006-01-02 15:04 UTC"))
			if q.LastError != "" {
				line += "; the mail server is failing (/action admin failed says why)"
			}
			out = append(out, line)
		}
		if q.Failed > 0 {
			out = append(out, fmt.Sprintf("mail: %s failed (/action admin failed)", actionbot.Plural(q.Failed, "e-mail")))
		}
		return out
	}
}
