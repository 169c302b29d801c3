package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/bot/fakeslack"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// Secrets the tests configure; none may ever reach the logs.
const (
	testBotToken      = "xoxb-1111-2222-botTOKENneverLOGGED"
	testAppToken      = "xapp-1-A111-3333-appTOKENneverLOGGED"
	testSigningSecret = "8f742231b10e8888abcd99yyysigningSECRET"
)

// Users of the tests: a coordinator, a member of CSU (which co-leads 5.2)
// and of KFRS (which leads 5.4), and someone registered nowhere.
const (
	uCoord    = "UCOORD1"
	uCSU      = "UCSU1"
	uKFRS     = "UKFRS1"
	uStranger = "USTRANGE1"
)

// testEnv is a bot on the shipped plan in a real SQLite file, talking to a
// fake Slack on loopback.
type testEnv struct {
	tb    testing.TB
	clock *storetest.Clock
	db    *store.DB
	slack *fakeslack.Server
	api   *slack.Client
	bot   *Bot
	logs  *storetest.LogBuffer
	plan  *actionbot.Plan
	srvMu sync.Mutex // guards srv, started lazily by the first request
	srv   *httptest.Server
}

// mustEnv builds a test environment at 09:00 on 20 June 2012, London.
func mustEnv(tb testing.TB) *testEnv {
	tb.Helper()
	clock := storetest.NewClock(time.Date(2012, time.June, 20, 9, 0, 0, 0, storetest.London))
	db := storetest.MustOpen(tb, clock)
	db.ConfiguredCoordinators = []string{uCoord} // coordinators by the wiring's word
	ctx := context.Background()
	for _, m := range []struct{ user, agency string }{{uCSU, "CSU"}, {uKFRS, "KFRS"}} {
		if err := db.AddMember(ctx, m.user, m.agency, uCoord); err != nil {
			tb.Fatalf("add member: %v", err)
		}
	}
	plan, err := db.CurrentPlan(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	fs := fakeslack.New(tb)
	logs := &storetest.LogBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	api := slack.New(testBotToken, slack.OptionAPIURL(fs.APIURL()), slack.OptionAppLevelToken(testAppToken))
	h := &commands.Handler{Store: db, Now: clock.Now, Location: storetest.London, Logger: log}
	e := &testEnv{tb: tb, clock: clock, db: db, slack: fs, api: api, logs: logs, plan: plan,
		bot: &Bot{Handler: h, Store: db, API: api, Logger: log, Now: clock.Now, ResponseURLs: []string{fs.ResponseURL("")}}}
	tb.Cleanup(func() {
		e.bot.Wait()
		for _, secret := range []string{testBotToken, testAppToken, testSigningSecret} {
			if strings.Contains(logs.String(), secret) {
				tb.Errorf("the logs contain a secret (%.5s…):\n%s", secret, logs.String())
			}
		}
		if m := regexp.MustCompile(`x(oxb|oxp|app)-[0-9A-Za-z]`).FindString(logs.String()); m != "" {
			tb.Errorf("the logs contain something like a token (%s…)", m)
		}
	})
	return e
}

// httpServer serves the bot over HTTP on loopback, verifying signatures
// with the test clock.
func (e *testEnv) httpServer(tb testing.TB) *httptest.Server {
	tb.Helper()
	e.srvMu.Lock()
	defer e.srvMu.Unlock()
	if e.srv == nil {
		v := NewVerifier(testSigningSecret)
		v.Now = e.clock.Now
		e.srv = httptest.NewServer(e.bot.HTTPHandler(v))
		e.tb.Cleanup(e.srv.Close)
	}
	return e.srv
}

// signed posts a body to the bot, signed now with the signing secret.
func (e *testEnv) signed(tb testing.TB, path, contentType string, body []byte, header http.Header) (int, []byte) {
	tb.Helper()
	ts, sig := Sign(testSigningSecret, e.clock.Now(), body)
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", ts)
	h.Set("X-Slack-Signature", sig)
	for k, v := range header {
		h[k] = v
	}
	return e.raw(tb, http.MethodPost, path, contentType, body, h)
}

// postSlash posts /action text as user to srv, signed now, as Slack does,
// and returns the response for the caller to read and close. Unlike
// signed, it fails nothing itself: it is safe from several goroutines.
func (e *testEnv) postSlash(srv *httptest.Server, user, text, responseID string) (*http.Response, error) {
	body := e.slashForm(user, text, responseID)
	ts, sig := Sign(testSigningSecret, e.clock.Now(), body)
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/slack/commands", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", formType)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", sig)
	return http.DefaultClient.Do(req)
}

