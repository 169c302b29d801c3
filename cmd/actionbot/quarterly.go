package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot/bot"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/reminders"
	"github.com/sevenoaks-csp/actionbot/report"
	"github.com/sevenoaks-csp/actionbot/store"
)

// The quarterly monitoring paper is made by serve on the first working day
// after each quarter ends: ACTIONBOT_QUARTERLY_CRON says when the job looks
// (default 08:30 every day, in ACTIONBOT_TZ; "off" stops it), the headline
// goes to ACTIONBOT_TASKING_CHANNEL (or ACTIONBOT_DIGEST_CHANNEL) and the
// HTML paper to ACTIONBOT_REPORT_DIR when set.
const defaultQuarterlyCron = "30 8 * * *"

// quarterlySettings are the job's settings.
type quarterlySettings struct {
	spec, channel, dir string
}

func loadQuarterly(env getenv) (*quarterlySettings, reminders.Schedule, error) {
	s := &quarterlySettings{spec: strings.TrimSpace(or(env("ACTIONBOT_QUARTERLY_CRON"), defaultQuarterlyCron)), dir: strings.TrimSpace(env("ACTIONBOT_REPORT_DIR"))}
	if strings.EqualFold(s.spec, "off") {
		return s, nil, nil
	}
	sched, err := reminders.ParseSchedule(s.spec)
	if err != nil {
		return nil, nil, fmt.Errorf("ACTIONBOT_QUARTERLY_CRON=%q is not a cron schedule like %q (minute hour day-of-month month day-of-week, in ACTIONBOT_TZ), or off: %w", s.spec, defaultQuarterlyCron, err)
	}
	for _, name := range []string{"ACTIONBOT_TASKING_CHANNEL", "ACTIONBOT_DIGEST_CHANNEL"} {
		if v := strings.TrimSpace(env(name)); v != "" {
			// A channel copied from Slack (<#C0123ABCD|tasking>) is taken too.
			id, ok := commands.ParseChannel(bot.PlainText(v))
			if !ok {
				return nil, nil, fmt.Errorf("%s=%q is not a Slack channel ID such as C0123ABCDEF", name, v)
			}
			s.channel = id
			break
		}
	}
	if s.dir != "" {
		if st, err := os.Stat(s.dir); err != nil || !st.IsDir() {
			return nil, nil, fmt.Errorf("ACTIONBOT_REPORT_DIR=%q is not a directory the quarterly paper can be written to", s.dir)
		}
	}
	return s, sched, nil
}

// quarterlyRun is the quarterly paper's job for the bot's runner, which
// runs it on its schedule and once at start, so that a paper due while the
// bot was stopped is still made; nil when the job is off.
func quarterlyRun(a *app, c *Config, db *store.DB) func(ctx context.Context, now time.Time) {
	// os.Stderr, as startJobs logs: safe to share with the other jobs.
	log := newLogger(c, os.Stderr).With("job", "quarterly")
	s, sched := a.jobs.quarterly, a.jobs.quarterlySched // read and checked by serve
	if sched == nil {
		return nil
	}
	if s.channel == "" && c.Slack == nil {
		s.channel = consoleChannel // the console prints what is posted to it, as the digest's
	}
	cal := a.jobs.remind.rules.Calendar
	if s.channel == "" {
		log.Warn("the quarterly headline has no channel: set ACTIONBOT_TASKING_CHANNEL")
	}
	job := &report.QuarterlyJob{Store: db, Channel: s.channel, Dir: s.dir, NextWorkingDay: cal.NextWorkingDay, Rules: c.RAG, Logger: log}
	return func(ctx context.Context, now time.Time) {
		if _, err := job.Run(ctx, now.In(c.TZ)); err != nil {
			log.Error("quarterly report", "err", err)
		}
	}
}
