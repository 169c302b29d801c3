package main

import (
	"flag"
	"fmt"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/internal/config"
	"github.com/sevenoaks-csp/actionbot/reminders"
	"github.com/sevenoaks-csp/actionbot/schedule"
)

// asOfFlag is serve's -as-of: the console on a clock that starts at an
// instant of the plan's year and runs forward, so that a newcomer sees the
// shipped plan, the digest and the reminders as the partnership did.
func asOfFlag(fs *flag.FlagSet) *string {
	return fs.String("as-of", "", "console only: run on a clock that starts at this `instant` in ACTIONBOT_TZ (such as 2012-11-05T08:29) and runs forward")
}

// speedFlag is serve's -speed: how many times faster than the wall clock
// the -as-of clock runs.
func speedFlag(fs *flag.FlagSet) *float64 {
	return fs.Float64("speed", 1, "console only, with -as-of: run the clock this many times faster than the wall clock (60: a minute a second)")
}

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
	start, err := parseAsOf(asOf, a.wall, c.TZ, "", "")
	if err != nil {
		return err
	}
	a.moving = schedule.NewMovingClock(a.wall, speed, start)
	a.now = a.moving.Now
	return nil
}

// clock is the bot's clock: the wall clock unless -as-of set another.
func (a *app) clock() func() time.Time {
	if a.now != nil {
		return a.now
	}
	return a.wall
}

// bannerNote adds a line under the console's banner: the clock it runs
// on, or, when the plan's year is over, that it has ended and how to try
// it as it was; nothing otherwise.
func (a *app) bannerNote(c *config.Config, plan *actionbot.Plan) {
	now := a.clock()().In(c.TZ)
	switch {
	case a.now != nil:
		fmt.Fprintf(a.stdout, "The clock starts at %s and runs forward: the digest and the reminders go out on that day's timetable, from the plan as it is now.\n\n", reminders.WhenText(now))
	case actionbot.DateOf(now).After(plan.Period.End):
		fmt.Fprintf(a.stdout, "%s\n\n", reminders.PlanEndedText(plan))
	}
}
