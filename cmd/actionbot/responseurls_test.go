package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/bot/fakeslack"
)

// TestServeNeverPostsToAResponseURLOffSlack runs the bot on a fake Slack:
// a click whose response_url is on another server is acked, and nothing
// reaches that server (the person is told through Slack's API instead); the
// same click with Slack's (the fake's) response_url is answered there.
func TestServeNeverPostsToAResponseURLOffSlack(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := e2eBuild(t)
	fake := fakeslack.New(t)
	var hits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(other.Close)
	dir := t.TempDir()
	p := startE2E(t, bin, []string{
		"ACTIONBOT_DB=" + filepath.Join(dir, "actionbot.db"), "HOME=" + dir, "PATH=" + os.Getenv("PATH"),
		"SLACK_BOT_TOKEN=" + e2eBotToken, "SLACK_SIGNING_SECRET=" + e2eSigningSecret,
		"SLACK_API_URL=" + fake.APIURL(), "ACTIONBOT_ADDR=127.0.0.1:0",
	}, "serve")
	base := "http://" + p.waitLine(t, regexp.MustCompile(`msg="Slack HTTP mode listening" addr=(\S+)`))[1]

	click := func(responseURL string) {
		t.Helper()
		payload, _ := json.Marshal(map[string]any{
			"type": "block_actions", "user": map[string]any{"id": "USTRANGER1"}, "api_app_id": "A1", "team": map[string]any{"id": "T1"},
			"trigger_id": "1.2.3", "response_url": responseURL,
			"container": map[string]any{"type": "message", "message_ts": "1340179100.000200", "channel_id": "C0GENERAL", "is_ephemeral": true},
			"channel":   map[string]any{"id": "C0GENERAL"},
			"actions":   []any{map[string]any{"type": "button", "action_id": actionbot.ButtonDone, "block_id": "actions:5.2", "value": "5.2"}},
		})
		if status, body := e2eSigned(t, base, "/slack/interactivity", "application/x-www-form-urlencoded",
			[]byte(url.Values{"payload": {string(payload)}}.Encode())); status != http.StatusOK {
			t.Fatalf("click: %d %s", status, body)
		}
	}
	click(other.URL + "/response/STOLENTOKEN")
	// The refusal is told in place all the same, through Slack's API.
	if got := fake.Wait(t, "chat.postEphemeral", 1)[0]; got.Param("user") != "USTRANGER1" {
		t.Errorf("the refusal went to %q", got.Param("user"))
	}
	click(fake.ResponseURL("r1"))
	fake.Wait(t, "response:r1", 1) // the refusal reached Slack's response_url
	time.Sleep(100 * time.Millisecond)
	if n := hits.Load(); n != 0 {
		t.Errorf("%d posts reached a response_url off Slack", n)
	}
	if strings.Contains(p.log(), "STOLENTOKEN") {
		t.Errorf("the log shows the refused response_url's path:\n%s", p.log())
	}
}
