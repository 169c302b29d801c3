package bot

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/bot/fakeslack"
)

// TestSlackOutageThenRecovery: Slack answers 500s and leaves requests
// unanswered for a while (some of those it did post, some not), then
// recovers. Every queued message is delivered exactly once, in order in
// each conversation, and none is given up.
func TestSlackOutageThenRecovery(t *testing.T) {
	e := mustEnv(t)
	s := e.sender()
	s.Timeout = 50 * time.Millisecond // a hung request is given up quickly (real time: a deadline, not a sleep)

	// A hung request waits until the test lets it end, after the sender has
	// given up on it; one that Slack "posted" then lands in the history.
	type hang struct{ release, done chan struct{} }
	hung := make(chan hang, 16)
	t.Cleanup(func() {
		for {
			select {
			case h := <-hung:
				close(h.release)
			default:
				return
			}
		}
	})
	// The outage: 12 bad answers in turn, then Slack is well again.
	outage := []string{"500", "hang-posted", "500", "hang-lost", "500", "500", "hang-posted", "500", "hang-lost", "500", "500", "500"}
	for _, kind := range outage {
		e.slack.Script("chat.postMessage", func(r fakeslack.Request) *fakeslack.Reply {
			if kind == "500" {
				return fakeslack.ServerError()
			}
			h := hang{make(chan struct{}), make(chan struct{})}
			hung <- h
			<-h.release
			if kind == "hang-posted" { // Slack posted it; the answer never came back in time
				var md fakeslack.Metadata
				json.Unmarshal([]byte(r.Param("metadata")), &md)
				e.slack.AddHistory(fakeslack.Message{Channel: r.Param("channel"), Text: r.Param("text"), Metadata: &md})
			}
			close(h.done)
			return fakeslack.ServerError()
		})
	}
	var msgs []*actionbot.Outgoing
	convs := []string{"C0ONE", "C0TWO", uCSU} // two channels and a direct message
	for i := range 15 {
		to := convs[i%len(convs)]
		msgs = append(msgs, announce(fmt.Sprintf("outage:%d", i), to, fmt.Sprintf("message %d to %s", i, to)))
	}
	ids := e.mustEnqueue(t, msgs...)

	// Drive the sender as time passes, until everything is sent (bounded).
	sentAll := func() bool {
		for _, id := range ids {
			if e.outgoing(t, id).State != actionbot.OutboxSent {
				return false
			}
		}
		return true
	}
	for i := 0; !sentAll(); i++ {
		if i == 200 {
			for _, id := range ids {
				o := e.outgoing(t, id)
				t.Logf("%s: %s after %d attempts (%s)", o.Key, o.State, o.Attempts, o.LastError)
			}
			t.Fatal("not all delivered after 200 passes")
		}
		step(t, s)
		// The sender has given up on any hung request: now they end.
		for len(hung) > 0 {
			h := <-hung
			close(h.release)
			<-h.done
		}
		e.clock.Advance(15 * time.Second)
	}

	// Every scripted failure was met, and the two hung posts that Slack
	// made were found in their conversations, not sent again: 12 failed
	// requests and 13 that took.
	if n := len(e.slack.Requests("chat.postMessage")); n != 25 {
		t.Errorf("%d posts reached Slack; want 25", n)
		for _, r := range e.slack.Requests("chat.postMessage") {
			t.Logf("post %s %s", r.Param("channel"), r.Param("text"))
		}
		for _, c := range []string{"C0ONE", "C0TWO", "DCSU1"} {
			for _, m := range e.slack.History(c) {
				t.Logf("history %s %s %v", c, m.Text, m.Metadata)
			}
		}
	}
	if n := len(e.slack.Requests("conversations.history")); n < 4 {
		t.Errorf("%d history checks; want one per unanswered post at least", n)
	}

	// Exactly once, in order, per conversation.
	seen := map[string]int{}
	for _, conv := range []string{"C0ONE", "C0TWO", "DCSU1"} {
		last := -1
		for _, m := range e.slack.History(conv) {
			if m.Metadata == nil {
				continue
			}
			key := fmt.Sprint(m.Metadata.EventPayload["key"])
			seen[key]++
			var n int
			fmt.Sscanf(key, "outage:%d", &n)
			if n < last {
				t.Errorf("%s: %s arrived after outage:%d", conv, key, last)
			}
			last = n
		}
	}
	for _, m := range msgs {
		if seen[m.Key] != 1 {
			t.Errorf("%s delivered %d times", m.Key, seen[m.Key])
		}
	}
	for _, id := range ids {
		if o := e.outgoing(t, id); o.State == actionbot.OutboxFailed {
			t.Errorf("%s given up: %s", o.Key, o.LastError)
		}
	}
}
