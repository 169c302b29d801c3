package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

func TestHTTPSlashQueryAnswersInTheAck(t *testing.T) {
	tests := []struct {
		name, text, responseType string
		want                     []string
	}{
		{"card", "5.2", "ephemeral", []string{"5.2 Promote Speedwatch across the District", "*Status*", "Mark done", "Update progress"}},
		{"escaped as Slack sends it", "#5.2", "ephemeral", []string{"5.2 Promote Speedwatch"}},
		{"shared with the channel", "share 5.2", "in_channel", []string{"5.2 Promote Speedwatch"}},
		{"a mistake is explained", "5.2 dne", "ephemeral", []string{"I don't know \"dne\""}},
		{"mine", "mine", "ephemeral", []string{"Your actions — CSU"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := mustEnv(t)
			status, body := e.signed(t, "/slack/commands", formType, e.slashForm(uCSU, tc.text, "r1"), nil)
			if status != http.StatusOK {
				t.Fatalf("status %d: %s", status, body)
			}
			resp := decode(t, body)
			if resp["response_type"] != tc.responseType {
				t.Errorf("response_type = %v, want %s", resp["response_type"], tc.responseType)
			}
			blocks, _ := resp["blocks"].([]any)
			checkLimits(t, blocks, MaxMessageBlocks)
			text := blocksText(blocks)
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("answer lacks %q:\n%s", w, text)
				}
			}
			if resp["text"] == "" {
				t.Error("no fallback text")
			}
			e.bot.Wait()
			if got := e.slack.Requests(""); len(got) != 0 {
				t.Errorf("a query called Slack: %v", got[0].Method)
			}
		})
	}
}

func TestHTTPSlashChangeRepliesThroughResponseURL(t *testing.T) {
	e := mustEnv(t)
	before := e.mustAuditCount(t, "5.2")
	status, body := e.signed(t, "/slack/events", formType, e.slashForm(uCSU, "5.2 progress 60 two &amp; a half schemes running", "r1"), nil)
	if status != http.StatusOK || len(body) != 0 {
		t.Fatalf("ack: %d %q; want an empty 200", status, body)
	}
	got := e.slack.Wait(t, "response:r1", 1)[0]
	if got.JSON["response_type"] != "ephemeral" || got.JSON["replace_original"] != false {
		t.Errorf("reply %v", got.JSON)
	}
	if text := blocksText(got.JSON["blocks"]); !strings.Contains(text, "*5.2* is now at 60%.") {
		t.Errorf("reply lacks the confirmation:\n%s", text)
	}
	a := e.mustAction(t, "5.2")
	if a.Progress != 60 || a.LastUpdate.Note != "two & a half schemes running" || a.LastUpdate.Actor != uCSU {
		t.Errorf("5.2 = %d%%, last update %+v", a.Progress, a.LastUpdate)
	}
	if n := e.mustAuditCount(t, "5.2"); n != before+1 {
		t.Errorf("audit entries %d, want %d", n, before+1)
	}
}

