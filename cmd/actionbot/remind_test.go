package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/bot/fakeslack"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// remindCLI runs the command line against a database file in a temporary
// directory, with the environment given.
type remindCLI struct {
	tb  testing.TB
	db  string
	env map[string]string
	// now is the wall clock the commands run on; nil for time.Now.
	now func() time.Time
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
	wall := time.Now
	if c.now != nil {
		wall = c.now
	}
	code = runAt(context.Background(), wall, args, strings.NewReader(stdin), &out, &errb, func(k string) string { return c.env[k] })
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

// fixNow runs the commands that follow on a wall clock fixed at t.
func (c *remindCLI) fixNow(t time.Time) {
	c.now = func() time.Time { return t }
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

// slackEnv is the environment of a bot on the fake Slack.
func slackEnv(fake *fakeslack.Server, extra ...string) map[string]string {
	env := map[string]string{"SLACK_BOT_TOKEN": "xoxb-1111-not-a-real-token", "SLACK_SIGNING_SECRET": "not-a-real-secret",
		"SLACK_API_URL": fake.APIURL(), "ACTIONBOT_SLACK_PACE": "10ms", "ACTIONBOT_TASKING_CHANNEL": "C0TASKING", "ACTIONBOT_DIGEST_CHANNEL": "C0DIGEST"}
	for i := 0; i+1 < len(extra); i += 2 {
		env[extra[i]] = extra[i+1]
	}
	return env
}

// posted counts the posts that reached the fake Slack, by conversation.
func posted(fake *fakeslack.Server) map[string]int {
	out := map[string]int{}
	for _, r := range fake.Requests("chat.postMessage") {
		out[r.Param("channel")]++
	}
	return out
}

func TestRemindCommand(t *testing.T) {
	c := newRemindCLI(t, nil)
	c.mustRun("member", "add", "U0CSU1", "CSU")
	c.mustRun("member", "add", "U0POL1", "Kent Police")

	t.Run("a dry run prints the messages as they would be posted", func(t *testing.T) {
		out := c.mustRun("remind", "--as-of", "2013-03-01")
		for _, want := range []string{
			"Reminders due at Fri 1 Mar 2013 09:00 GMT (Europe/London): ",
			"\n3.2 Work with Town & Parish Councils and National Trust to redu… — 28 days before (due Sun 31 Mar 2013, in 30 days)\n    → @U0CSU1, direct message (CSU)\n",
			"\n5.7 Work with communities to identify long term road safety iss… — 28 days before (due Sun 31 Mar 2013, in 30 days)\n    → @U0POL1, direct message (POLICE)\n    → #CCONSOLE (nobody registered for HIGHWAYS)\n",
			"Deadline before the plan year, kept out of the overdue reminders until a coordinator moves it or confirms it (/action 5.2 due confirm): 1.3, 2.3, 3.4, 5.2, 6.2, 7.6.",
			"3 messages to send, one per person and channel:",
			"── to @U0CSU1 (direct message) ──\nYour reminders — Fri 1 Mar 2013",
			"── to @U0POL1 (direct message) ──\nYour reminders — Fri 1 Mar 2013",
			"── to #CCONSOLE ──\nReminders for this channel — Fri 1 Mar 2013",
			"[Mark done] [Update progress] [Snooze 7 days]",
			"Nothing was sent: run with --post to send them.",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("remind output lacks %q:\n%s", want, out)
			}
		}
		if n := len(c.outbox()); n != 0 {
			t.Errorf("a dry run queued %d messages", n)
		}
	})
	t.Run("--post without Slack is refused and records nothing", func(t *testing.T) {
		code, out, errs := c.run("", "remind", "--as-of", "2013-03-01", "--post")
		if code != 1 || !strings.Contains(errs, "There is nothing to post to") || strings.Contains(out, "Recorded") {
			t.Errorf("remind --post in the console: exit %d\n%s\n%s", code, out, errs)
		}
		if n := len(c.outbox()); n != 0 {
			t.Errorf("a refused --post queued %d messages", n)
		}
		if out := c.mustRun("remind", "--as-of", "2013-03-01"); !strings.Contains(out, "3 messages to send") {
			t.Errorf("after a refused --post the same reminders are due:\n%s", out)
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

// TestRemindPostDeliversThroughSlack: with Slack configured, --post posts
// before it exits, once however often it runs.
func TestRemindPostDeliversThroughSlack(t *testing.T) {
	fake := fakeslack.New(t)
	c := newRemindCLI(t, slackEnv(fake))
	c.mustRun("member", "add", "U0CSU1", "CSU")
	c.mustRun("member", "add", "U0POL1", "Kent Police")

	out := c.mustRun("remind", "--as-of", "2013-03-01", "--post")
	if !strings.Contains(out, "Slack accepted 3 of 3 messages.") {
		t.Errorf("remind --post:\n%s", out)
	}
	want := map[string]int{"D0CSU1": 1, "D0POL1": 1, "C0TASKING": 1}
	if got := posted(fake); !maps.Equal(got, want) {
		t.Errorf("posts that reached Slack: %v, want %v", got, want)
	}
	for _, o := range c.outbox() {
		if o.State != actionbot.OutboxSent {
			t.Errorf("%s is %s after --post, want sent", o.Key, o.State)
		}
	}
	out = c.mustRun("remind", "--as-of", "2013-03-01T09:30", "--post")
	if !strings.Contains(out, "Reminders due at Fri 1 Mar 2013 09:30 GMT (Europe/London): 0.") || strings.Contains(out, "Slack accepted") {
		t.Errorf("a second --post:\n%s", out)
	}
	if got := posted(fake); !maps.Equal(got, want) {
		t.Errorf("after a second --post, posts that reached Slack: %v, want %v", got, want)
	}
}

func TestRemindWithNowhereToGo(t *testing.T) {
	fake := fakeslack.New(t)
	c := newRemindCLI(t, slackEnv(fake, "ACTIONBOT_TASKING_CHANNEL", "", "ACTIONBOT_DIGEST_CHANNEL", ""))
	out := c.mustRun("remind", "--as-of", "2013-03-01")
	for _, want := range []string{
		"\n7.3 At least 3 perpetrators to complete the full Community Dome… — 28 days before (due Sun 31 Mar 2013, in 30 days)\n    ⚠ 7.3: nobody is registered for STGILES, and there is no task-group channel for priority 7 and no tasking channel to send the reminder to instead\n    ⚠ Not sent: it stays due, and is reported each sweep, until it has somewhere to go.\n",
		"reminders with nowhere to go",
		"0 messages to send",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	c.mustRun("member", "add", "U0STG1", "St Giles Trust")
	code, out, errs := c.run("", "remind", "--as-of", "2013-03-01", "--post")
	if code != 0 || !strings.Contains(out, "→ @U0STG1, direct message (STGILES)") || !strings.Contains(out, "Slack accepted 1 of 1 message.") {
		t.Fatalf("once someone is registered: exit %d\n%s\n%s", code, out, errs)
	}
	// One warning for the sweep, naming the agencies nobody is registered
	// with; not one per action.
	if strings.Count(errs, "level=WARN") != 1 || !strings.Contains(errs, "undelivered=") || !strings.Contains(errs, "CSU") {
		t.Errorf("want one warning with the count and the agencies:\n%s", errs)
	}
	if got := posted(fake); !maps.Equal(got, map[string]int{"D0STG1": 1}) {
		t.Errorf("posts that reached Slack: %v", got)
	}
}

func TestDigestCommand(t *testing.T) {
	t.Run("a dry run, then --post without Slack is refused", func(t *testing.T) {
		c := newRemindCLI(t, nil)
		out := c.mustRun("digest", "--as-of", "2012-11-05T08:30")
		for _, want := range []string{"The digest for Mon 5 Nov 2012 08:30 GMT, as it would be posted to #CCONSOLE:", "Daily tasking digest — Mon 5 Nov 2012",
			"changes since Fri 2 Nov 08:30", "Overdue (17), most overdue first", "🔴 2.3 ", "No changes since Fri 2 Nov 08:30.", "RAG by priority",
			"Note: this is the plan as it is now, counted from that morning"} { // a past morning says what it shows
			if !strings.Contains(out, want) {
				t.Errorf("digest preview lacks %q:\n%s", want, out)
			}
		}
		code, _, errs := c.run("", "digest", "--as-of", "2012-11-05", "--post")
		if code != 1 || !strings.Contains(errs, "There is nothing to post to") {
			t.Errorf("digest --post without Slack: exit %d, %q", code, errs)
		}
		if n := len(c.outbox()); n != 0 {
			t.Errorf("%d messages queued", n)
		}
	})
	t.Run("with Slack it is posted before the command exits, once", func(t *testing.T) {
		fake := fakeslack.New(t)
		c := newRemindCLI(t, slackEnv(fake))
		out := c.mustRun("digest", "--as-of", "2012-11-05", "--post") // a date alone: the scheduled 08:30
		if !strings.Contains(out, "Daily tasking digest — Mon 5 Nov 2012") || !strings.Contains(out, "Slack accepted 1 of 1 message.") {
			t.Errorf("digest --post with Slack:\n%s", out)
		}
		out = c.mustRun("digest", "--as-of", "2012-11-05T12:00", "--post")
		if !strings.Contains(out, "The digest for Mon 5 Nov 2012 was queued earlier") || strings.Contains(out, "Slack accepted") {
			t.Errorf("a second --post:\n%s", out)
		}
		if got := posted(fake); !maps.Equal(got, map[string]int{"C0DIGEST": 1}) {
			t.Errorf("posts that reached Slack: %v", got)
		}
		box := c.outbox()
		if len(box) != 1 || box[0].State != actionbot.OutboxSent || !box[0].Message.Public {
			t.Errorf("outbox: %+v", box)
		}
	})
	t.Run("with Slack and no digest channel", func(t *testing.T) {
		fake := fakeslack.New(t)
		c := newRemindCLI(t, slackEnv(fake, "ACTIONBOT_DIGEST_CHANNEL", ""))
		code, _, errs := c.run("", "digest", "--as-of", "2012-11-05T08:30", "--post")
		if code != 1 || !strings.Contains(errs, "ACTIONBOT_DIGEST_CHANNEL") {
			t.Errorf("exit %d, %q", code, errs)
		}
	})
	t.Run("a bank holiday", func(t *testing.T) {
		fake := fakeslack.New(t)
		c := newRemindCLI(t, slackEnv(fake))
		out := c.mustRun("digest", "--as-of", "2013-03-29")
		if !strings.Contains(out, "Fri 29 Mar 2013 is not a working day (a weekend or a bank holiday), so no digest is posted; the next is on Tue 2 Apr 2013.") {
			t.Errorf("digest on Good Friday:\n%s", out)
		}
		if code, _, _ := c.run("", "digest", "--as-of", "2013-03-29", "--post"); code != 1 {
			t.Errorf("digest --post on Good Friday: exit %d, want 1", code)
		}
		if n := len(c.outbox()); n != 0 || len(posted(fake)) != 0 {
			t.Errorf("%d messages queued on a bank holiday", n)
		}
	})
}

// TestServeRunsTheScheduler starts the bot in the console at 10:00 on a
// working day, as if it had been down at 08:30 and 09:00: the day's digest
// and the sweep run at once, and the console shows them as posted.
func TestServeRunsTheScheduler(t *testing.T) {
	// The console logs only warnings unless asked: this test reads the
	// scheduler's routine lines.
	c := newRemindCLI(t, map[string]string{"ACTIONBOT_LOG_LEVEL": "info"})
	c.fixNow(time.Date(2012, 11, 5, 10, 0, 0, 0, storetest.London))
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
	c := newRemindCLI(t, map[string]string{"ACTIONBOT_REMIND_DAYS": "fortnightly"})
	c.fixNow(time.Date(2012, 11, 5, 10, 0, 0, 0, storetest.London))
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

// TestRemindPreview: --from and --to simulate the sweeps and digests of a
// range of working days on a copy of the database, and print the volume;
// the database itself is left as it was.
func TestRemindPreview(t *testing.T) {
	c := newRemindCLI(t, nil)
	c.mustRun("member", "add", "U0CSU1", "CSU")
	c.mustRun("member", "add", "U0CSU2", "CSU")
	c.mustRun("member", "add", "U0POL1", "Kent Police")
	out := c.mustRun("remind", "--from", "2013-03-25", "--to", "2013-04-09")
	for _, want := range []string{
		"A preview of Mon 25 Mar 2013 to Tue 9 Apr 2013 (10 working days), with the members registered now",
		"Day  Direct  Channel  Digest  Year-end",
		"Tue 2 Apr 2013       0        0       1         4", // after the year: the notice, and the review to the channel and each of the three
		"Per person and channel:", "@U0CSU1", "#CCONSOLE (digest)",
		"Busiest day: ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("preview lacks %q:\n%s", want, out)
		}
	}
	if n := len(c.outbox()); n != 0 {
		t.Errorf("the preview queued %d messages in the database", n)
	}
	if out := c.mustRun("remind", "--as-of", "2013-03-25"); !strings.Contains(out, "Nothing was sent") || strings.Contains(out, "Already sent") {
		t.Errorf("after the preview, the day's reminders are still due:\n%s", out)
	}
	for _, args := range [][]string{{"--from", "2013-03-25"}, {"--from", "2013-04-09", "--to", "2013-03-25"}, {"--from", "2013-03-25", "--to", "2013-04-09", "--post"}} {
		if code, _, errs := c.run("", append([]string{"remind"}, args...)...); code != 2 || errs == "" {
			t.Errorf("remind %v: exit %d, %q; want a usage error", args, code, errs)
		}
	}
}

// TestPostBesideServe: remind --post and digest --post, run twice at once
// while the bot serves the same database on the fake Slack, between them
// post each message exactly once.
func TestPostBesideServe(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := e2eBuild(t)
	fake := fakeslack.New(t)
	env := slackEnv(fake, "ACTIONBOT_REMIND_CRON", "off", "ACTIONBOT_DIGEST_CRON", "off", "ACTIONBOT_SLACK_PACE", "1ms",
		"SLACK_BOT_TOKEN", e2eBotToken, "SLACK_SIGNING_SECRET", e2eSigningSecret)
	c := newRemindCLI(t, env)
	c.mustRun("member", "add", "U0CSU1", "CSU")
	c.mustRun("member", "add", "U0CSU2", "CSU")
	c.mustRun("member", "add", "U0POL1", "Kent Police")
	var procEnv []string
	for k, v := range c.env {
		procEnv = append(procEnv, k+"="+v)
	}
	procEnv = append(procEnv, "HOME="+t.TempDir(), "PATH="+os.Getenv("PATH"))
	bot := serveCrashBot(t, bin, procEnv)
	defer bot.kill()

	var wg sync.WaitGroup
	for _, args := range [][]string{
		{"remind", "--as-of", "2013-03-01", "--post"}, {"remind", "--as-of", "2013-03-01", "--post"},
		{"digest", "--as-of", "2013-03-01", "--post"}, {"digest", "--as-of", "2013-03-01", "--post"},
	} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if code, out, errs := c.run("", args...); code != 0 {
				t.Errorf("actionbot %v: exit %d\n%s\n%s", args, code, out, errs)
			}
		}()
	}
	wg.Wait()
	// The bot's sender may still be finishing what it claimed.
	deadline := time.Now().Add(30 * time.Second)
	for {
		pending := 0
		for _, o := range c.outbox() {
			if o.State != actionbot.OutboxSent {
				pending++
			}
		}
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d messages not delivered", pending)
		}
		time.Sleep(10 * time.Millisecond) // polling another process's progress
	}
	box := c.outbox()
	if len(box) != 5 { // three people, the tasking channel, the digest
		t.Errorf("%d messages queued, want 5", len(box))
	}
	keys := map[string]int{}
	for _, r := range fake.Requests("chat.postMessage") {
		var md struct {
			Payload map[string]any `json:"event_payload"`
		}
		if err := json.Unmarshal([]byte(r.Param("metadata")), &md); err != nil {
			t.Fatalf("metadata %q: %v", r.Param("metadata"), err)
		}
		keys[fmt.Sprint(md.Payload["key"])]++
	}
	for _, o := range box {
		if keys[o.Key] != 1 {
			t.Errorf("%s was posted %d times", o.Key, keys[o.Key])
		}
	}
}

func TestTheConsoleKeepsRoutineLogLinesOutOfTheConversation(t *testing.T) {
	c := newRemindCLI(t, nil)
	c.fixNow(time.Date(2012, 11, 5, 10, 0, 0, 0, storetest.London))
	c.mustRun("member", "add", "U0CSU1", "CSU")
	code, out, errs := c.run("/action 5.2\n", "serve")
	if code != 0 {
		t.Fatalf("serve: exit %d\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(out, "Daily tasking digest — Mon 5 Nov 2012") {
		t.Fatalf("the late digest was not posted:\n%s", out)
	}
	if strings.Contains(errs, "level=INFO") {
		t.Errorf("the console printed routine log lines beside its answers:\n%s", errs)
	}
	// The quarterly headline, like the digest, has the console to go to.
	if strings.Contains(errs, "quarterly headline has no channel") {
		t.Errorf("the console warns that the quarterly headline has nowhere to go:\n%s", errs)
	}
}

// remind --as-of … --post sweeps as of an instant of the plan year, but
// posts now: its claim on each message it posts is dated on the wall
// clock, or a serving bot on the wall clock would take a claim dated in
// 2013 for one abandoned years ago and post the message a second time
// while this run's post was in flight.
func TestRemindPostClaimsOnTheWallClock(t *testing.T) {
	fake := fakeslack.New(t)
	c := newRemindCLI(t, slackEnv(fake))
	c.mustRun("member", "add", "U0CSU1", "CSU")
	wall := time.Date(2026, time.December, 6, 22, 0, 0, 0, time.UTC)
	c.fixNow(wall)

	var claims []time.Time
	fake.Always("chat.postMessage", func(fakeslack.Request) *fakeslack.Reply {
		for _, o := range c.outbox() {
			if o.State == actionbot.OutboxSending {
				claims = append(claims, o.ClaimedAt)
			}
		}
		return nil // posted as Slack would
	})
	if out := c.mustRun("remind", "--as-of", "2013-03-01", "--post"); !strings.Contains(out, "Slack accepted 2 of 2 messages.") {
		t.Fatalf("remind --post:\n%s", out)
	}
	if len(claims) != 2 {
		t.Fatalf("%d messages were being posted when Slack was asked; want 2", len(claims))
	}
	for _, at := range claims {
		if !at.Equal(wall) {
			t.Errorf("a message being posted was claimed at %s; want the wall clock's %s", at, wall)
		}
	}
}

// The plural, alone, lists: "actionbot members" and "actionbot
// coordinators" as "actionbot agencies" does; "coordinators add" still
// adds, and a mistyped word is still refused with the usage.
func TestThePluralAloneLists(t *testing.T) {
	c := newRemindCLI(t, nil)
	c.mustRun("member", "add", "U0SGT1", "Kent Police")
	c.mustRun("coordinators", "add", "U0COORD")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"members"}, "POLICE\tKent Police\tU0SGT1"},
		{[]string{"coordinators"}, "U0COORD"},
	} {
		if out := c.mustRun(tc.args...); !strings.Contains(out, tc.want) {
			t.Errorf("actionbot %s:\n%s\nwant %q", strings.Join(tc.args, " "), out, tc.want)
		}
	}
	if code, _, errs := c.run("", "coordinators", "lsit"); code != 2 || !strings.Contains(errs, "coordinator list") {
		t.Errorf("actionbot coordinators lsit: exit %d, %q", code, errs)
	}
}

// A flag typed after the plan file ("import plan.csv --dry-run", as people
// write it) is read: it was refused as "import takes one plan file", which
// the person had given.
func TestImportReadsAFlagAfterTheFile(t *testing.T) {
	c := newRemindCLI(t, nil)
	file := filepath.Join(t.TempDir(), "plan.csv")
	c.mustRun("export", "-o", file)
	before := c.mustRun("export")
	if out := c.mustRun("import", file, "--dry-run"); !strings.Contains(out, "Nothing was imported or created (--dry-run).") {
		t.Errorf("import plan.csv --dry-run:\n%s", out)
	}
	if after := c.mustRun("export"); after != before {
		t.Error("the dry run changed the plan")
	}
	if code, _, errs := c.run("", "import", "a.csv", "b.csv"); code != 2 || !strings.Contains(errs, "import takes one plan file") {
		t.Errorf("import a.csv b.csv: exit %d\n%s", code, errs)
	}
}
