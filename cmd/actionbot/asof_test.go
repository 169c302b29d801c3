package main

import (
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// TestConsoleLongAfterThePlanEnded: a fresh database started on a working
// day long after the shipped plan's year, with members registered, posts
// no reminder and no escalation; the console says in one line that the
// plan has ended, and its first answer is the next thing it prints.
func TestConsoleLongAfterThePlanEnded(t *testing.T) {
	c := newRemindCLI(t, nil)
	c.fixNow(time.Date(2026, 11, 26, 10, 0, 0, 0, storetest.London)) // a Thursday
	c.mustRun("member", "add", "U0CSU1", "CSU")
	c.mustRun("member", "add", "U0POL1", "Kent Police")
	code, out, errs := c.run("/action 5.2\n", "serve")
	if code != 0 {
		t.Fatalf("serve: exit %d\n%s\n%s", code, out, errs)
	}
	_, rest, ok := strings.Cut(out, "/quit leaves.\n\n")
	if !ok {
		t.Fatalf("no banner:\n%s", out)
	}
	note, answer, _ := strings.Cut(rest, "\n\n")
	if !strings.HasPrefix(note, "Sevenoaks District CSP Action Plan 2012-13 ended on Sun 31 Mar 2013: it gets no more reminders.") || strings.Count(note, "\n") != 0 ||
		!strings.Contains(note, "actionbot -as-of 2012-11-05T08:29") {
		t.Errorf("the line after the banner:\n%s", note)
	}
	if !strings.HasPrefix(answer, "5.2 Promote Speedwatch") {
		t.Errorf("the first answer is not the next thing printed:\n%s", answer)
	}
	if strings.Contains(out, "posted to") || len(c.outbox()) != 0 {
		t.Errorf("the console posted %d messages:\n%s", len(c.outbox()), out)
	}
}

// TestConsoleAsOf: -as-of runs the console on a clock that starts at an
// instant of the plan's year: started at 09:05 on Monday 5 November 2012,
// the day's digest and the sweep's reminders go out, as they did.
func TestConsoleAsOf(t *testing.T) {
	c := newRemindCLI(t, nil)
	c.mustRun("member", "add", "U0CSU1", "CSU")
	code, out, errs := c.run("/action 5.2\n", "-as-of", "2012-11-05T09:05")
	if code != 0 {
		t.Fatalf("serve -as-of: exit %d\n%s\n%s", code, out, errs)
	}
	for _, want := range []string{
		"The clock starts at Mon 5 Nov 2012 09:05 GMT and runs forward",
		"Deadline: March 2012 (31 Mar 2012) — 219 days overdue",
		"── posted to #CCONSOLE (digest) ──\nDaily tasking digest — Mon 5 Nov 2012",
		"── posted to @U0CSU1 (direct message) (reminder) ──\nYour reminders — Mon 5 Nov 2012",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the console does not show %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "ended on Sun 31 Mar 2013") {
		t.Errorf("on the -as-of clock the plan has not ended:\n%s", out)
	}
	// Slack lives in the present.
	c.env["SLACK_BOT_TOKEN"], c.env["SLACK_SIGNING_SECRET"] = "xoxb-1111-not-a-real-token", "not-a-real-secret"
	if code, _, errs := c.run("", "-as-of", "2012-11-05T09:05"); code != 2 || !strings.Contains(errs, "-as-of runs the console only") {
		t.Errorf("-as-of with Slack: exit %d, %q", code, errs)
	}
}

// /next jumps the -as-of clock to the next scheduled run and shows what it
// sent: the morning's digest and the reminders need no half-hour wait.
func TestConsoleNextJumpsToTheNextRunAndShowsWhatGoesOut(t *testing.T) {
	c := newRemindCLI(t, nil)
	c.mustRun("member", "add", "U0CSU1", "CSU")
	code, out, errs := c.run("/next\n/next\n", "-as-of", "2012-11-05T08:29")
	if code != 0 {
		t.Fatalf("serve -as-of: exit %d\n%s\n%s", code, out, errs)
	}
	digest := strings.Index(out, "⏩ The clock is now Mon 5 Nov 2012 08:30 GMT: the daily tasking digest ran.")
	posted := strings.Index(out, "── posted to #CCONSOLE (digest) ──\nDaily tasking digest — Mon 5 Nov 2012")
	sweep := strings.Index(out, "⏩ The clock is now Mon 5 Nov 2012 09:00 GMT: the reminders' sweep ran.")
	reminded := strings.Index(out, "── posted to @U0CSU1 (direct message) (reminder) ──\nYour reminders — Mon 5 Nov 2012")
	if digest < 0 || posted < digest || sweep < posted || reminded < sweep {
		t.Fatalf("want the digest's jump, the digest, the sweep's jump and the reminder, in that order (%d %d %d %d):\n%s", digest, posted, sweep, reminded, out)
	}
	if n := strings.Count(out, "Daily tasking digest — Mon 5 Nov 2012"); n != 1 {
		t.Errorf("the digest was printed %d times", n)
	}
}

func TestConsoleSpeedAndNextNeedAnAsOfClock(t *testing.T) {
	c := newRemindCLI(t, nil)
	if code, _, errs := c.run("", "-speed", "60"); code != 2 || !strings.Contains(errs, "-speed moves the -as-of clock") {
		t.Errorf("-speed alone: exit %d, %s", code, errs)
	}
	if code, _, errs := c.run("", "-as-of", "2012-11-05T08:29", "-speed", "0"); code != 2 || !strings.Contains(errs, "from 1 to 100000") {
		t.Errorf("-speed 0: exit %d, %s", code, errs)
	}
	if _, out, _ := c.run("/next\n"); !strings.Contains(out, "start the console with -as-of") {
		t.Errorf("/next on the wall clock:\n%s", out)
	}
}
