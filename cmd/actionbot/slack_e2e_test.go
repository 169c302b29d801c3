package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot/bot"
	"github.com/sevenoaks-csp/actionbot/bot/fakeslack"
)

const (
	e2eBotToken      = "xoxb-9999-8888-e2eBOTtokenNEVERprinted"
	e2eAppToken      = "xapp-1-A9-7777-e2eAPPtokenNEVERprinted"
	e2eSigningSecret = "e2e-signing-SECRET-never-printed-0123456789"
)

// tokenLike matches Slack tokens (xoxb-1…, xapp-1-…), not the prefixes
// named in advice.
var tokenLike = regexp.MustCompile(`x(oxb|oxp|app)-[0-9A-Za-z]`)

// e2eProcess is the real binary running in HTTP mode.
type e2eProcess struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	stderr bytes.Buffer
	lines  chan string
	exited chan error
}

func (p *e2eProcess) log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

// waitLine waits for a log line matching re; the process is real, so this
// polls its output with a deadline.
func (p *e2eProcess) waitLine(t *testing.T, re *regexp.Regexp) []string {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case line := <-p.lines:
			if m := re.FindStringSubmatch(line); m != nil {
				return m
			}
		case err := <-p.exited:
			t.Fatalf("actionbot exited (%v) before logging %s:\n%s", err, re, p.log())
		case <-deadline:
			t.Fatalf("actionbot did not log %s:\n%s", re, p.log())
		}
	}
}

