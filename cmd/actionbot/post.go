package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/slack-go/slack"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/bot"
	"github.com/sevenoaks-csp/actionbot/internal/config"
	"github.com/sevenoaks-csp/actionbot/outbox"
	"github.com/sevenoaks-csp/actionbot/store"
)

// checkPost checks, before anything is recorded, that --post has Slack to
// post to: sc is the configuration's (nil without Slack settings). Without
// it there is nowhere to post, and nothing is recorded.
func checkPost(sc *config.Slack) error {
	if sc != nil {
		return nil
	}
	return actionbot.Errorf(actionbot.EINVALID, "There is nothing to post to: --post sends through Slack, and no Slack settings are given (SLACK_BOT_TOKEN with SLACK_APP_TOKEN or SLACK_SIGNING_SECRET). Nothing was recorded. Run without --post to see the messages as they would be posted.")
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
	s := bot.NewSender(db, slack.New(sc.BotToken, opts...), sc.Command, db.Now, sc.Pace, log)
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
	return &serveSenders{db: db, slack: bot.NewSender(db, api, c.Slack.Command, a.clock(), c.Slack.Pace, log), mailer: mailSender(c, db, log, a.clock())}
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
