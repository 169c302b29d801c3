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
	"github.com/sevenoaks-csp/actionbot/store"
)

// errNothingToPostTo refuses --post without Slack settings: there is
// nowhere to post, and nothing is recorded.
var errNothingToPostTo = actionbot.Errorf(actionbot.EINVALID,
	"There is nothing to post to: --post sends through Slack, and no Slack settings are given (SLACK_BOT_TOKEN with SLACK_APP_TOKEN or SLACK_SIGNING_SECRET). Nothing was recorded. Run without --post to see the messages as they would be posted.")

// checkPost checks, before anything is recorded, that --post has Slack to
// post to: sc is the configuration's (nil without Slack settings).
func checkPost(sc *slackConfig) error {
	if sc == nil {
		return errNothingToPostTo
	}
	return nil
}

// defaultPostWait is how long --post goes on trying while Slack takes
// none of its messages (ACTIONBOT_POST_WAIT, at most a minute): then it
// gives up, exits non-zero, and leaves what is left queued for the serving
// bot. While Slack takes them it goes on as long as the pace needs.
const defaultPostWait = 30 * time.Second

// postTimeout bounds each call to Slack a --post makes: an unreachable
// Slack cannot hold the command past its wait by much.
const postTimeout = 10 * time.Second

// loadPostWait reads ACTIONBOT_POST_WAIT.
func loadPostWait(env getenv) (time.Duration, error) {
	v := strings.TrimSpace(env("ACTIONBOT_POST_WAIT"))
	if v == "" {
		return defaultPostWait, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 || d > time.Minute {
		return 0, fmt.Errorf("ACTIONBOT_POST_WAIT=%q is not a duration from 1s to 1m such as %s", v, defaultPostWait)
	}
	return d, nil
}

// deliverNow posts queued messages through Slack before the command exits,
// with the bot's own sender: paced per conversation, waiting as long as
// Slack asks after a 429, each message claimed before it is posted so that
// a bot serving the same database, or another --post, never posts it
// again. It says what Slack accepted.
func deliverNow(ctx context.Context, w io.Writer, sc *slackConfig, log *slog.Logger, db *store.DB, msgs []*actionbot.Outgoing) error {
	// A message Slack does not take within the wait stays queued, pending
	// or 'sending' with its next try set: the serving bot (or the next
	// --post) sends it, looking first for an interrupted post. The sender
	// gives up a message only after many more attempts than a wait allows.
	var ids []int64
	for _, m := range msgs {
		if m.ID != 0 {
			ids = append(ids, m.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	if sc == nil {
		return errNothingToPostTo
	}
	opts := []slack.Option{slack.OptionLog(slog.NewLogLogger(log.Handler(), slog.LevelDebug))}
	if sc.apiURL != "" {
		opts = append(opts, slack.OptionAPIURL(sc.apiURL))
	}
	sender := &bot.Sender{Outbox: db, API: slack.New(sc.botToken, opts...), Logger: log, PerChannel: sc.pace, PostTimeout: postTimeout}
	pace := sc.pace
	if pace <= 0 {
		pace = bot.DefaultPerChannel
	}
	wait := sc.postWait
	if wait <= 0 {
		wait = defaultPostWait
	}
	out, gaveUp, err := drainOutbox(ctx, db, ids, wait, min(pace, 250*time.Millisecond), func(ctx context.Context) error {
		_, err := sender.Step(ctx)
		return err
	})
	if err != nil {
		return fmt.Errorf("post through Slack: %w", err)
	}
	sent, failed, left := 0, 0, 0
	var why []string
	lastErr := ""
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
	fmt.Fprintf(w, "Slack accepted %d of %s.\n", sent, actionbot.Plural(len(out), "message"))
	if failed > 0 {
		fmt.Fprintf(w, "%d could not be delivered (/action admin failed lists them): %s.\n", failed, strings.Join(why, "; "))
	}
	if left > 0 && gaveUp {
		last := ""
		if lastErr != "" {
			last = " (last: " + lastErr + ")"
		}
		fmt.Fprintf(w, "Slack took no message for %s%s, so this gave up: %d still queued; a running bot, or the next --post, sends them.\n", wait, last, left)
	} else if left > 0 {
		fmt.Fprintf(w, "%d still queued (Slack asked to wait, or failed for now): a running bot, or the next --post, sends them.\n", left)
	}
	if failed > 0 || left > 0 {
		return actionbot.Errorf(actionbot.EINVALID, "Not every message was delivered.")
	}
	return nil
}

// drainOutbox runs step (a sender's one pass over the outbox) until every
// message of ids has left the queue, sent or failed, or none has left for
// wait: the wait runs from the last message the server took, so a long run
// paced per conversation goes on and a server that takes nothing is given
// up. Between passes it waits poll. It returns the messages as they stand,
// and whether it gave up; an error is the step's or the store's.
func drainOutbox(ctx context.Context, db *store.DB, ids []int64, wait, poll time.Duration, step func(context.Context) error) (out []*actionbot.Outgoing, gaveUp bool, err error) {
	progress, lastLeft := time.Now(), len(ids)
	for {
		// A step stops between messages at the wait's end; a call in hand
		// finishes within its own timeout.
		stepCtx, cancel := context.WithDeadline(ctx, progress.Add(wait))
		serr := step(stepCtx)
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
			progress, lastLeft = time.Now(), left
		}
		if left == 0 || ctx.Err() != nil {
			return out, false, nil
		}
		if time.Since(progress) >= wait {
			return out, true, nil
		}
		select {
		case <-ctx.Done():
		case <-time.After(poll):
		}
	}
}