func e2eBuild(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "actionbot")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func e2eSigned(t *testing.T, base, path, contentType string, body []byte) (int, []byte) {
	t.Helper()
	ts, sig := bot.Sign(e2eSigningSecret, time.Now(), body)
	req, _ := http.NewRequest(http.MethodPost, base+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", sig)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

func e2eSlash(fake *fakeslack.Server, user, text, responseID string) []byte {
	return []byte(url.Values{"team_id": {"T1"}, "channel_id": {"C0GENERAL"}, "user_id": {user}, "command": {"/action"},
		"text": {text}, "response_url": {fake.ResponseURL(responseID)}, "trigger_id": {"1.2.3"}, "api_app_id": {"A1"}}.Encode())
}

// e2eText gathers every "text" of a decoded JSON reply.
func e2eText(v any) string {
	var s strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, y := range x {
				if str, ok := y.(string); ok && k == "text" {
					s.WriteString(str + "\n")
				} else {
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
	return s.String()
}

func TestSlackHTTPEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := e2eBuild(t)
	fake := fakeslack.New(t)
	dir := t.TempDir()
	env := []string{
		"ACTIONBOT_DB=" + filepath.Join(dir, "actionbot.db"),
		"ACTIONBOT_TZ=Europe/London",
		"HOME=" + dir,
		"PATH=" + os.Getenv("PATH"),
	}
	// A coordinator registers people before Slack is connected.
	for _, args := range [][]string{{"member", "add", "UCSU1", "CSU"}, {"coordinator", "add", "UCOORD1"}} {
		c := exec.Command(bin, args...)
		c.Env = env
		if out, err := c.CombinedOutput(); err != nil {
			t.Fatalf("actionbot %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}

	p := startE2E(t, bin, append(env,
		"SLACK_BOT_TOKEN="+e2eBotToken,
		"SLACK_SIGNING_SECRET="+e2eSigningSecret,
		"SLACK_API_URL="+fake.APIURL(),
		"ACTIONBOT_ADDR=127.0.0.1:0",
	), "serve")

	addr := p.waitLine(t, regexp.MustCompile(`msg="Slack HTTP mode listening" addr=(\S+)`))[1]
	base := "http://" + addr
	if got := fake.Requests("auth.test"); len(got) != 1 || got[0].Token != e2eBotToken {
		t.Errorf("auth.test not called with the bot token")
	}

	t.Run("health", func(t *testing.T) {
		resp, err := http.Get(base + "/healthz")
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /healthz: %v %v", resp, err)
		}
		resp.Body.Close()
	})
	t.Run("a query is answered in the ack", func(t *testing.T) {
		status, body := e2eSigned(t, base, "/slack/commands", "application/x-www-form-urlencoded", e2eSlash(fake, "UCSU1", "5.2", "q1"))
		if status != http.StatusOK || !strings.Contains(e2eText(e2eDecode(t, body)), "5.2 Promote Speedwatch across the District") {
			t.Fatalf("%d %s", status, body)
		}
	})
	t.Run("an unsigned change is refused", func(t *testing.T) {
		resp, err := http.Post(base+"/slack/commands", "application/x-www-form-urlencoded", bytes.NewReader(e2eSlash(fake, "UCSU1", "5.2 done", "x1")))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("status %d", resp.StatusCode)
		}
	})
	t.Run("a coordinator sets the task group's channel", func(t *testing.T) {
		// A change is made before the ack and answered in it.
		status, body := e2eSigned(t, base, "/slack/events", "application/x-www-form-urlencoded", e2eSlash(fake, "UCOORD1", "admin channel 5 <#C0TASK5|speeding-task-group>", "c1"))
		if status != http.StatusOK {
			t.Fatalf("ack %d %q", status, body)
		}
		if text := e2eText(e2eDecode(t, body)); !strings.Contains(text, "Priority 5's task group talks in <#C0TASK5>") {
			t.Errorf("answer %s", text)
		}
	})
	t.Run("a change is acked, answered, and announced", func(t *testing.T) {
		status, body := e2eSigned(t, base, "/slack/events", "application/x-www-form-urlencoded", e2eSlash(fake, "UCSU1", "5.2 progress 60 two schemes running", "c2"))
		if status != http.StatusOK {
			t.Fatalf("ack %d %q", status, body)
		}
		if answer := e2eDecode(t, body); answer["response_type"] != "ephemeral" || !strings.Contains(e2eText(answer), "*5.2* is now at 60%.") {
			t.Errorf("answer %v", answer)
		}
		post := fake.WaitFor(t, "chat.postMessage", func(r fakeslack.Request) bool { return r.Param("channel") == "C0TASK5" })
		if post.Token != e2eBotToken || !strings.Contains(post.Param("text"), "updated 5.2 to 60%") ||
			!strings.Contains(post.Param("metadata"), `"key":"announce:`) {
			t.Errorf("announcement: text %q metadata %s", post.Param("text"), post.Param("metadata"))
		}
		status, body = e2eSigned(t, base, "/slack/commands", "application/x-www-form-urlencoded", e2eSlash(fake, "UCSU1", "5.2", "q2"))
		if status != http.StatusOK || !strings.Contains(e2eText(e2eDecode(t, body)), "open · 60%") {
			t.Errorf("the card does not show the change: %s", body)
		}
	})
	t.Run("the Home tab is published", func(t *testing.T) {
		ev, _ := json.Marshal(map[string]any{"type": "event_callback", "event_id": "EvE2E1", "team_id": "T1",
			"event": map[string]any{"type": "app_home_opened", "user": "UCSU1", "tab": "home"}})
		if status, _ := e2eSigned(t, base, "/slack/events", "application/json", ev); status != http.StatusOK {
			t.Fatalf("status %d", status)
		}
		pub := fake.Wait(t, "views.publish", 1)[0]
		if pub.JSON["user_id"] != "UCSU1" || !strings.Contains(e2eText(pub.JSON), "Actions CSU leads") {
			t.Errorf("views.publish %v", pub.JSON["user_id"])
		}
	})

	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.exited:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v\n%s", err, p.log())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("actionbot did not stop within 30 s of SIGTERM:\n%s", p.log())
	}
	logs := p.log()
	if !strings.Contains(logs, "stopped cleanly") {
		t.Errorf("no clean stop in the log:\n%s", logs)
	}
	for _, secret := range []string{e2eBotToken, e2eSigningSecret} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log shows a secret (%.5s…):\n%s", secret, logs)
		}
	}
	if tokenLike.MatchString(logs) {
		t.Errorf("the log shows something like a token: %s", tokenLike.FindString(logs))
	}
}

func e2eDecode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return m
}

