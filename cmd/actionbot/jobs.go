package main

import (
	"errors"

	"github.com/sevenoaks-csp/actionbot/reminders"
)

// jobSettings are the background jobs' settings, read once by serve before
// anything starts, every problem reported at once, and handed to the jobs.
type jobSettings struct {
	remind         *remindConfig
	quarterly      *quarterlySettings
	quarterlySched reminders.Schedule // nil when the quarterly paper is off
	pprofAddr      string
}

func loadJobSettings(env getenv, c *Config) (*jobSettings, error) {
	s := &jobSettings{}
	var errR, errQ, errP error
	s.remind, errR = loadRemindConfig(env, c)
	s.quarterly, s.quarterlySched, errQ = loadQuarterly(env)
	s.pprofAddr, errP = loadPprofAddr(env)
	if err := errors.Join(errQ, errR, errP); err != nil {
		return nil, err
	}
	return s, nil
}
