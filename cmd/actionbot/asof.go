package main

import (
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/internal/config"
	"github.com/sevenoaks-csp/actionbot/reminders"
	"github.com/sevenoaks-csp/actionbot/schedule"
)

// serve's -as-of runs the console on a clock that starts at an instant of
// the plan's year and runs forward, so that a newcomer sees the shipped
// plan, the digest and the reminders as the partnership did.

// startClock sets the bot's clock from -as-of: it starts at that instant
// and runs forward at speed times the wall clock's pace. Slack is refused:
// a bot on Slack lives in the present.
func (a *app) startClock(c *config.Config, asOf string, speed float64) error {
	if asOf == "" {
		if speed != 1 {
			return actionbot.Errorf(actionbot.EUSAGE, "-speed moves the -as-of clock: give -as-of too, e.g. -as-of 2012-11-05T08:29 -speed 60")
		}
		return nil
	}
	if c.Slack != nil {
		return actionbot.Errorf(actionbot.EUSAGE, "-as-of runs the console only: unset the Slack settings (SLACK_BOT_TOKEN and the others) to try the plan as it was")
	}
	if !(speed >= 1 && speed <= 100000) {
		return actionbot.Errorf(actionbot.EUSAGE, "-speed is how many times faster than the wall clock the console's clock runs, from 1 to 100000; %v is not", speed)
	}
	start, err := reminders.ParseInstant(asOf, a.wall, c.TZ, "", "")
	if err != nil {
		return err
	}
	a.moving = schedule.NewMovingClock(a.wall, speed, start)
	return nil
}

// clock is the bot's clock: the wall clock unless -as-of set another.
func (a *app) clock() func() time.Time {
	if a.moving != nil {
		return a.moving.Now
	}
	return a.wall
}
