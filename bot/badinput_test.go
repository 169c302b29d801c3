package bot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// serveSigned sends a signed request straight to the handler (no network),
// for the fuzzer.
func (e *testEnv) serveSigned(contentType string, body []byte) *httptest.ResponseRecorder {
	ts, sig := Sign(testSigningSecret, e.clock.Now(), body)
	req := httptest.NewRequest(http.MethodPost, "/slack/events", bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", sig)
	rec := httptest.NewRecorder()
	v := NewVerifier(testSigningSecret)
	v.Now = e.clock.Now
	e.bot.HTTPHandler(v).ServeHTTP(rec, req)
	return rec
}

// FuzzSlackRequest sends signed requests of any shape: slash commands,
// interaction payloads, Events API callbacks. Whatever arrives, the bot
// answers with a status Slack understands and never panics.
func FuzzSlackRequest(f *testing.F) {
	seeds := []struct{ ct, body string }{
		{formType, "command=%2Faction&text=5.2&user_id=UCSU1&channel_id=C1&response_url=http%3A%2F%2F127.0.0.1%3A1%2Fr"},
		{formType, "command=%2Faction&text=5.2+progress+60&user_id=UCSU1&channel_id=C1"},
		{formType, `payload={"type":"block_actions","user":{"id":"UCSU1"},"actions":[{"action_id":"actionbot_done","value":"5.2"}]}`},
		{formType, `payload={"type":"view_submission","user":{"id":"UCSU1"},"view":{"callback_id":"actionbot_progress","private_metadata":"{}"}}`},
		{formType, `payload={"type":`},
		{formType, "payload=%00%01"},
		{"application/json", `{"type":"event_callback","event_id":"Ev1","event":{"type":"app_home_opened","user":"UCSU1","tab":"home"}}`},
		{"application/json", `{"type":"url_verification","challenge":"x"}`},
		{"application/json", `{"type":"event_callback","event":null}`},
		{"application/json", `[1,2,3]`},
		{"text/plain", "hello"},
	}
	for _, s := range seeds {
		f.Add(s.ct, []byte(s.body))
	}
	e := mustEnv(f)
	e.bot.HTTPClient = &http.Client{Transport: refuseTransport{}} // no reply leaves the test
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		rec := e.serveSigned(ct, body)
		switch rec.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType:
		default:
			t.Fatalf("status %d for %q %q", rec.Code, ct, body)
		}
		if out := rec.Body.Bytes(); rec.Code == http.StatusOK && len(out) > 0 && !json.Valid(out) {
			t.Fatalf("a 200 answer is not JSON: %q", out)
		}
	})
}

// refuseTransport fails every request: replies to response URLs go nowhere.
type refuseTransport struct{}

func (refuseTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, fmt.Errorf("no network in this test")
}

func TestBadInput(t *testing.T) {
	tests := []struct {
		name, ct, body string
		status         int
		answer         string // part of the ack, when there is one
	}{
		{"payload is not JSON", formType, "payload=" + url.QueryEscape(`{"type":"block_actions",`), http.StatusBadRequest, ""},
		{"payload with no user or action", formType, "payload=" + url.QueryEscape(`{"type":"block_actions"}`), http.StatusOK, ""},
		{"view submission with no view", formType, "payload=" + url.QueryEscape(`{"type":"view_submission","user":{"id":"UCSU1"}}`), http.StatusOK, ""},
		{"slash command with no user", formType, "command=%2Faction&text=5.2+done", http.StatusOK, ""},
		{"slash command with no text", formType, "command=%2Faction&user_id=UCSU1", http.StatusOK, "/action 5.2 done"},
		{"a 10,000-character note", formType, "command=%2Faction&user_id=UCSU1&channel_id=C1&text=" + url.QueryEscape("5.2 note "+strings.Repeat("n", 10000)),
			http.StatusOK, "10000 characters long; the limit is 2000"},
		{"an event with no event", "application/json", `{"type":"event_callback","event_id":"Ev9"}`, http.StatusOK, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := mustEnv(t)
			before := e.mustAuditCount(t, "5.2")
			status, body := e.signed(t, "/slack/events", tc.ct, []byte(tc.body), nil)
			if status != tc.status {
				t.Fatalf("status %d, want %d (%s)", status, tc.status, body)
			}
			if tc.answer != "" && !strings.Contains(string(body), tc.answer) {
				t.Errorf("answer %s lacks %q", body, tc.answer)
			}
			e.bot.Wait()
			if n := e.mustAuditCount(t, "5.2"); n != before {
				t.Errorf("bad input changed 5.2 (%d audit entries)", n-before)
			}
		})
	}
}

func TestTenMegabyteBodyIsRefused(t *testing.T) {
	e := mustEnv(t)
	body := append([]byte("command=%2Faction&text="), bytes.Repeat([]byte("x"), 10<<20)...)
	status, _ := e.signed(t, "/slack/events", formType, body, nil)
	if status != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", status)
	}
}

