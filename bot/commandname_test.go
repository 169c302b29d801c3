package bot

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
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