func TestHTTPRefusesBadRequests(t *testing.T) {
	tests := []struct {
		name   string
		status int
		header func(e *testEnv, body []byte) http.Header
		body   func(e *testEnv) []byte
	}{
		{"tampered body", http.StatusUnauthorized, func(e *testEnv, body []byte) http.Header {
			return signedHeader(e.clock.Now(), testSigningSecret, e.slashForm(uCSU, "5.2 note harmless", "r1"))
		}, nil},
		{"missing signature", http.StatusUnauthorized, func(e *testEnv, body []byte) http.Header {
			h := signedHeader(e.clock.Now(), testSigningSecret, body)
			h.Del("X-Slack-Signature")
			return h
		}, nil},
		{"missing timestamp", http.StatusUnauthorized, func(e *testEnv, body []byte) http.Header {
			h := signedHeader(e.clock.Now(), testSigningSecret, body)
			h.Del("X-Slack-Request-Timestamp")
			return h
		}, nil},
		{"malformed signature", http.StatusUnauthorized, func(e *testEnv, body []byte) http.Header {
			h := signedHeader(e.clock.Now(), testSigningSecret, body)
			h.Set("X-Slack-Signature", "v0=not-hex")
			return h
		}, nil},
		{"stale", http.StatusUnauthorized, func(e *testEnv, body []byte) http.Header {
			return signedHeader(e.clock.Now().Add(-10*time.Minute), testSigningSecret, body)
		}, nil},
		{"future", http.StatusUnauthorized, func(e *testEnv, body []byte) http.Header {
			return signedHeader(e.clock.Now().Add(10*time.Minute), testSigningSecret, body)
		}, nil},
		{"wrong secret", http.StatusUnauthorized, func(e *testEnv, body []byte) http.Header {
			return signedHeader(e.clock.Now(), "not-the-secret", body)
		}, nil},
		{"over 1 MB, even signed", http.StatusRequestEntityTooLarge, func(e *testEnv, body []byte) http.Header {
			return signedHeader(e.clock.Now(), testSigningSecret, body)
		}, func(e *testEnv) []byte {
			b := e.slashForm(uCSU, "5.2 done", "r1")
			return append(b, []byte("&pad="+strings.Repeat("x", MaxBodyBytes))...)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := mustEnv(t)
			body := e.slashForm(uCSU, "5.2 done", "r1")
			if tc.body != nil {
				body = tc.body(e)
			}
			before := e.mustAuditCount(t, "5.2")
			status, _ := e.raw(t, http.MethodPost, "/slack/commands", formType, body, tc.header(e, body))
			if status != tc.status {
				t.Errorf("status %d, want %d", status, tc.status)
			}
			e.bot.Wait()
			if a := e.mustAction(t, "5.2"); a.Status != actionbot.StatusOpen || e.mustAuditCount(t, "5.2") != before {
				t.Errorf("the refused request changed 5.2: %s", a.Status)
			}
			if got := e.slack.Requests(""); len(got) != 0 {
				t.Errorf("the refused request reached Slack: %s", got[0].Method)
			}
		})
	}
}

func signedHeader(at time.Time, secret string, body []byte) http.Header {
	ts, sig := Sign(secret, at, body)
	h := http.Header{}
	h.Set("X-Slack-Request-Timestamp", ts)
	h.Set("X-Slack-Signature", sig)
	return h
}

func TestHTTPHandshakes(t *testing.T) {
	tests := []struct {
		name, contentType string
		body              string
		signed            bool
		status            int
		want              string
	}{
		{"ssl_check", formType, "ssl_check=1&token=x", true, http.StatusOK, ""},
		{"ssl_check unsigned, answered before the signature check as Bolt does", formType, "ssl_check=1&token=x", false, http.StatusOK, ""},
		{"a command posing as an ssl_check, unsigned", formType, "ssl_check=1&command=%2Faction&text=5.2+done&user_id=UCOORD1", false, http.StatusUnauthorized, ""},
		{"url_verification echoes the challenge", "application/json", `{"token":"x","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`, true,
			http.StatusOK, `{"challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}`},
		{"url_verification unsigned", "application/json", `{"challenge":"abc","type":"url_verification"}`, false, http.StatusUnauthorized, ""},
		{"neither a command nor a payload", formType, "hello=1", true, http.StatusBadRequest, ""},
		{"malformed JSON", "application/json", `{"type":`, true, http.StatusBadRequest, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := mustEnv(t)
			var status int
			var body []byte
			if tc.signed {
				status, body = e.signed(t, "/slack/events", tc.contentType, []byte(tc.body), nil)
			} else {
				status, body = e.raw(t, http.MethodPost, "/slack/events", tc.contentType, []byte(tc.body), http.Header{})
			}
			if status != tc.status {
				t.Errorf("status %d, want %d (%s)", status, tc.status, body)
			}
			if tc.want != "" && strings.TrimSpace(string(body)) != tc.want {
				t.Errorf("body %s, want %s", body, tc.want)
			}
		})
	}
}

