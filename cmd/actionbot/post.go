package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/bot"
	"github.com/sevenoaks-csp/actionbot/internal/config"
	"github.com/sevenoaks-csp/actionbot/outbox"
	"github.com/sevenoaks-csp/actionbot/store"
)

// errNothingToPostTo refuses --post without Slack settings: there is
// nowhere to post, and nothing is recorded.
var errNothingToPostTo = actionbot.Errorf(actionbot.EINVALID,
	"There is nothing to post to: --post sends through Slack, and no Slack settings are given (SLACK_BOT_TOKEN with SLACK_APP_TOKEN or SLACK_SIGNING_SECRET). Nothing was recorded. Run without --post to see the messages as they would be posted.")

// checkPost checks, before anything is recorded, that --post has Slack to
// post to: sc is the configuration's (nil without Slack settings).
func checkPost(sc *config.Slack) error {
	if sc == nil {
		return errNothingToPostTo
	}
	return nil
}

// postTimeout bounds each call to Slack a --post makes: an unreachable
// Slack cannot hold the command past its wait by much.
const postTimeout = 10 * time.Second

// postSlackSender is Slack's delivery loop for a --post: its own client to Slack,
// each call bounded by postTimeout.
func postSlackSender(sc *config.Slack, db *store.DB, log *slog.Logger) *outbox.Sender {
	opts := []slack.Option{slack.OptionLog(slog.NewLogLogger(log.Handler(), slog.LevelDebug))}
	if sc.APIURL != "" {
		opts = append(opts, slack.OptionAPIURL(sc.APIURL))
	}
	s := bot.NewSender(db, slack.New(sc.BotToken, opts...), db.Now, sc.Pace, log)
	s.Timeout = postTimeout
	return s
}

// serveSenders are serve's delivery loops on one outbox: Slack's and, with
// mail settings, the mail server's (nil without). run runs them until ctx
// is done, each finishing the send in hand, and has the store wake both
// when a change queues messages, so that announcements leave at once.
type serveSenders struct {
	db            *store.DB
	slack, mailer *outbox.Sender
}

func (a *app) serveSenders(c *config.Config, api *slack.Client, db *store.DB, log *slog.Logger) *serveSenders {
	return &serveSenders{db: db, slack: bot.NewSender(db, api, a.clock(), c.Slack.Pace, log), mailer: mailSender(c, db, log, a.clock())}
}

func (s *serveSenders) run(ctx context.Context) {
	s.db.WakeOnQueue(func() {
		s.slack.Notify()
		if s.mailer != nil {
			s.mailer.Notify()
		}
	})
	defer s.db.WakeOnQueue(nil)
	if s.mailer != nil {
		mailDone := make(chan struct{})
		go func() { defer close(mailDone); s.mailer.Run(ctx) }()
		defer func() { <-mailDone }()
	}
	s.slack.Run(ctx)
}

// deliveryWords name a transport in a --post's account: who accepted
// ("Slack", "The mail server (smtp.example.org:587)"), who took nothing
// ("Slack", "The mail server") and what it carries ("message", "e-mail").
type deliveryWords struct {
	who, short, noun string
}

// deliverNow sends a --post's queued messages of one owner (ids) before
// the command exits, with the bot's own sender: paced, waiting as long as
// the transport asks, each message claimed before it is sent so that a bot
// serving the same database, or another --post, never sends it again. It
// says what the transport accepted (summariseDelivery).
//
// A message the transport does not take within the wait stays queued,
// pending or 'sending' with its next try set: the serving bot (or the
// next --post) sends it, looking first for an interrupted post. The
// sender gives up a message only after many more attempts than a wait
// allows.
func deliverNow(ctx context.Context, w io.Writer, db *store.DB, sender *outbox.Sender, words deliveryWords, ids []int64, wait, poll time.Duration) error {
	out, gaveUp, err := drainOutbox(ctx, db, sender, ids, wait, poll)
	if err != nil {
		return fmt.Errorf("deliver through %s: %w", words.short, err)
	}
	return summariseDelivery(w, words, out, gaveUp, wait)
}

// summariseDelivery writes the account of a --post's messages as they
// stand: how many the transport accepted, which failed and why, how many
// are left queued. An error says not every message was delivered.
func summariseDelivery(w io.Writer, words deliveryWords, out []*actionbot.Outgoing, gaveUp bool, wait time.Duration) error {
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
	fmt.Fprintf(w, "%s accepted %d of %s.\n", words.who, sent, actionbot.Plural(len(out), words.noun))
	if failed > 0 {
		fmt.Fprintf(w, "%d could not be delivered (/action admin failed lists them): %s.\n", failed, strings.Join(why, "; "))
	}
	if left > 0 && gaveUp {
		last := ""
		if lastErr != "" {
			last = " (last: " + lastErr + ")"
		}
		fmt.Fprintf(w, "%s took no %s for %s%s, so this gave up: %d still queued; a running bot, or the next --post, sends them.\n", words.short, words.noun, wait, last, left)
	} else if left > 0 {
		last := ""
		if lastErr != "" {
			last = "; last: " + lastErr
		}
		fmt.Fprintf(w, "%d still queued (%s asked to wait, or failed for now%s): a running bot, or the next --post, sends them.\n", left, words.short, last)
	}
	if failed > 0 || left > 0 {
		return actionbot.Errorf(actionbot.EINVALID, "Not every message was delivered.")
	}
	return nil
}

// drainOutbox steps sender (one pass over its owner's outbox) until every
// message of ids has left the queue, sent or failed, or none has left for
// wait: the wait runs from the last message the transport took, on the
// sender's clock, so a long run paced per conversation goes on and a
// transport that takes nothing is given up. Between passes it waits poll.
// It returns the messages as they stand, and whether it gave up; an error
// is the step's or the store's.
func drainOutbox(ctx context.Context, db *store.DB, sender *outbox.Sender, ids []int64, wait, poll time.Duration) (out []*actionbot.Outgoing, gaveUp bool, err error) {
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
		if out, err = db.OutgoingByID(ctx, ids); err != nil {
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
		case <-time.After(poll):
		}
	}
}
