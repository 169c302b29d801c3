package bot

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
)

// A signed slash command whose command is not the bot's (/action, or
// Bot.Command) is refused with an ephemeral answer naming the command it
// answers, and nothing is run or recorded: another app's command routed to
// this URL by mistake was handled as /action (issue 24, items 7 and 8).
func TestASlashCommandOtherThanTheConfiguredOneIsRefused(t *testing.T) {
	for _, tc := range []struct {
		name, configured, sent string
		refused                bool
	}{
		{"another command", "", "/deploy", true},
		{"the default", "", "/action", false},
		{"no command", "", "", true},
		{"a prefix of it", "", "/act", true},
		{"the configured one", "/plan", "/plan", false},
		{"the default when another is configured", "/plan", "/action", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := mustEnv(t)
			e.bot.Command = tc.configured
			before := e.mustAuditCount(t, "5.2")
			form, err := url.ParseQuery(string(e.slashForm(uCSU, "5.2 progress 45", "r1")))
			if err != nil {
				t.Fatal(err)
			}
			form.Set("command", tc.sent)
			status, body := e.signed(t, "/slack/commands", formType, []byte(form.Encode()), nil)
			if status != http.StatusOK {
				t.Fatalf("status %d: %s", status, body)
			}
			e.bot.Wait()
			changed := e.mustAuditCount(t, "5.2") - before
			if !tc.refused {
				if changed != 1 {
					t.Fatalf("%s, the configured command, made %d changes: %s", tc.sent, changed, body)
				}
				return
			}
			if changed != 0 || e.mustAction(t, "5.2").Progress == 45 {
				t.Fatalf("%q was run as the bot's command", tc.sent)
			}
			resp := decode(t, body)
			if resp["response_type"] != "ephemeral" {
				t.Errorf("the refusal is %v, want ephemeral", resp["response_type"])
			}
			want := tc.configured
			if want == "" {
				want = "/action"
			}
			if text, _ := resp["text"].(string); !strings.Contains(text, want) || !strings.Contains(text, "only") {
				t.Errorf("the refusal does not say the bot answers %s only: %s", want, body)
			}
			if n := len(e.slack.Requests("")); n != 0 {
				t.Errorf("a refused command called Slack %d times", n)
			}
		})
	}
}

// Socket Mode refuses another command the same way.
func TestSocketModeRefusesAnotherCommand(t *testing.T) {
	e := mustEnv(t)
	r := e.runSocket(t)
	before := e.mustAuditCount(t, "5.2")
	p := e.slashPayload(uCSU, "5.2 progress 45", "r1")
	p["command"] = "/deploy"
	r.sock.Envelope(t, "env-other", "slash_commands", p, 0)
	ack := decode(t, r.sock.Ack(t, "env-other"))
	if text, _ := ack["text"].(string); !strings.Contains(text, "/action") || ack["response_type"] != "ephemeral" {
		t.Errorf("ack %v", ack)
	}
	e.bot.Wait()
	if n := e.mustAuditCount(t, "5.2") - before; n != 0 {
		t.Errorf("/deploy made %d changes", n)
	}
}

// A workspace whose app defines another command (ACTIONBOT_SLASH_COMMAND
// /csp, because /action is another app's) reads that one wherever an
// answer or a post says what to type: help, a card, a change's
// confirmation, a refusal, a reminder. Before, all of them said /action,
// which the app then refused as not its command.
func TestEveryAnswerAndPostSaysTheAppsOwnCommand(t *testing.T) {
	e := mustEnv(t)
	e.bot.Command = "/csp"
	for _, text := range []string{"help", "5.2", "5.2 progress 45 two schemes running", "9.9", "5.2 progress 150", "mine"} {
		form, err := url.ParseQuery(string(e.slashForm(uCSU, text, "r-"+text)))
		if err != nil {
			t.Fatal(err)
		}
		form.Set("command", "/csp")
		status, body := e.signed(t, "/slack/commands", formType, []byte(form.Encode()), nil)
		if status != http.StatusOK {
			t.Fatalf("/csp %s: status %d: %s", text, status, body)
		}
		if strings.Contains(string(body), "/action") {
			t.Errorf("/csp %s: the answer says /action:\n%s", text, body)
		}
		if text == "help" && !strings.Contains(string(body), "/csp 5.2") {
			t.Errorf("/csp help does not say /csp 5.2:\n%s", body)
		}
	}
	e.bot.Wait()
	if e.mustAction(t, "5.2").Progress != 45 {
		t.Fatal("/csp 5.2 progress 45 was not made")
	}

	e.mustEnqueue(t, &actionbot.Outgoing{Key: "nudge", Kind: "reminder", To: uCSU, Message: actionbot.Message{
		Text:   "Reminder: 5.2 is overdue. Reply /action 5.2 done when it is.",
		Blocks: []actionbot.Block{actionbot.Section("⏰ ", actionbot.B("5.2"), " is overdue: ", actionbot.C("/action 5.2 done"), " when it is.")}}})
	if _, err := e.sender().Step(context.Background()); err != nil {
		t.Fatal(err)
	}
	posts := e.slack.Requests("chat.postMessage")
	if len(posts) != 1 {
		t.Fatalf("%d posts", len(posts))
	}
	got := fmt.Sprint(posts[0].Form, posts[0].JSON)
	if strings.Contains(got, "/action") || !strings.Contains(got, "/csp 5.2 done") {
		t.Errorf("the reminder as posted: %s", got)
	}
	// What is kept is the message as written, for any command.
	if all, _ := e.db.Outgoing(context.Background(), "", 10); len(all) != 1 || !strings.Contains(all[0].Message.Text, "/action 5.2 done") {
		t.Errorf("the outbox holds %+v", all)
	}
}
