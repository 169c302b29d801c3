package bot

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack/socketmode"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/bot/fakeslack"
	"github.com/sevenoaks-csp/actionbot/store"
)

// socketRun is the bot running in Socket Mode against the fake Slack.
type socketRun struct {
	client *socketmode.Client
	sock   *fakeslack.Socket
	cancel context.CancelFunc
	done   chan error
}

func (e *testEnv) runSocket(t *testing.T) *socketRun {
	t.Helper()
	client := socketmode.New(e.api, socketmode.OptionPingInterval(time.Hour))
	ctx, cancel := context.WithCancel(context.Background())
	r := &socketRun{client: client, cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- e.bot.RunSocketMode(ctx, client) }()
	t.Cleanup(func() { r.stop(t) })
	r.sock = e.slack.Socket(t)
	return r
}

// stop ends the run and returns what RunSocketMode returned.
func (r *socketRun) stop(t *testing.T) error {
	t.Helper()
	r.cancel()
	select {
	case err, ok := <-r.done:
		if ok {
			close(r.done)
		}
		return err
	case <-time.After(fakeslack.WaitTimeout):
		t.Fatal("RunSocketMode did not return after its context ended")
		return nil
	}
}

func (e *testEnv) slashPayload(user, text, responseID string) map[string]any {
	return map[string]any{"token": "x", "team_id": "T1", "channel_id": "C0CHAN", "user_id": user, "command": "/action",
		"text": text, "response_url": e.slack.ResponseURL(responseID), "trigger_id": "1337.42.trigger", "api_app_id": "A1"}
}

func TestSocketModeSlashCommands(t *testing.T) {
	e := mustEnv(t)
	r := e.runSocket(t)
	if got := e.slack.Requests("apps.connections.open"); len(got) != 1 || got[0].Token != testAppToken {
		t.Fatalf("apps.connections.open not called with the app-level token")
	}

	// A query is answered in the ack.
	r.sock.Envelope(t, "env-query", "slash_commands", e.slashPayload(uCSU, "5.2", "r1"), 0)
	ack := r.sock.Ack(t, "env-query")
	resp := decode(t, ack)
	if resp["response_type"] != "ephemeral" || !strings.Contains(blocksText(resp["blocks"]), "5.2 Promote Speedwatch") {
		t.Errorf("ack payload %s", ack)
	}

	// A change is acked empty, then answered through the response_url.
	before := e.mustAuditCount(t, "5.2")
	r.sock.Envelope(t, "env-change", "slash_commands", e.slashPayload(uCSU, "5.2 progress 45", "r2"), 0)
	if ack := r.sock.Ack(t, "env-change"); ack != nil {
		t.Errorf("a change was acked with %s; want no payload", ack)
	}
	if text := blocksText(e.slack.Wait(t, "response:r2", 1)[0].JSON["blocks"]); !strings.Contains(text, "*5.2* is now at 45%.") {
		t.Errorf("reply %s", text)
	}

	// Slack redelivers the envelope (our ack was late): acked again, not run again.
	r.sock.Envelope(t, "env-change", "slash_commands", e.slashPayload(uCSU, "5.2 progress 45", "r2"), 1)
	r.sock.Ack(t, "env-change")
	e.bot.Wait()
	if n := e.mustAuditCount(t, "5.2") - before; n != 1 {
		t.Errorf("%d changes for one delivered twice", n)
	}
	if n := len(e.slack.Requests("response:r2")); n != 1 {
		t.Errorf("%d replies for one change", n)
	}
	if a := e.mustAction(t, "5.2"); a.Progress != 45 {
		t.Errorf("5.2 at %d%%", a.Progress)
	}
}

