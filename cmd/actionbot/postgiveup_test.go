package main

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/bot/fakeslack"
)

// remind --post against a Slack that answers every call with HTTP 500
// gives up after a bounded wait (ACTIONBOT_POST_WAIT without progress),
// exits non-zero saying so, and leaves its messages queued for the serving
// bot: it never marks them failed. It ran for minutes (issue 24, item 7).
func TestRemindPostGivesUpOnASlackAnswering500(t *testing.T) {
	fake := fakeslack.New(t)
	for _, m := range []string{"chat.postMessage", "conversations.open", "conversations.history"} {
		fake.Always(m, func(fakeslack.Request) *fakeslack.Reply { return fakeslack.ServerError() })
	}
	c := newRemindCLI(t, slackEnv(fake, "ACTIONBOT_POST_WAIT", "2s"))
	c.mustRun("member", "add", "U0CSU1", "CSU")
	c.mustRun("member", "add", "U0POL1", "Kent Police")

	type result struct {
		code     int
		out, err string
	}
	done := make(chan result, 1)
	start := time.Now()
	go func() {
		code, out, errs := c.run("", "remind", "--as-of", "2013-03-01", "--post")
		done <- result{code, out, errs}
	}()
	var r result
	select {
	case r = <-done:
	case <-time.After(20 * time.Second):
		t.Fatalf("remind --post against a Slack answering 500 had not finished after 20 s (ACTIONBOT_POST_WAIT=2s)")
	}
	if took := time.Since(start); took > 15*time.Second {
		t.Errorf("remind --post took %v to give up with ACTIONBOT_POST_WAIT=2s", took)
	}
	if r.code == 0 {
		t.Errorf("remind --post exited 0 though Slack took nothing:\n%s", r.out)
	}
	for _, want := range []string{"Slack accepted 0 of 3 messages.", "still queued", "Slack answered HTTP 500"} {
		if !strings.Contains(r.out+r.err, want) {
			t.Errorf("the output lacks %q:\n%s\n%s", want, r.out, r.err)
		}
	}
	if len(fake.Requests("")) == 0 {
		t.Error("Slack was never tried")
	}
	for _, o := range c.outbox() {
		if o.State != actionbot.OutboxPending && o.State != actionbot.OutboxSending {
			t.Errorf("%s is %s after giving up; want it left queued for the bot", o.Key, o.State)
		}
	}
}

// digest --post gives up the same way, and its digest stays queued.
func TestDigestPostGivesUpOnASlackAnswering500(t *testing.T) {
	fake := fakeslack.New(t)
	fake.Always("chat.postMessage", func(fakeslack.Request) *fakeslack.Reply { return fakeslack.ServerError() })
	fake.Always("conversations.history", func(fakeslack.Request) *fakeslack.Reply { return fakeslack.ServerError() })
	c := newRemindCLI(t, slackEnv(fake, "ACTIONBOT_POST_WAIT", "1s"))
	start := time.Now()
	code, out, errs := c.run("", "digest", "--as-of", "2012-11-05", "--post")
	if took := time.Since(start); took > 15*time.Second {
		t.Errorf("digest --post took %v to give up with ACTIONBOT_POST_WAIT=1s", took)
	}
	if code == 0 || !strings.Contains(out, "Slack accepted 0 of 1 message.") || !strings.Contains(out, "1 still queued") {
		t.Errorf("digest --post against a Slack answering 500: exit %d\n%s\n%s", code, out, errs)
	}
	box := c.outbox()
	if len(box) != 1 || (box[0].State != actionbot.OutboxPending && box[0].State != actionbot.OutboxSending) {
		t.Errorf("outbox after giving up: %+v", box)
	}
}

// A --post that gave up says "the next --post sends them": it does. The
// next digest --post of the same morning found the digest queued already,
// said it "has already been posted", exited 0 and sent nothing; remind
// --post said "Already sent" of reminders still in the queue. Each now
// delivers what an earlier run left queued, and says so.
func TestTheNextPostDeliversWhatAnEarlierOneLeftQueued(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		queued int
	}{
		{"digest", []string{"digest", "--as-of", "2012-11-05", "--post"}, 1},
		{"remind", []string{"remind", "--as-of", "2013-03-01", "--post"}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var down atomic.Bool
			down.Store(true)
			fake := fakeslack.New(t)
			for _, m := range []string{"chat.postMessage", "conversations.open", "conversations.history"} {
				fake.Always(m, func(fakeslack.Request) *fakeslack.Reply {
					if down.Load() { // a clear "not posted": no claim left to lapse
						return fakeslack.Error("internal_error")
					}
					return nil
				})
			}
			c := newRemindCLI(t, slackEnv(fake, "ACTIONBOT_POST_WAIT", "1s"))
			c.mustRun("member", "add", "U0CSU1", "CSU")
			c.mustRun("member", "add", "U0POL1", "Kent Police")
			code, out, errs := c.run("", tc.args...)
			if code == 0 || !strings.Contains(out, fmt.Sprintf("%d still queued", tc.queued)) {
				t.Fatalf("%s --post while Slack is down: exit %d\n%s\n%s", tc.name, code, out, errs)
			}

			down.Store(false)
			c.env["ACTIONBOT_POST_WAIT"] = "30s" // the queued messages' next try is seconds away
			code, out, errs = c.run("", tc.args...)
			for _, want := range []string{
				fmt.Sprintf("Also delivering %s queued earlier and not yet delivered.", actionbot.Plural(tc.queued, "message")),
				fmt.Sprintf("Slack accepted %d of %d", tc.queued, tc.queued),
			} {
				if !strings.Contains(out, want) {
					t.Errorf("the next %s --post lacks %q:\n%s\n%s", tc.name, want, out, errs)
				}
			}
			for _, wrong := range []string{"has already been posted", "Already sent"} {
				if strings.Contains(out, wrong) {
					t.Errorf("the next %s --post says %q of messages still queued:\n%s", tc.name, wrong, out)
				}
			}
			if code != 0 {
				t.Errorf("the next %s --post exited %d once Slack took everything\n%s", tc.name, code, errs)
			}
			for _, o := range c.outbox() {
				if o.State != actionbot.OutboxSent {
					t.Errorf("%s is %s after the next --post; want sent", o.Key, o.State)
				}
			}
		})
	}
}
