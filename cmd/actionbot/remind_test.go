package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// remindCLI runs the command line against a database file in a temporary
// directory, with the environment given.
type remindCLI struct {
	tb  testing.TB
	db  string
	env map[string]string
}

func newRemindCLI(tb testing.TB, env map[string]string) *remindCLI {
	tb.Helper()
	c := &remindCLI{tb: tb, db: filepath.Join(tb.TempDir(), "actionbot.db"), env: map[string]string{}}
	for k, v := range env {
		c.env[k] = v
	}
	c.env["ACTIONBOT_DB"] = c.db
	// digest and remind never create a database: make it first, with
	// settings that are good whatever the test's are.
	init := &invocation{env: map[string]string{"ACTIONBOT_DB": c.db}}
	init.mustInit(tb)
	return c
}

// run runs actionbot with args and stdin, returning the exit code and the
// output.
func (c *remindCLI) run(stdin string, args ...string) (code int, stdout, stderr string) {
	c.tb.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errb, func(k string) string { return c.env[k] })
	if tok := c.env["SLACK_BOT_TOKEN"]; tok != "" && (strings.Contains(out.String(), tok) || strings.Contains(errb.String(), tok)) {
		c.tb.Errorf("the bot token appears in the output of %v", args)
	}
	return code, out.String(), errb.String()
}

func (c *remindCLI) mustRun(args ...string) string {
	c.tb.Helper()
	code, out, errs := c.run("", args...)
	if code != 0 {
		c.tb.Fatalf("actionbot %v: exit %d\nstdout:\n%s\nstderr:\n%s", args, code, out, errs)
	}
	return out
}

// outbox opens the database and returns its outbox.
func (c *remindCLI) outbox() []*actionbot.Outgoing {
	c.tb.Helper()
	db := store.NewDB(c.db)
	if err := db.Open(); err != nil {
		c.tb.Fatalf("open %s: %v", c.db, err)
	}
	defer db.Close()
	out, err := db.Outgoing(context.Background(), "", 100000)
	if err != nil {
		c.tb.Fatal(err)
	}
	return out
}

func remindCountKind(out []*actionbot.Outgoing, kind string, state actionbot.OutboxState) int {
	n := 0
	for _, o := range out {
		if o.Kind == kind && o.State == state {
			n++
		}
	}
	return n
}

func fixRemindNow(tb testing.TB, t time.Time) {
	old := remindNow
	remindNow = func() time.Time { return t }
	tb.Cleanup(func() { remindNow = old })
}

func TestRemindConfigErrors(t *testing.T) {
	tests := []struct {
		name, variable, value string
	}{
		{"ladder not numbers", "ACTIONBOT_REMIND_DAYS", "four weeks"},
		{"ladder negative", "ACTIONBOT_REMIND_DAYS", "7,-1"},
		{"sweep schedule", "ACTIONBOT_REMIND_CRON", "every morning"},
		{"digest schedule", "ACTIONBOT_DIGEST_CRON", "99 8 * * *"},
		{"escalation zero", "ACTIONBOT_ESCALATE_AFTER", "0"},
		{"escalation words", "ACTIONBOT_ESCALATE_AFTER", "two weeks"},
		{"stale days zero", "ACTIONBOT_STALE_DAYS", "0"},
		{"digest channel by name", "ACTIONBOT_DIGEST_CHANNEL", "#tasking"},
		{"tasking channel a user", "ACTIONBOT_TASKING_CHANNEL", "U0123"},
		{"division", "ACTIONBOT_HOLIDAY_DIVISION", "wales"},
		{"holidays file missing", "ACTIONBOT_HOLIDAYS_FILE", "/nonexistent/bank-holidays.json"},
		{"time zone", "ACTIONBOT_TZ", "GMT+1 in summer"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, cmd := range []string{"remind", "digest"} {
				c := newRemindCLI(t, map[string]string{tc.variable: tc.value})
				code, out, errs := c.run("", cmd, "--as-of", "2013-03-01")
				if code != 1 || !strings.Contains(errs, tc.variable) {
					t.Errorf("%s with %s=%q: exit %d, stderr %q; want exit 1 naming the variable", cmd, tc.variable, tc.value, code, errs)
				}
				if out != "" {
					t.Errorf("%s with a bad setting printed %q", cmd, out)
				}
			}
		})
	}
}