// startE2E starts the real binary with the given environment and collects
// its log.
func startE2E(t *testing.T, bin string, env []string, args ...string) *e2eProcess {
	t.Helper()
	mustInitBinary(t, bin, env) // serve on Slack never creates a database
	p := &e2eProcess{lines: make(chan string, 1000), exited: make(chan error, 1)}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Env = env
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.mu.Lock()
			p.stderr.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			select {
			case p.lines <- sc.Text():
			default:
			}
		}
	}()
	go func() {
		<-scanned
		p.exited <- p.cmd.Wait()
	}()
	t.Cleanup(func() { p.cmd.Process.Kill() })
	return p
}

func (p *e2eProcess) waitExit(t *testing.T) int {
	t.Helper()
	select {
	case err := <-p.exited:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(30 * time.Second):
		t.Fatalf("actionbot did not exit within 30 s:\n%s", p.log())
		return -1
	}
}

func TestSlackSocketModeEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := e2eBuild(t)
	tests := []struct {
		name string
		// refuse makes Slack refuse a token: method → error code.
		refuse map[string]string
		code   int
		logs   []string
	}{
		{"answers over the socket and stops on SIGTERM", nil, 0, []string{"slack: connected (Socket Mode)", "stopped cleanly"}},
		{"exits 1 when Slack refuses the app token", map[string]string{"apps.connections.open": "invalid_auth"}, 1, []string{
			`msg="Slack refused the Socket Mode connection; stopping" error=invalid_auth`,
			"actionbot: Slack refused the Socket Mode connection (invalid_auth): check SLACK_APP_TOKEN"}},
		{"exits 1 when the app token was revoked", map[string]string{"apps.connections.open": "token_revoked"}, 1, []string{"check SLACK_APP_TOKEN"}},
		{"exits 1 when Slack refuses the bot token", map[string]string{"auth.test": "invalid_auth"}, 1, []string{
			"actionbot: Slack refused SLACK_BOT_TOKEN (invalid_auth): reinstall the app"}},
		{"starts when Slack cannot check the bot token", map[string]string{"auth.test": "internal_error"}, 0, []string{
			"could not check the bot token with Slack; starting anyway", "stopped cleanly"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fake := fakeslack.New(t)
			for method, code := range tc.refuse {
				fake.Always(method, func(fakeslack.Request) *fakeslack.Reply { return fakeslack.Error(code) })
			}
			dir := t.TempDir()
			p := startE2E(t, bin, []string{"ACTIONBOT_DB=" + filepath.Join(dir, "actionbot.db"), "HOME=" + dir,
				"SLACK_APP_TOKEN=" + e2eAppToken, "SLACK_BOT_TOKEN=" + e2eBotToken, "SLACK_API_URL=" + fake.APIURL()}, "serve")
			if tc.code == 0 {
				sock := fake.Socket(t)
				body, _ := json.Marshal(map[string]any{"envelope_id": "env-1", "type": "slash_commands", "accepts_response_payload": true,
					"payload": map[string]any{"team_id": "T1", "channel_id": "C0GENERAL", "user_id": "U0ANYONE", "command": "/action", "text": "5.2",
						"response_url": fake.ResponseURL("q1"), "trigger_id": "1.2.3"}})
				var env map[string]any
				json.Unmarshal(body, &env)
				if err := sock.Send(env); err != nil {
					t.Fatal(err)
				}
				if ack := sock.Ack(t, "env-1"); !strings.Contains(e2eText(e2eDecode(t, ack)), "5.2 Promote Speedwatch") {
					t.Errorf("ack %s", ack)
				}
				if got := fake.Requests("apps.connections.open"); len(got) != 1 || got[0].Token != e2eAppToken {
					t.Error("apps.connections.open was not called with the app-level token")
				}
				p.cmd.Process.Signal(syscall.SIGTERM)
			}
			if code := p.waitExit(t); code != tc.code {
				t.Errorf("exit status %d, want %d:\n%s", code, tc.code, p.log())
			}
			logs := p.log()
			for _, w := range tc.logs {
				if !strings.Contains(logs, w) {
					t.Errorf("log lacks %q:\n%s", w, logs)
				}
			}
			for _, secret := range []string{e2eAppToken, e2eBotToken} {
				if strings.Contains(logs, secret) {
					t.Errorf("the log shows a secret (%.5s…)", secret)
				}
			}
			if tokenLike.MatchString(logs) {
				t.Errorf("the log shows something like a token: %s", tokenLike.FindString(logs))
			}
		})
	}
}
