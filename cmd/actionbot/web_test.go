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
