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

// postWait is the longest --post waits for Slack to take its messages
// beyond the pace they are sent at.
const postWait = 2 * time.Minute

// deliverNow posts queued messages through Slack before the command exits,
// with the bot's own sender: paced per conversation, waiting as long as
// Slack asks after a 429, each message claimed before it is posted so that
// a bot serving the same database, or another --post, never posts it
// again. It says what Slack accepted.
func deliverNow(ctx context.Context, w io.Writer, sc *slackConfig, log *slog.Logger, db *store.DB, msgs []*actionbot.Outgoing) error {
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
	sender := &bot.Sender{Outbox: db, API: slack.New(sc.botToken, opts...), Logger: log, PerChannel: sc.pace}
	pace := sc.pace
	if pace <= 0 {
		pace = bot.DefaultPerChannel
	}
	deadline := time.Now().Add(postWait + time.Duration(len(ids))*pace)
	var out []*actionbot.Outgoing
	var err error
	for {
		if _, err := sender.Step(ctx); err != nil {
			return fmt.Errorf("post through Slack: %w", err)
		}
		if out, err = db.OutgoingByID(ctx, ids); err != nil {
			return err
		}
		left := 0
		for _, o := range out {
			if o.State == actionbot.OutboxPending || o.State == actionbot.OutboxSending {
				left++
			}
		}
		if left == 0 || time.Now().After(deadline) || ctx.Err() != nil {
			break
		}
		select {
		case <-ctx.Done():
		case <-time.After(min(pace, 250*time.Millisecond)):
		}
	}
	sent, failed, left := 0, 0, 0
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
		}
	}
	fmt.Fprintf(w, "Slack accepted %d of %s.\n", sent, actionbot.Plural(len(out), "message"))
	if failed > 0 {
		fmt.Fprintf(w, "%d could not be delivered (/action admin failed lists them): %s.\n", failed, strings.Join(why, "; "))
	}
	if left > 0 {
		fmt.Fprintf(w, "%d still waiting (Slack asked to wait, or failed for now): a running bot, or the next --post, sends them.\n", left)
	}
	if failed > 0 || left > 0 {
		return actionbot.Errorf(actionbot.EINVALID, "Not every message was delivered.")
	}
	return nil
}