func TestSocketModeButtonClick(t *testing.T) {
	e := mustEnv(t)
	r := e.runSocket(t)
	r.sock.Envelope(t, "env-click", "interactive", e.blockAction(uCSU, actionbot.ButtonDone, "5.2", "actions:7", "r3", ephemeralContainer("C0CHAN")), 0)
	if ack := r.sock.Ack(t, "env-click"); ack != nil {
		t.Errorf("click acked with %s", ack)
	}
	got := e.slack.Wait(t, "response:r3", 1)[0]
	if got.JSON["replace_original"] != true || !strings.Contains(blocksText(got.JSON["blocks"]), "*5.2* is marked done.") {
		t.Errorf("reply %v", got.JSON)
	}
	if a := e.mustAction(t, "5.2"); a.Status != actionbot.StatusDone || a.LastUpdate.Actor != uCSU {
		t.Errorf("5.2 is %s", a.Status)
	}
	// The same envelope redelivered does nothing more.
	r.sock.Envelope(t, "env-click", "interactive", e.blockAction(uCSU, actionbot.ButtonDone, "5.2", "actions:7", "r3", ephemeralContainer("C0CHAN")), 1)
	r.sock.Ack(t, "env-click")
	e.bot.Wait()
	if n := len(e.slack.Requests("response:r3")); n != 1 {
		t.Errorf("%d replies to one click", n)
	}
}

func TestSocketModeFormErrorsInTheAck(t *testing.T) {
	e := mustEnv(t)
	r := e.runSocket(t)
	o := origin{Ref: "5.2", Channel: "C0CHAN", Ephemeral: true, ResponseURL: e.slack.ResponseURL("r1")}
	r.sock.Envelope(t, "env-form", "interactive", submission(uCSU, o, "140", "open", ""), 0)
	resp := decode(t, r.sock.Ack(t, "env-form"))
	errs, _ := resp["errors"].(map[string]any)
	if resp["response_action"] != "errors" || !strings.Contains(errs[blockProgress].(string), "140 is outside") {
		t.Errorf("ack %v", resp)
	}
}

func TestSocketModeRedeliveredEventActsOnce(t *testing.T) {
	e := mustEnv(t)
	r := e.runSocket(t)
	event := decode(t, homeOpened(uCSU, "Ev0009"))
	r.sock.Envelope(t, "env-ev1", "events_api", event, 0)
	r.sock.Ack(t, "env-ev1")
	e.slack.Wait(t, "views.publish", 1)
	r.sock.Envelope(t, "env-ev2", "events_api", event, 1) // a new envelope, the same event
	r.sock.Ack(t, "env-ev2")
	e.bot.Wait()
	if n := len(e.slack.Requests("views.publish")); n != 1 {
		t.Errorf("%d views.publish for one event", n)
	}
}

func TestSocketModeReconnects(t *testing.T) {
	e := mustEnv(t)
	r := e.runSocket(t)
	if err := r.sock.Disconnect(); err != nil {
		t.Fatal(err)
	}
	second := e.slack.Socket(t)
	if n := len(e.slack.Requests("apps.connections.open")); n != 2 {
		t.Errorf("apps.connections.open %d times", n)
	}
	second.Envelope(t, "env-after", "slash_commands", e.slashPayload(uCSU, "5.4", "r1"), 0)
	if !strings.Contains(blocksText(decode(t, second.Ack(t, "env-after"))["blocks"]), "5.4 Use Restorative Justice") {
		t.Error("no answer after reconnecting")
	}
}

func TestSocketModeLongAnswerGoesThroughResponseURL(t *testing.T) {
	e := mustEnv(t)
	r := e.runSocket(t)
	big := []byte(`{"response_type":"ephemeral","text":"` + strings.Repeat("x", maxAckBytes) + `"}`)
	e.bot.ack(r.client, &socketmode.Request{EnvelopeID: "env-big"}, reply{body: big, responseURL: e.slack.ResponseURL("big")})
	if ack := r.sock.Ack(t, "env-big"); ack != nil {
		t.Errorf("a %d-byte answer was sent in the ack", len(ack))
	}
	if got := e.slack.Wait(t, "response:big", 1)[0]; len(got.Body) != len(big) {
		t.Errorf("response_url got %d bytes; want %d", len(got.Body), len(big))
	}
}