func TestRemindConfig(t *testing.T) {
	holidays := filepath.Join(t.TempDir(), "bank-holidays.json")
	if err := os.WriteFile(holidays, []byte(`{"scotland": {"division": "scotland", "events": [{"title": "St Andrew's Day", "date": "2030-12-02", "notes": "", "bunting": true}]}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name                          string
		env                           map[string]string
		remindCron, digestCron        string
		digestChannel, taskingChannel string
		days                          []int
		escalate, stale               int
		division                      string
		console                       bool
	}{
		{
			name: "console defaults", env: map[string]string{},
			remindCron: "0 9 * * 1-5", digestCron: "30 8 * * 1-5", digestChannel: "CCONSOLE", taskingChannel: "CCONSOLE",
			days: []int{28, 14, 7, 1, 0}, escalate: 14, stale: 30, division: "england-and-wales", console: true,
		},
		{
			name: "Slack without channels: no digest, no tasking channel", env: map[string]string{"SLACK_BOT_TOKEN": "xoxb-not-real"},
			remindCron: "0 9 * * 1-5", digestCron: "", digestChannel: "", taskingChannel: "",
			days: []int{28, 14, 7, 1, 0}, escalate: 14, stale: 30, division: "england-and-wales",
		},
		{
			name:       "Slack with a digest channel: tasking defaults to it",
			env:        map[string]string{"SLACK_BOT_TOKEN": "xoxb-not-real", "ACTIONBOT_DIGEST_CHANNEL": "<#C0DIGEST|tasking>"},
			remindCron: "0 9 * * 1-5", digestCron: "30 8 * * 1-5", digestChannel: "C0DIGEST", taskingChannel: "C0DIGEST",
			days: []int{28, 14, 7, 1, 0}, escalate: 14, stale: 30, division: "england-and-wales",
		},
		{
			name: "everything set",
			env: map[string]string{"SLACK_BOT_TOKEN": "xoxb-not-real", "ACTIONBOT_DIGEST_CHANNEL": "C0DIGEST", "ACTIONBOT_TASKING_CHANNEL": "G0TASKING",
				"ACTIONBOT_REMIND_CRON": "15 10 * * 1-5", "ACTIONBOT_DIGEST_CRON": "off", "ACTIONBOT_REMIND_DAYS": "0,7,21,7",
				"ACTIONBOT_ESCALATE_AFTER": "21", "ACTIONBOT_STALE_DAYS": "45", "ACTIONBOT_HOLIDAYS_FILE": holidays, "ACTIONBOT_HOLIDAY_DIVISION": "scotland"},
			remindCron: "15 10 * * 1-5", digestCron: "", digestChannel: "C0DIGEST", taskingChannel: "G0TASKING",
			days: []int{21, 7, 0}, escalate: 21, stale: 45, division: "scotland",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := func(k string) string { return tc.env[k] }
			c, err := loadConfig(env)
			if err != nil {
				t.Fatal(err)
			}
			rc, err := loadRemindConfig(env, c)
			if err != nil {
				t.Fatal(err)
			}
			if rc.remindCron != tc.remindCron || rc.digestCron != tc.digestCron || rc.digestChannel != tc.digestChannel || rc.taskingChannel != tc.taskingChannel ||
				!slices.Equal(rc.rules.Days, tc.days) || rc.rules.EscalateAfter != tc.escalate || rc.rules.StaleDays != tc.stale ||
				rc.rules.Calendar.Division() != tc.division || rc.console != tc.console || rc.rules.Location.String() != "Europe/London" {
				t.Errorf("config: %+v (days %v, escalate %d, stale %d, division %s)", rc, rc.rules.Days, rc.rules.EscalateAfter, rc.rules.StaleDays, rc.rules.Calendar.Division())
			}
		})
	}
}

func TestRemindCommand(t *testing.T) {
	c := newRemindCLI(t, nil)
	c.mustRun("member", "add", "U0CSU1", "CSU")
	c.mustRun("member", "add", "U0POL1", "Kent Police")

	t.Run("preview", func(t *testing.T) {
		out := c.mustRun("remind", "--as-of", "2013-03-01")
		for _, want := range []string{
			"Reminders due at Fri 1 Mar 2013 09:00 GMT (Europe/London): 40.",
			"\n3.2 Work with Town & Parish Councils and National Trust to redu… — 28 days before (due Sun 31 Mar 2013, in 30 days)\n    → @U0CSU1, direct message (CSU)\n",
			"\n5.7 Work with communities to identify long term road safety iss… — 28 days before (due Sun 31 Mar 2013, in 30 days)\n    → @U0POL1, direct message (POLICE)\n    → #CCONSOLE (nobody registered for HIGHWAYS)\n",
			"\n1.3 Where possible, work with families rather than individuals… — week 48 overdue (due Sat 31 Mar 2012, 335 days overdue), escalated\n    → #CCONSOLE, escalation naming ASBTG, KCC-CFE; nobody registered for ASBTG, KCC-CFE\n    52 earlier steps not sent and superseded.\n",
			"\n1.1 Implement risk assessments for ASB reports and ensure high… — check-in 11 (ongoing, no update for 334 days)\n    → @U0CSU1, direct message (CSU)\n",
			"Nothing was sent: run with --post to send them.",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("remind output lacks %q:\n%s", want, out)
			}
		}
		if n := len(c.outbox()); n != 0 {
			t.Errorf("a preview queued %d messages", n)
		}
	})
	t.Run("post, in the console", func(t *testing.T) {
		out := c.mustRun("remind", "--as-of", "2013-03-01", "--post")
		box := c.outbox()
		if len(box) == 0 || remindCountKind(box, "reminder", actionbot.OutboxSent)+remindCountKind(box, "escalation", actionbot.OutboxSent) != len(box) {
			t.Fatalf("after --post in the console the outbox holds %d messages, not all printed as sent", len(box))
		}
		for _, want := range []string{"Sent: 40 reminders", "── posted to @U0CSU1 (direct message) (reminder) ──", "⏰ Reminder: 3.2 is due in 30 days, on Sun 31 Mar 2013 (“March 2013”).",
			"── posted to #CCONSOLE (escalation) ──", "[Mark done] [Update progress] [Snooze 7 days]"} {
			if !strings.Contains(out, want) {
				t.Errorf("remind --post output lacks %q", want)
			}
		}
		if got := strings.Count(out, "── posted to "); got != len(box) {
			t.Errorf("%d posts printed for %d messages", got, len(box))
		}
	})
	t.Run("post again", func(t *testing.T) {
		n := len(c.outbox())
		out := c.mustRun("remind", "--as-of", "2013-03-01T09:30", "--post")
		if !strings.Contains(out, "Reminders due at Fri 1 Mar 2013 09:30 GMT (Europe/London): 0.") || !strings.Contains(out, "Already sent: the due step of 40 actions.") ||
			strings.Contains(out, "posted to") {
			t.Errorf("a second --post:\n%s", out)
		}
		if got := len(c.outbox()); got != n {
			t.Errorf("a second --post queued %d more", got-n)
		}
	})
	t.Run("a weekend", func(t *testing.T) {
		out := c.mustRun("remind", "--as-of", "2013-03-02")
		if !strings.Contains(out, "Sat 2 Mar 2013 is not a working day") || !strings.Contains(out, "the next working day is Mon 4 Mar 2013") {
			t.Errorf("remind on a Saturday:\n%s", out)
		}
	})
	t.Run("a bad instant", func(t *testing.T) {
		code, _, errs := c.run("", "remind", "--as-of", "1 March")
		if code != 2 || !strings.Contains(errs, "--as-of") {
			t.Errorf("remind --as-of '1 March': exit %d, %q", code, errs)
		}
	})
}

func TestRemindWithNowhereToGo(t *testing.T) {
	c := newRemindCLI(t, map[string]string{"SLACK_BOT_TOKEN": "xoxb-1111-not-a-real-token"})
	out := c.mustRun("remind", "--as-of", "2013-03-01", "--post")
	for _, want := range []string{
		"\n7.3 At least 3 perpetrators to complete the full Community Dome… — 28 days before (due Sun 31 Mar 2013, in 30 days)\n    ⚠ 7.3: nobody is registered for STGILES, and there is no task-group channel for priority 7 and no tasking channel to send the reminder to instead\n    ⚠ Not sent: it stays due, and is reported each sweep, until it has somewhere to go.\n",
		"40 reminders with nowhere to go",
		"Sent: 0 reminders, 0 messages queued.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	c.mustRun("member", "add", "U0STG1", "St Giles Trust")
	code, out, errs := c.run("", "remind", "--as-of", "2013-03-01", "--post")
	if code != 0 || !strings.Contains(out, "→ @U0STG1, direct message (STGILES)") || !strings.Contains(out, "Sent: 1 reminder, 1 message queued.") {
		t.Fatalf("once someone is registered: exit %d\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(errs, "level=WARN") || !strings.Contains(errs, "action=3.2") || !strings.Contains(errs, "CSU") {
		t.Errorf("no warning naming the undeliverable action and agency:\n%s", errs)
	}
	// With Slack configured the reminder waits in the outbox for the bot.
	box := c.outbox()
	if len(box) != 1 || box[0].To != "U0STG1" || box[0].State != actionbot.OutboxPending || strings.Contains(out, "posted to") {
		t.Errorf("outbox %+v; want one pending direct message for the running bot to send", box)
	}
}

func TestDigestCommand(t *testing.T) {
	t.Run("preview, post once, in the console", func(t *testing.T) {
		c := newRemindCLI(t, nil)
		out := c.mustRun("digest", "--as-of", "2012-11-05T08:30")
		for _, want := range []string{"The digest for Mon 5 Nov 2012 08:30 GMT, as it would be posted to #CCONSOLE:", "Daily tasking digest — Mon 5 Nov 2012",
			"changes since Fri 2 Nov 08:30", "Overdue (17), most overdue first", "🔴 2.3 ", "No changes since Fri 2 Nov 08:30.", "RAG by priority"} {
			if !strings.Contains(out, want) {
				t.Errorf("digest preview lacks %q:\n%s", want, out)
			}
		}
		if n := len(c.outbox()); n != 0 {
			t.Errorf("a preview queued %d messages", n)
		}
		out = c.mustRun("digest", "--as-of", "2012-11-05", "--post") // a date alone: the scheduled 08:30
		if !strings.Contains(out, "── posted to #CCONSOLE (digest) ──\nDaily tasking digest — Mon 5 Nov 2012") {
			t.Errorf("digest --post in the console:\n%s", out)
		}
		box := c.outbox()
		if len(box) != 1 || box[0].Key != "digest:2012-11-05" || box[0].State != actionbot.OutboxSent {
			t.Errorf("outbox after --post: %+v", box)
		}
		out = c.mustRun("digest", "--as-of", "2012-11-05T12:00", "--post")
		if !strings.Contains(out, "The digest for Mon 5 Nov 2012 has already been posted") || strings.Contains(out, "posted to") {
			t.Errorf("a second --post:\n%s", out)
		}
		if n := len(c.outbox()); n != 1 {
			t.Errorf("%d messages after a second --post", n)
		}
	})
	t.Run("with Slack it is queued for the bot", func(t *testing.T) {
		c := newRemindCLI(t, map[string]string{"SLACK_BOT_TOKEN": "xoxb-2222-not-a-real-token", "ACTIONBOT_DIGEST_CHANNEL": "C0DIGEST"})
		out := c.mustRun("digest", "--as-of", "2012-11-05T08:30", "--post")
		if !strings.Contains(out, "Queued for #C0DIGEST: the running bot posts it.") {
			t.Errorf("digest --post with Slack:\n%s", out)
		}
		box := c.outbox()
		if len(box) != 1 || box[0].To != "C0DIGEST" || box[0].State != actionbot.OutboxPending || !box[0].Message.Public {
			t.Errorf("outbox: %+v", box)
		}
	})
	t.Run("with Slack and no digest channel", func(t *testing.T) {
		c := newRemindCLI(t, map[string]string{"SLACK_BOT_TOKEN": "xoxb-3333-not-a-real-token"})
		code, _, errs := c.run("", "digest", "--as-of", "2012-11-05T08:30", "--post")
		if code != 1 || !strings.Contains(errs, "ACTIONBOT_DIGEST_CHANNEL") {
			t.Errorf("exit %d, %q", code, errs)
		}
	})
	t.Run("a bank holiday", func(t *testing.T) {
		c := newRemindCLI(t, nil)
		out := c.mustRun("digest", "--as-of", "2013-04-01")
		if !strings.Contains(out, "Mon 1 Apr 2013 is not a working day (a weekend or a bank holiday), so no digest is posted; the next is on Tue 2 Apr 2013.") {
			t.Errorf("digest on Easter Monday:\n%s", out)
		}
		if code, _, _ := c.run("", "digest", "--as-of", "2013-04-01", "--post"); code != 1 {
			t.Errorf("digest --post on Easter Monday: exit %d, want 1", code)
		}
		if n := len(c.outbox()); n != 0 {
			t.Errorf("%d messages queued on a bank holiday", n)
		}
	})
}

// TestServeRunsTheScheduler starts the bot in the console at 10:00 on a
// working day, as if it had been down at 08:30 and 09:00: the day's digest
// and the sweep run at once, and the console shows them as posted.
func TestServeRunsTheScheduler(t *testing.T) {
	fixRemindNow(t, time.Date(2012, 11, 5, 10, 0, 0, 0, storetest.London))
	c := newRemindCLI(t, nil)
	c.mustRun("member", "add", "U0CSU1", "CSU")
	code, out, errs := c.run("", "serve")
	if code != 0 {
		t.Fatalf("serve: exit %d\n%s\n%s", code, out, errs)
	}
	for _, want := range []string{"── posted to #CCONSOLE (digest) ──\nDaily tasking digest — Mon 5 Nov 2012", "── posted to @U0CSU1 (direct message) (reminder) ──"} {
		if !strings.Contains(out, want) {
			t.Errorf("the console does not show %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errs, "posting today's digest late") {
		t.Errorf("the late digest is not logged:\n%s", errs)
	}
	box := c.outbox()
	if remindCountKind(box, "digest", actionbot.OutboxSent) != 1 || remindCountKind(box, "reminder", actionbot.OutboxSent) == 0 {
		t.Errorf("outbox after serve: %d messages", len(box))
	}
	// Started again the same day: nothing goes out twice.
	_, out, _ = c.run("", "serve")
	if strings.Contains(out, "posted to") {
		t.Errorf("a restart posted again:\n%s", out)
	}
	if got := len(c.outbox()); got != len(box) {
		t.Errorf("a restart queued %d more", got-len(box))
	}
}

func TestServeWithBadReminderSettings(t *testing.T) {
	fixRemindNow(t, time.Date(2012, 11, 5, 10, 0, 0, 0, storetest.London))
	c := newRemindCLI(t, map[string]string{"ACTIONBOT_REMIND_DAYS": "fortnightly"})
	code, out, errs := c.run("/action 5.2\n", "serve")
	// The bot does not start half working: it stops and names the setting.
	if code != 1 || strings.Contains(out, "5.2 Promote Speedwatch") {
		t.Fatalf("serve with a bad setting: exit %d\n%s", code, out)
	}
	if !strings.Contains(errs, `ACTIONBOT_REMIND_DAYS="fortnightly"`) {
		t.Errorf("the error does not name the setting:\n%s", errs)
	}
	if n := len(c.outbox()); n != 0 {
		t.Errorf("%d messages queued", n)
	}
}
