package bot

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/bot/fakeslack"
)

// elsewhere is a server on loopback that is not Slack: it counts what
// reaches it.
type elsewhere struct {
	*httptest.Server
	hits atomic.Int32
}

func newElsewhere(t *testing.T) *elsewhere {
	t.Helper()
	s := &elsewhere{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		w.Write([]byte("ok"))
	}))
	t.Cleanup(s.Close)
	return s
}

// slashFormTo is e.slashForm with another response_url.
func (e *testEnv) slashFormTo(t *testing.T, user, text, responseURL string) []byte {
	t.Helper()
	v, err := url.ParseQuery(string(e.slashForm(user, text, "unused")))
	if err != nil {
		t.Fatal(err)
	}
	v.Set("response_url", responseURL)
	return []byte(v.Encode())
}

func TestASlashCommandWhoseResponseURLIsNotSlacksIsAnsweredInTheAckButNothingIsPostedThere(t *testing.T) {
	e := mustEnv(t)
	other := newElsewhere(t)
	target := other.URL + "/response/TOKENOFELSEWHERE"

	status, body := e.signed(t, "/slack/commands", formType, e.slashFormTo(t, uCSU, "5.2", target), nil)
	if status != http.StatusOK || !strings.Contains(blocksText(decode(t, body)["blocks"]), "5.2 Promote Speedwatch") {
		t.Fatalf("the query was not answered in the ack: %d %s", status, body)
	}
	// A change is made after its ack and confirmed through the
	// response_url: not this one.
	status, body = e.signed(t, "/slack/commands", formType, e.slashFormTo(t, uCSU, "5.2 progress 60 schemes running", target), nil)
	if status != http.StatusOK || len(body) != 0 {
		t.Fatalf("ack: %d %q; want an empty 200", status, body)
	}
	// A click names a response_url too: its refusal goes nowhere else.
	click := e.blockAction(uStranger, actionbot.ButtonDone, "5.2", "actions:7", "unused", ephemeralContainer("C0CHAN"))
	click["response_url"] = target
	e.click(t, click)
	e.bot.Wait()
	if a := e.mustAction(t, "5.2"); a.Progress != 60 {
		t.Errorf("5.2 is at %d%%; the change was not made", a.Progress)
	}
	if n := other.hits.Load(); n != 0 {
		t.Errorf("%d posts reached a response_url that is not Slack's", n)
	}
	if logs := e.logs.String(); strings.Contains(logs, "TOKENOFELSEWHERE") || !strings.Contains(logs, "not Slack's") {
		t.Errorf("the logs should say the response_url was refused, without its path:\n%s", logs)
	}
}

func TestAReplyIsNotFollowedThroughARedirect(t *testing.T) {
	e := mustEnv(t)
	other := newElsewhere(t)
	e.slack.Always("response:r1", func(fakeslack.Request) *fakeslack.Reply {
		h := http.Header{}
		h.Set("Location", other.URL+"/stolen")
		return &fakeslack.Reply{Status: http.StatusTemporaryRedirect, Header: h, Body: ""}
	})
	status, body := e.signed(t, "/slack/commands", formType, e.slashForm(uCSU, "5.2 progress 60 schemes running", "r1"), nil)
	if status != http.StatusOK || len(body) != 0 {
		t.Fatalf("ack: %d %q; want an empty 200", status, body)
	}
	e.slack.Wait(t, "response:r1", 1)
	e.bot.Wait()
	if n := other.hits.Load(); n != 0 {
		t.Errorf("the reply followed a redirect from the response_url: %d posts reached its target", n)
	}
	if logs := e.logs.String(); !strings.Contains(logs, "307") {
		t.Errorf("the logs do not say the response_url answered 307:\n%s", logs)
	}
}

func TestTheResponseURLsAnswerIsNeverLogged(t *testing.T) {
	e := mustEnv(t)
	e.slack.Always("response:r1", func(fakeslack.Request) *fakeslack.Reply {
		return &fakeslack.Reply{Status: http.StatusInternalServerError, Body: "words-of-the-far-end"}
	})
	e.signed(t, "/slack/commands", formType, e.slashForm(uCSU, "5.2 progress 60 schemes running", "r1"), nil)
	e.slack.Wait(t, "response:r1", 1)
	e.bot.Wait()
	logs := e.logs.String()
	if strings.Contains(logs, "words-of-the-far-end") {
		t.Errorf("the logs hold the body the response_url answered:\n%s", logs)
	}
	if !strings.Contains(logs, "500") {
		t.Errorf("the logs do not say the response_url answered 500:\n%s", logs)
	}
}

func TestResponseURLAllowedOnlyOnSlacksHooks(t *testing.T) {
	for _, tc := range []struct {
		url      string
		prefixes []string
		want     bool
	}{
		{"https://hooks.slack.com/commands/T1/2/abc", nil, true},
		{"https://HOOKS.slack.com/actions/T1/2/abc", nil, true},
		{"http://hooks.slack.com/commands/T1/2/abc", nil, false},
		{"https://hooks.slack.com.evil.example/commands/1", nil, false},
		{"https://hooks.slack.com@evil.example/commands/1", nil, false},
		{"https://user:pw@hooks.slack.com/commands/1", nil, false},
		{"https://evil.example/https://hooks.slack.com/", nil, false},
		{"https://hooks.slack.com:8443/commands/1", nil, false},
		{"http://127.0.0.1:9/response/r1", nil, false},
		{"http://127.0.0.1:9/response/r1", []string{"http://127.0.0.1:9/response/"}, true},
		{"http://127.0.0.1:9/other/r1", []string{"http://127.0.0.1:9/response/"}, false},
		{"http://127.0.0.1:10/response/r1", []string{"http://127.0.0.1:9/response/"}, false},
		{"not a url", nil, false},
		{"", nil, false},
	} {
		if got := ResponseURLAllowed(tc.url, tc.prefixes); got != tc.want {
			t.Errorf("ResponseURLAllowed(%q, %q) = %v, want %v", tc.url, tc.prefixes, got, tc.want)
		}
	}
}