func TestControlAndRightToLeftCharactersInNotes(t *testing.T) {
	e := mustEnv(t)
	note := "agreed \u202e<!channel>\u202c with \x07bell & tab\there"
	status, body := e.signed(t, "/slack/events", formType, e.slashForm(uCSU, "5.2 note "+note, "r1"), nil)
	if status != http.StatusOK || len(body) != 0 {
		t.Fatalf("ack %d %s", status, body)
	}
	e.bot.Wait()
	// The override, its terminator and the bell never reach the database
	// nor Slack; the tab stays.
	want := "agreed <!channel> with bell & tab\there"
	if got := e.mustAction(t, "5.2").LastUpdate.Note; got != want {
		t.Fatalf("stored %q, want %q", got, want)
	}
	reply := e.slack.Wait(t, "response:r1", 1)[0]
	raw, _ := json.Marshal(reply.JSON)
	if strings.Contains(string(raw), `\u202e`) || strings.Contains(string(raw), `\u0007`) || strings.ContainsAny(string(raw), "\u202e\a") {
		t.Errorf("a control or bidi character reached Slack: %s", raw)
	}
	if strings.Contains(string(raw), "<!channel>") || !strings.Contains(blocksText(reply.JSON["blocks"]), "&lt;!channel&gt;") {
		t.Errorf("the note is not escaped in the reply: %s", raw)
	}
}

// Many people update the same and different actions at once over HTTP:
// every change is made and audited once, and nobody is told the database
// was busy.
func TestConcurrentUpdatesOverHTTP(t *testing.T) {
	e := mustEnv(t)
	refs := []string{"5.2", "5.2", "5.2", "1.5", "3.3"}
	before := map[string]int{}
	for _, ref := range refs {
		before[ref] = e.mustAuditCount(t, ref)
	}
	const people, each = 24, 10
	e.httpServer(t) // started once, before the goroutines share it
	var wg sync.WaitGroup
	for p := range people {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				ref := refs[(p+i)%len(refs)]
				rid := fmt.Sprintf("p%d-%d", p, i)
				status, body := e.signed(t, "/slack/commands", formType, e.slashForm(uCoord, fmt.Sprintf("%s note person %d update %d", ref, p, i), rid), nil)
				if status != http.StatusOK || len(body) != 0 {
					t.Errorf("ack %d %s", status, body)
				}
			}
		}()
	}
	wg.Wait()
	e.bot.Wait()
	want := map[string]int{}
	for p := range people {
		for i := range each {
			want[refs[(p+i)%len(refs)]]++
		}
	}
	for ref, n := range want {
		if got := e.mustAuditCount(t, ref) - before[ref]; got != n {
			t.Errorf("%s: %d audit entries, want %d", ref, got, n)
		}
	}
	replies := 0
	for p := range people {
		for i := range each {
			for _, r := range e.slack.Requests(fmt.Sprintf("response:p%d-%d", p, i)) {
				replies++
				if text := blocksText(r.JSON["blocks"]); !strings.Contains(text, "Note added") {
					t.Errorf("reply %q", text)
				}
			}
		}
	}
	if replies != people*each {
		t.Errorf("%d replies, want %d", replies, people*each)
	}
	if strings.Contains(e.logs.String(), "database is locked") {
		t.Errorf("the database was locked:\n%s", e.logs.String())
	}
}

// A note refused as too long comes back whole and as typed, through
// Slack's escaping and its 3,000 characters a section: nothing is cut,
// and no *word* is taken as formatting.
func TestATooLongNoteComesBackWholeThroughSlack(t *testing.T) {
	e := mustEnv(t)
	for _, typed := range []string{
		strings.TrimSpace(strings.Repeat("Q&A <with> A&E & KFRS > ok; *urgent* ", 90)), // 3,330 characters, many escaped
		strings.Repeat("😀", 2100),
	} {
		status, body := e.signed(t, "/slack/commands", formType, e.slashForm(uCSU, "1.1 note "+typed, "r1"), nil)
		if status != 200 {
			t.Fatalf("ack %d", status)
		}
		var resp struct {
			Blocks []struct {
				Type string `json:"type"`
				Text struct {
					Text string `json:"text"`
				} `json:"text"`
			} `json:"blocks"`
		}
		if err := json.Unmarshal(body, &resp); err != nil {
			t.Fatal(err)
		}
		var back strings.Builder
		for _, b := range resp.Blocks[min(2, len(resp.Blocks)):] {
			if n := len([]rune(b.Text.Text)); n > 3000 {
				t.Errorf("a section of %d characters", n)
			}
			// The renderer keeps a chunk's last space outside its code span.
			code, ok := strings.CutPrefix(b.Text.Text, "`")
			i := strings.LastIndex(code, "`")
			if !ok || i < 0 || strings.TrimSpace(code[i+1:]) != "" {
				t.Fatalf("not given back as code: %.40q … %q", b.Text.Text, b.Text.Text[max(0, len(b.Text.Text)-30):])
			}
			code = code[:i] + code[i+1:]
			back.WriteString(code)
		}
		got := strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">").Replace(back.String())
		if got != typed {
			t.Errorf("given back %d of %d characters", len([]rune(got)), len([]rune(typed)))
		}
	}
}