func (e *testEnv) raw(tb testing.TB, method, path, contentType string, body []byte, h http.Header) (int, []byte) {
	tb.Helper()
	req, err := http.NewRequest(method, e.httpServer(tb).URL+path, bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	req.Header = h.Clone()
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

const formType = "application/x-www-form-urlencoded"

// slashForm is the form Slack posts for /action text.
func (e *testEnv) slashForm(user, text, responseID string) []byte {
	return []byte(url.Values{
		"token": {"legacy-verification-token"}, "team_id": {"T1"}, "channel_id": {"C0CHAN"}, "channel_name": {"general"},
		"user_id": {user}, "user_name": {"someone"}, "command": {"/action"}, "text": {text},
		"response_url": {e.slack.ResponseURL(responseID)}, "trigger_id": {"1337.42.trigger"}, "api_app_id": {"A1"},
	}.Encode())
}

// interactionForm is the form Slack posts for an interaction payload.
func interactionForm(tb testing.TB, payload any) []byte {
	tb.Helper()
	b, err := json.Marshal(payload)
	if err != nil {
		tb.Fatal(err)
	}
	return []byte(url.Values{"payload": {string(b)}}.Encode())
}

// blockAction is a block_actions payload for a click on a button.
func (e *testEnv) blockAction(user, actionID, value, blockID, responseID string, container map[string]any) map[string]any {
	return map[string]any{
		"type": "block_actions", "user": map[string]any{"id": user}, "api_app_id": "A1", "team": map[string]any{"id": "T1"},
		"trigger_id": "1337.42.trigger", "response_url": e.slack.ResponseURL(responseID), "container": container,
		"channel": map[string]any{"id": container["channel_id"]},
		"actions": []any{map[string]any{"type": "button", "action_id": actionID, "block_id": blockID, "value": value, "action_ts": "1340179200.1"}},
	}
}

func ephemeralContainer(channel string) map[string]any {
	return map[string]any{"type": "message", "message_ts": "1340179100.000200", "channel_id": channel, "is_ephemeral": true}
}

func messageContainer(channel, ts string) map[string]any {
	return map[string]any{"type": "message", "message_ts": ts, "channel_id": channel, "is_ephemeral": false}
}

// mustAction loads an action of the current plan.
func (e *testEnv) mustAction(tb testing.TB, ref string) *actionbot.Action {
	tb.Helper()
	a, err := e.db.FindAction(context.Background(), e.plan.ID, ref)
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

func (e *testEnv) mustAuditCount(tb testing.TB, ref string) int {
	tb.Helper()
	n, err := e.db.AuditCount(context.Background(), e.plan.ID, ref)
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// decode decodes JSON into a generic value.
func decode(tb testing.TB, b []byte) map[string]any {
	tb.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		tb.Fatalf("decode %s: %v", b, err)
	}
	return m
}

func decodeAny(tb testing.TB, s string) any {
	tb.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		tb.Fatalf("decode %s: %v", s, err)
	}
	return v
}

// blocksText concatenates every text of rendered blocks (JSON), for
// assertions on what a person sees.
func blocksText(v any) string {
	var b strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if t, ok := x["text"].(string); ok {
				b.WriteString(t)
				b.WriteByte('\n')
			}
			for k, y := range x {
				if k != "text" || !isString(y) {
					walk(y)
				}
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	walk(v)
	return b.String()
}

func isString(v any) bool { _, ok := v.(string); return ok }

// checkLimits fails the test when rendered blocks (JSON) break a Block Kit
// limit.
func checkLimits(tb testing.TB, blocks []any, maxBlocks int) {
	tb.Helper()
	if len(blocks) > maxBlocks {
		tb.Errorf("%d blocks; the limit is %d", len(blocks), maxBlocks)
	}
	textOf := func(v any) string {
		m, _ := v.(map[string]any)
		s, _ := m["text"].(string)
		return s
	}
	for i, bv := range blocks {
		b := bv.(map[string]any)
		switch b["type"] {
		case "header":
			if n := textLen(textOf(b["text"])); n > maxHeaderLen || n == 0 {
				tb.Errorf("block %d: header of %d characters", i, n)
			}
		case "section":
			t := textOf(b["text"])
			fields, _ := b["fields"].([]any)
			if t == "" && len(fields) == 0 {
				tb.Errorf("block %d: empty section", i)
			}
			if textLen(t) > maxTextLen {
				tb.Errorf("block %d: section text of %d characters", i, textLen(t))
			}
			if len(fields) > maxFields {
				tb.Errorf("block %d: %d fields", i, len(fields))
			}
			for _, f := range fields {
				if n := textLen(textOf(f)); n > maxFieldLen {
					tb.Errorf("block %d: field of %d characters", i, n)
				}
			}
		case "context":
			els, _ := b["elements"].([]any)
			if len(els) == 0 || len(els) > 10 {
				tb.Errorf("block %d: context with %d elements", i, len(els))
			}
			for _, el := range els {
				if n := textLen(textOf(el)); n > maxTextLen {
					tb.Errorf("block %d: context text of %d characters", i, n)
				}
			}
		case "actions":
			els, _ := b["elements"].([]any)
			if len(els) == 0 || len(els) > maxActionElements {
				tb.Errorf("block %d: %d buttons", i, len(els))
			}
			ids := map[string]bool{}
			for _, el := range els {
				m := el.(map[string]any)
				id, _ := m["action_id"].(string)
				if len(id) > maxActionIDLen || ids[id] {
					tb.Errorf("block %d: action_id %q too long or repeated", i, id)
				}
				ids[id] = true
				if n := textLen(textOf(m["text"])); n > maxButtonTextLen {
					tb.Errorf("block %d: button text of %d characters", i, n)
				}
			}
		case "divider", "input":
		default:
			tb.Errorf("block %d: unexpected type %v", i, b["type"])
		}
	}
}

func commandRequest(user, text string) commands.Request {
	return commands.Request{UserID: user, ChannelID: "C0CHAN", Text: text}
}
