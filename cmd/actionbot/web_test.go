package main

import (
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot/bot/fakeslack"
	"github.com/sevenoaks-csp/actionbot/linktoken"
)

func TestLoadWebConfig(t *testing.T) {
	const secret = "a-link-secret-of-32-bytes-or-more-hunter2"
	for _, c := range []struct {
		name string
		env  map[string]string
		on   bool
		err  string
	}{
		{"neither: no pages", map[string]string{}, false, ""},
		{"both", map[string]string{"ACTIONBOT_PUBLIC_URL": "https://actions.example.org/", "ACTIONBOT_LINK_SECRET": secret}, true, ""},
		{"an address alone", map[string]string{"ACTIONBOT_PUBLIC_URL": "https://actions.example.org"}, false, "ACTIONBOT_LINK_SECRET is not"},
		{"a secret alone", map[string]string{"ACTIONBOT_LINK_SECRET": secret}, false, "ACTIONBOT_PUBLIC_URL is not"},
		{"a short secret", map[string]string{"ACTIONBOT_PUBLIC_URL": "https://actions.example.org", "ACTIONBOT_LINK_SECRET": "short-hunter2"}, false, "at least 32"},
		{"not an address", map[string]string{"ACTIONBOT_PUBLIC_URL": "actions.example.org", "ACTIONBOT_LINK_SECRET": secret}, false, "not an http or https address"},
		{"a password in the address", map[string]string{"ACTIONBOT_PUBLIC_URL": "https://bob:hunter2@actions.example.org", "ACTIONBOT_LINK_SECRET": secret}, false, "no user"},
	} {
		t.Run(c.name, func(t *testing.T) {
			w, err := loadWebConfig(func(k string) string { return c.env[k] })
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err = %v; want %q", err, c.err)
				}
				if strings.Contains(err.Error(), "hunter2") {
					t.Errorf("the error shows a secret: %v", err)
				}
				return
			}
			if err != nil || (w != nil) != c.on {
				t.Fatalf("config %+v, %v", w, err)
			}
			if w != nil && w.publicURL != "https://actions.example.org" {
				t.Errorf("public URL %q", w.publicURL)
			}
		})
	}
	// serve, remind and digest report it with the others; the commands
	// that make no links (a nightly backup) do not read it.
	env := func(k string) string {
		return map[string]string{"ACTIONBOT_PUBLIC_URL": "https://x.example", "ACTIONBOT_SYNC": "sometimes"}[k]
	}
	if _, err := loadSlackAppConfig(env); err == nil || !strings.Contains(err.Error(), "ACTIONBOT_LINK_SECRET") || !strings.Contains(err.Error(), "ACTIONBOT_SYNC") {
		t.Errorf("loadSlackAppConfig: %v", err)
	}
	if _, err := loadConfig(env); err == nil || strings.Contains(err.Error(), "ACTIONBOT_LINK_SECRET") {
		t.Errorf("loadConfig: %v; want ACTIONBOT_SYNC's problem alone", err)
	}
}

// TestLinkPagesInSocketMode: Socket Mode has no HTTP server for Slack, so
// the link pages get one of their own on ACTIONBOT_ADDR, serving /a/ and
// nothing else.
func TestLinkPagesInSocketMode(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := e2eBuild(t)
	fake := fakeslack.New(t)
	dir := t.TempDir()
	env := []string{"ACTIONBOT_DB=" + filepath.Join(dir, "actionbot.db"), "HOME=" + dir, "PATH=" + os.Getenv("PATH")}
	// A link works only for a member of an agency (or a coordinator).
	add := exec.Command(bin, "member", "add", "UPOLICE1", "POLICE")
	add.Env = env
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("actionbot member add: %v\n%s", err, out)
	}
	p := startE2E(t, bin, []string{env[0], env[1], env[2],
		"SLACK_APP_TOKEN=" + e2eAppToken, "SLACK_BOT_TOKEN=" + e2eBotToken, "SLACK_API_URL=" + fake.APIURL(),
		"ACTIONBOT_ADDR=127.0.0.1:0", "ACTIONBOT_PUBLIC_URL=https://actions.example.org", "ACTIONBOT_LINK_SECRET=" + e2eLinkSecret}, "serve")
	base := "http://" + p.waitLine(t, regexp.MustCompile(`msg="link pages listening" addr=(\S+)`))[1]
	// The shipped plan is the database's first.
	tok, err := linktoken.Sign([]byte(e2eLinkSecret), linktoken.New("UPOLICE1", 1, "5.2", time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]int{"/a/" + tok: http.StatusOK, "/healthz": http.StatusNotFound, "/slack/events": http.StatusNotFound} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %.20s…: %d, want %d", path, resp.StatusCode, want)
		}
		if want == http.StatusOK && !strings.Contains(string(body), "Mark 5.2 done") {
			t.Errorf("the page:\n%s", body)
		}
	}
	// Headers past the server's cap are refused before the pages see them.
	req, err := http.NewRequest(http.MethodGet, base+"/a/"+tok, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Padding", strings.Repeat("x", 32<<10)) // twice the 16 KB cap (bot.NewHTTPServer)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("huge headers: %d, want 431", resp.StatusCode)
		}
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := p.waitExit(t); code != 0 {
		t.Errorf("exit %d after SIGTERM:\n%s", code, p.log())
	}
	if strings.Contains(p.log(), tok) {
		t.Error("the log shows the token")
	}
}