func TestHTTPRoutes(t *testing.T) {
	e := mustEnv(t)
	tests := []struct {
		method, path string
		status       int
	}{
		{http.MethodGet, "/slack/events", http.StatusMethodNotAllowed},
		{http.MethodPost, "/slack/interactivity", http.StatusUnauthorized},
		{http.MethodPost, "/elsewhere", http.StatusNotFound},
		{http.MethodGet, "/healthz", http.StatusOK},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			if status, body := e.raw(t, tc.method, tc.path, formType, nil, http.Header{}); status != tc.status {
				t.Errorf("status %d, want %d: %s", status, tc.status, body)
			}
		})
	}
}

// brokenStore fails its health check.
type brokenStore struct{ Store }

func (brokenStore) Ping(context.Context) error { return errors.New("disk I/O error") }

func TestHealthz(t *testing.T) {
	tests := []struct {
		name            string
		broken, damaged bool
		status          int
		body            string
	}{
		{"database answers", false, false, http.StatusOK, "ok\n"},
		{"database does not", true, false, http.StatusServiceUnavailable, "database unavailable\n"},
		{"database found damaged while running", false, true, http.StatusServiceUnavailable, "database is damaged\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := mustEnv(t)
			if tc.broken {
				e.bot.Store = brokenStore{e.bot.Store}
			}
			if tc.damaged {
				db := storetest.MustOpenDamaged(t, e.clock)
				if err := db.QuickCheck(context.Background()); err == nil { // as the daily check does
					t.Fatal("quick_check passed a damaged file")
				}
				e.bot.Store = db
			}
			status, body := e.raw(t, http.MethodGet, "/healthz", "", nil, http.Header{})
			if status != tc.status || string(body) != tc.body {
				t.Errorf("GET /healthz = %d %q, want %d %q", status, body, tc.status, tc.body)
			}
		})
	}
}

func homeOpened(user, eventID string) []byte {
	b, _ := json.Marshal(map[string]any{
		"token": "x", "team_id": "T1", "api_app_id": "A1", "type": "event_callback", "event_id": eventID, "event_time": 1340179200,
		"event": map[string]any{"type": "app_home_opened", "user": user, "channel": "D1", "tab": "home", "event_ts": "1340179200.1"},
	})
	return b
}

func TestHTTPRetriedEventActsOnce(t *testing.T) {
	e := mustEnv(t)
	body := homeOpened(uKFRS, "Ev0001")
	for retry := 0; retry < 3; retry++ {
		h := http.Header{}
		if retry > 0 {
			h.Set("X-Slack-Retry-Num", strconv.Itoa(retry))
			h.Set("X-Slack-Retry-Reason", "http_timeout")
		}
		if status, out := e.signed(t, "/slack/events", "application/json", body, h); status != http.StatusOK || len(out) != 0 {
			t.Fatalf("delivery %d: %d %q", retry, status, out)
		}
	}
	e.bot.Wait()
	if n := len(e.slack.Requests("views.publish")); n != 1 {
		t.Fatalf("%d views.publish for one event delivered three times; want 1", n)
	}
	// A restart does not forget: the same bot on the same database, anew.
	restarted := &Bot{Handler: e.bot.Handler, Store: e.db, API: e.api, Logger: e.bot.Logger, Now: e.clock.Now}
	rep := restarted.eventCallback(mustEnvelope(t, body))
	restarted.spawn(rep.later)
	restarted.Wait()
	if n := len(e.slack.Requests("views.publish")); n != 1 {
		t.Errorf("after a restart the redelivery published again: %d", n)
	}
	// A new event is acted on.
	e.signed(t, "/slack/events", "application/json", homeOpened(uKFRS, "Ev0002"), nil)
	e.slack.Wait(t, "views.publish", 2)
}

func mustEnvelope(t *testing.T, body []byte) *eventEnvelope {
	t.Helper()
	var env eventEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatal(err)
	}
	return &env
}