func TestSocketModeStops(t *testing.T) {
	tests := []struct {
		name   string
		script func(e *testEnv)
		stop   bool
		fatal  bool
	}{
		{"context ended", nil, true, false},
		{"invalid_auth", func(e *testEnv) {
			e.slack.Always("apps.connections.open", func(fakeslack.Request) *fakeslack.Reply { return fakeslack.Error("invalid_auth") })
		}, false, true},
		{"token_revoked", func(e *testEnv) {
			e.slack.Always("apps.connections.open", func(fakeslack.Request) *fakeslack.Reply { return fakeslack.Error("token_revoked") })
		}, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := mustEnv(t)
			if tc.script != nil {
				tc.script(e)
			}
			client := socketmode.New(e.api, socketmode.OptionPingInterval(time.Hour))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- e.bot.RunSocketMode(ctx, client) }()
			if tc.stop {
				e.slack.Socket(t)
				cancel()
			}
			var err error
			select {
			case err = <-done:
			case <-time.After(fakeslack.WaitTimeout):
				t.Fatal("RunSocketMode did not return")
			}
			var fatal *FatalSocketError
			if got := errors.As(err, &fatal); got != tc.fatal || (!tc.fatal && err != nil) {
				t.Fatalf("RunSocketMode = %v; fatal %v, want %v", err, got, tc.fatal)
			}
			if tc.fatal {
				if msg := err.Error(); !strings.Contains(msg, tc.name) || !strings.Contains(msg, "SLACK_APP_TOKEN") || strings.Contains(msg, testAppToken) {
					t.Errorf("error %q", msg)
				}
			}
		})
	}
}

// forgetfulStore can record neither deliveries nor commands.
type forgetfulStore struct{ Store }

func (forgetfulStore) FirstDelivery(context.Context, string, time.Duration) (bool, error) {
	return false, errors.New("database is locked")
}

func (forgetfulStore) Receive(context.Context, *store.InboxItem) (int64, bool, error) {
	return 0, false, errors.New("database is locked")
}

func TestSocketModeChangeNotMadeWhenItCannotBeRecorded(t *testing.T) {
	e := mustEnv(t)
	e.bot.Store = forgetfulStore{e.bot.Store}
	r := e.runSocket(t)
	before := e.mustAuditCount(t, "5.2")
	r.sock.Envelope(t, "env-x", "slash_commands", e.slashPayload(uCSU, "5.2 progress 45", "r1"), 0)
	ack := r.sock.Ack(t, "env-x")
	if !strings.Contains(string(ack), "couldn't record that change, so nothing was changed") {
		t.Errorf("ack %s", ack)
	}
	e.bot.Wait()
	if n := e.mustAuditCount(t, "5.2"); n != before {
		t.Errorf("changed anyway")
	}
}

// An envelope slack-go cannot read (a payload of the wrong shape, a type it
// does not know) is acked all the same: unacked, Slack would send it again
// and again.
func TestSocketModeUnreadableEnvelopesAreAcked(t *testing.T) {
	tests := []struct {
		name, typ string
		payload   any
	}{
		{"a slash command that is not an object", "slash_commands", "not an object"},
		{"an interaction that is not an object", "interactive", []int{1, 2}},
		{"a type slack-go does not know", "something_new", map[string]any{"x": 1}},
		{"an event that is not an object", "events_api", 42},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := mustEnv(t)
			r := e.runSocket(t)
			r.sock.Envelope(t, "env-odd", tc.typ, tc.payload, 0)
			if ack := r.sock.Ack(t, "env-odd"); ack != nil {
				t.Errorf("acked with %s; want an empty ack", ack)
			}
		})
	}
}
