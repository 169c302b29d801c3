package outbox

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// A --post (remind, digest) delivers the messages it queued before the
// command exits, with the bot's own Sender, and says what became of them.

// Reader reads queued messages back by id (store.DB).
type Reader interface {
	OutgoingByID(ctx context.Context, ids []int64) ([]*actionbot.Outgoing, error)
}

// Words name a transport in a --post's account: who accepted ("Slack",
// "The mail server (smtp.example.org:587)"), who took nothing ("Slack",
// "The mail server") and what it carries ("message", "e-mail").
type Words struct {
	Who, Short, Noun string
}

// Route is the way one owner's messages (IDs) go: through the Sender that
// Sender makes, or, when it is nil for want of settings, nowhere, which
// Missing says (a format with one %s, the count).
type Route struct {
	IDs     []int64
	Sender  func() *Sender
	Words   Words
	Missing string
}

// PostRoutes are a --post's two ways out for msgs: Slack's messages
// through the sender slack makes, e-mails through mail's (the mail server
// named mailServer). A nil maker is a transport without its settings:
// its messages stay queued, and the account says so.
func PostRoutes(msgs []*actionbot.Outgoing, slack, mail func() *Sender, mailServer string) []Route {
	var slackIDs, mailIDs []int64
	for _, m := range msgs {
		switch {
		case m == nil || m.ID == 0:
		case m.IsEmail():
			mailIDs = append(mailIDs, m.ID)
		default:
			slackIDs = append(slackIDs, m.ID)
		}
	}
	return []Route{
		{IDs: slackIDs, Sender: slack, Words: Words{Who: "Slack", Short: "Slack", Noun: "message"},
			Missing: "Not posted, for want of Slack settings: %s for Slack, left queued for a bot serving this database.\n"},
		{IDs: mailIDs, Sender: mail, Words: Words{Who: "The mail server (" + mailServer + ")", Short: "The mail server", Noun: "e-mail"},
			Missing: "Not sent, for want of a mail server (ACTIONBOT_SMTP_URL): %s, left queued.\n"},
	}
}

// Leftovers reads the messages queued for Slack or e-mail and not yet
// delivered, oldest first, at most limit (store.DB.Undelivered).
type Leftovers interface {
	Undelivered(ctx context.Context, limit int) ([]*actionbot.Outgoing, error)
}

// MaxEarlier bounds the messages queued earlier that one --post takes on.
const MaxEarlier = 500

// WithEarlier is a --post's own messages, msgs, after those queued before
// it and not yet delivered (a --post that gave up, or was stopped, or no
// bot serving), which it says to w: a --post that gives up promises that
// "the next --post sends them", and the sender's pass sends them anyway
// when this run has messages of its own. The second digest --post of a
// morning whose first gave up queues nothing, and used to send nothing.
// It takes on Slack's only when it can post (slack), and e-mails only when
// it can send them (mail): another process's settings are not its own.
func WithEarlier(ctx context.Context, w io.Writer, l Leftovers, msgs []*actionbot.Outgoing, slack, mail bool) ([]*actionbot.Outgoing, error) {
	left, err := l.Undelivered(ctx, MaxEarlier+len(msgs))
	if err != nil {
		return nil, fmt.Errorf("read the messages queued earlier: %w", err)
	}
	own := make(map[int64]bool, len(msgs))
	for _, m := range msgs {
		if m != nil && m.ID != 0 {
			own[m.ID] = true
		}
	}
	var earlier []*actionbot.Outgoing
	for _, o := range left {
		if can := mail && o.IsEmail() || slack && !o.IsEmail(); can && !own[o.ID] && len(earlier) < MaxEarlier {
			earlier = append(earlier, o)
		}
	}
	if len(earlier) > 0 {
		fmt.Fprintf(w, "Also delivering %s queued earlier and not yet delivered.\n", actionbot.Plural(len(earlier), "message"))
	}
	return append(earlier, msgs...), nil
}

// errNotDelivered is a --post's error when not every message went.
func errNotDelivered() error {
	return actionbot.Errorf(actionbot.EINVALID, "Not every message was delivered.")
}

