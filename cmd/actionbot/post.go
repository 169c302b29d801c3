package main

import (
	"log/slog"
	"time"

	"github.com/slack-go/slack"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/bot"
	"github.com/sevenoaks-csp/actionbot/internal/config"
	"github.com/sevenoaks-csp/actionbot/outbox"
	"github.com/sevenoaks-csp/actionbot/store"
)

// checkPost checks, before anything is recorded, that a --post has Slack
// or a mail server to send through. Without either there is nowhere to
// post, and nothing is recorded.
func (a *app) checkPost() error {
	if !a.opt.post || a.c.Slack != nil || a.c.Mail != nil {
		return nil
	}
	return actionbot.Errorf(actionbot.EINVALID, "There is nothing to post to: --post sends through Slack, and no Slack settings are given (SLACK_BOT_TOKEN with SLACK_APP_TOKEN or SLACK_SIGNING_SECRET). Nothing was recorded. Run without --post to see the messages as they would be posted.")
}

// postTimeout bounds each call to Slack a --post makes: an unreachable
// Slack cannot hold the command past its wait by much.
const postTimeout = 10 * time.Second

// slackAPI is a client of Slack on sc's settings, logging to log.
func slackAPI(sc *config.Slack, log *slog.Logger) *slack.Client {
	opts := []slack.Option{slack.OptionLog(slog.NewLogLogger(log.Handler(), slog.LevelDebug))}
	if sc.APIURL != "" {
		opts = append(opts, slack.OptionAPIURL(sc.APIURL))
	}
	if sc.AppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(sc.AppToken))
	}
	return slack.New(sc.BotToken, opts...)
}

// postSlackSender is Slack's delivery loop for a --post: its own client to Slack,
// each call bounded by postTimeout.
func postSlackSender(sc *config.Slack, db *store.DB, log *slog.Logger) *outbox.Sender {
	s := bot.NewSender(db, slackAPI(sc, log), sc.Command, db.Now, sc.Pace, log)
	s.Timeout = postTimeout
	return s
}
