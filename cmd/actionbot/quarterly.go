package main

import (
	"context"
	"os"
	"time"

	"github.com/sevenoaks-csp/actionbot/internal/config"
	"github.com/sevenoaks-csp/actionbot/report"
	"github.com/sevenoaks-csp/actionbot/store"
)

// quarterlyRun is the quarterly paper's job for the bot's runner, which
// runs it on its schedule and once at start, so that a paper due while the
// bot was stopped is still made; nil when the job is off.
func quarterlyRun(c *config.Config, db *store.DB) func(ctx context.Context, now time.Time) {
	// os.Stderr, as startJobs logs: safe to share with the other jobs.
	log := newLogger(c, os.Stderr).With("job", "quarterly")
	s, sched := c.Jobs.Quarterly, c.Jobs.QuarterlySched // read and checked by serve
	if sched == nil {
		return nil
	}
	if s.Channel == "" && c.Slack == nil {
		s.Channel = config.ConsoleChannel // the console prints what is posted to it, as the digest's
	}
	cal := c.Jobs.Remind.Rules.Calendar
	if s.Channel == "" {
		log.Warn("the quarterly headline has no channel: set ACTIONBOT_TASKING_CHANNEL")
	}
	job := &report.QuarterlyJob{Store: db, Channel: s.Channel, Dir: s.Dir, NextWorkingDay: cal.NextWorkingDay, Rules: c.RAG, Logger: log}
	return job.Scheduled(c.TZ)
}