// DeliverRoutes delivers each route's messages (DeliverNow), waiting up to
// wait for a transport that takes none, and writes the account to w. The
// error is the first route's that did not deliver everything.
func DeliverRoutes(ctx context.Context, w io.Writer, r Reader, routes []Route, wait time.Duration) error {
	var errs []error
	for _, rt := range routes {
		switch {
		case len(rt.IDs) == 0:
		case rt.Sender == nil:
			fmt.Fprintf(w, rt.Missing, actionbot.Plural(len(rt.IDs), rt.Words.Noun))
			errs = append(errs, errNotDelivered())
		default:
			sender := rt.Sender()
			if err := DeliverNow(ctx, w, r, sender, rt.Words, rt.IDs, wait, min(sender.Pace, 250*time.Millisecond)); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// DeliverNow sends a --post's queued messages of one owner (ids) before
// the command exits, with the bot's own sender: paced, waiting as long as
// the transport asks, each message claimed before it is sent so that a bot
// serving the same database, or another --post, never sends it again. It
// says what the transport accepted (Summarise).
//
// A message the transport does not take within the wait stays queued,
// pending or 'sending' with its next try set: the serving bot (or the
// next --post) sends it, looking first for an interrupted post. The
// sender gives up a message only after many more attempts than a wait
// allows.
func DeliverNow(ctx context.Context, w io.Writer, r Reader, sender *Sender, words Words, ids []int64, wait, poll time.Duration) error {
	out, gaveUp, err := drainIDs(ctx, r, sender, ids, wait, poll)
	if err != nil {
		return fmt.Errorf("deliver through %s: %w", words.Short, err)
	}
	return Summarise(w, words, out, gaveUp, wait)
}

// Summarise writes the account of a --post's messages as they stand: how
// many the transport accepted, which failed and why, how many are left
// queued (gaveUp: because the transport took none for wait). An error says
// not every message was delivered.
func Summarise(w io.Writer, words Words, out []*actionbot.Outgoing, gaveUp bool, wait time.Duration) error {
	sent, failed, left, lastErr := 0, 0, 0, ""
	var why []string
	for _, o := range out {
		switch o.State {
		case actionbot.OutboxSent:
			sent++
		case actionbot.OutboxFailed:
			failed++
			why = append(why, o.Destination()+": "+o.LastError)
		default:
			left++
			if o.LastError != "" {
				lastErr = o.LastError
			}
		}
	}
	fmt.Fprintf(w, "%s accepted %d of %s.\n", words.Who, sent, actionbot.Plural(len(out), words.Noun))
	if failed > 0 {
		fmt.Fprintf(w, "%d could not be delivered (/action admin failed lists them): %s.\n", failed, strings.Join(why, "; "))
	}
	if left > 0 && gaveUp {
		last := ""
		if lastErr != "" {
			last = " (last: " + lastErr + ")"
		}
		fmt.Fprintf(w, "%s took no %s for %s%s, so this gave up: %d still queued; a running bot, or the next --post, sends them.\n", words.Short, words.Noun, wait, last, left)
	} else if left > 0 {
		last := ""
		if lastErr != "" {
			last = "; last: " + lastErr
		}
		fmt.Fprintf(w, "%d still queued (%s asked to wait, or failed for now%s): a running bot, or the next --post, sends them.\n", left, words.Short, last)
	}
	if failed > 0 || left > 0 {
		return errNotDelivered()
	}
	return nil
}

// drainIDs steps sender (one pass over its owner's outbox) until every
// message of ids has left the queue, sent or failed, or none has left for
// wait: the wait runs from the last message the transport took, on the
// sender's clock, so a long run paced per conversation goes on and a
// transport that takes nothing is given up. Between passes it waits poll
// (on the sender's After). It returns the messages as they stand, and
// whether it gave up; an error is the step's or the store's.
func drainIDs(ctx context.Context, r Reader, sender *Sender, ids []int64, wait, poll time.Duration) (out []*actionbot.Outgoing, gaveUp bool, err error) {
	progress, lastLeft := sender.Now(), len(ids)
	for {
		// A step stops between messages at the wait's end; a call in hand
		// finishes within its own timeout.
		stepCtx, cancel := context.WithTimeout(ctx, progress.Add(wait).Sub(sender.Now()))
		_, serr := sender.Step(stepCtx)
		cancel()
		if serr != nil && ctx.Err() == nil && stepCtx.Err() == nil {
			return nil, false, serr
		}
		if out, err = r.OutgoingByID(ctx, ids); err != nil {
			return nil, false, fmt.Errorf("read the queued messages: %w", err)
		}
		left := 0
		for _, o := range out {
			if o.State == actionbot.OutboxPending || o.State == actionbot.OutboxSending {
				left++
			}
		}
		if left < lastLeft {
			progress, lastLeft = sender.Now(), left
		}
		if left == 0 || ctx.Err() != nil {
			return out, false, nil
		}
		if sender.Now().Sub(progress) >= wait {
			return out, true, nil
		}
		select {
		case <-ctx.Done():
		case <-sender.after(poll):
		}
	}
}