func TestHomePublishedForTheUser(t *testing.T) {
	tests := []struct {
		name   string
		user   string
		at     time.Time
		want   []string
		absent []string
	}{
		{"KFRS on 20 June 2012", uKFRS, time.Date(2012, time.June, 20, 9, 0, 0, 0, time.UTC), []string{
			"You are registered with *Kent Fire &amp; Rescue Service (KFRS)*", "*Actions KFRS leads — 2*", "*Overdue (0)*", "Nothing overdue. 🎉",
			"*Due in the next 14 days (1)*", "*5.4* Use Restorative Justice", "*Open (1)*", "*5.1* Target 4 crash sites", "*The partnership*"},
			[]string{"*Done ("}},
		{"KFRS on 5 July 2012", uKFRS, time.Date(2012, time.July, 5, 9, 0, 0, 0, time.UTC), []string{
			"*Overdue (1)*", "🔴 *5.4*", "5 days overdue", "*Due in the next 14 days (0)*"}, nil},
		{"not registered", uStranger, time.Date(2012, time.June, 20, 9, 0, 0, 0, time.UTC), []string{
			"You are not registered with an agency yet", "<@UCOORD1>", "*The partnership*"}, []string{"*Overdue ("}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := mustEnv(t)
			e.clock.Set(tc.at)
			e.signed(t, "/slack/events", "application/json", homeOpened(tc.user, "Ev-"+tc.name), nil)
			got := e.slack.Wait(t, "views.publish", 1)[0]
			if got.JSON["user_id"] != tc.user || got.Token != testBotToken {
				t.Errorf("published for %v", got.JSON["user_id"])
			}
			view := got.JSON["view"].(map[string]any)
			if view["type"] != "home" {
				t.Errorf("view type %v", view["type"])
			}
			blocks := view["blocks"].([]any)
			checkLimits(t, blocks, MaxViewBlocks)
			text := blocksText(blocks)
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("Home tab lacks %q:\n%s", w, text)
				}
			}
			for _, w := range tc.absent {
				if strings.Contains(text, w) {
					t.Errorf("Home tab has %q:\n%s", w, text)
				}
			}
		})
	}
}

// BenchmarkHTTPSlashQuery measures the query path in process: signature,
// form, command, store, rendering, JSON. The store rechecks the database's
// change counters as serve has it do (every 250 ms, and after each write of
// its own), so the figure is the one a lookup costs the running bot.
func BenchmarkHTTPSlashQuery(b *testing.B) {
	e := mustEnv(b)
	e.db.RecheckEvery = 250 * time.Millisecond
	v := NewVerifier(testSigningSecret)
	v.Now = e.clock.Now
	h := e.bot.HTTPHandler(v)
	body := e.slashForm(uCSU, "5.2", "r1")
	header := signedHeader(e.clock.Now(), testSigningSecret, body)
	header.Set("Content-Type", formType)
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/slack/commands", bytes.NewReader(body))
		req.Header = header
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}

// BenchmarkHTTPSlashChange measures a typed change made before its ack, in
// process: signature, form, command, the one transaction (SQLite, WAL,
// synchronous=NORMAL, as serve opens it) and the answer. Each request is
// a new one (its own signature, so its own inbox record) and a real change.
func BenchmarkHTTPSlashChange(b *testing.B) {
	e := mustEnv(b)
	e.db.RecheckEvery = 250 * time.Millisecond
	e.bot.SyncChanges = 4
	v := NewVerifier(testSigningSecret)
	v.Now = e.clock.Now
	h := e.bot.HTTPHandler(v)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		body := e.slashForm(uCSU, "5.2 progress "+strconv.Itoa(i%100), "r"+strconv.Itoa(i))
		header := signedHeader(e.clock.Now(), testSigningSecret, body)
		header.Set("Content-Type", formType)
		req := httptest.NewRequest(http.MethodPost, "/slack/commands", bytes.NewReader(body))
		req.Header = header
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "✅") {
			b.Fatalf("status %d: %.300s", w.Code, w.Body.String())
		}
	}
}
