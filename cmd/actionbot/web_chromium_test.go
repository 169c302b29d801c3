package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/bot/fakeslack"
	"github.com/sevenoaks-csp/actionbot/linktoken"
	"github.com/sevenoaks-csp/actionbot/store"
)

const e2eLinkSecret = "e2e-link-SECRET-never-printed-0123456789abcdef"

// mustChromium finds Debian's chromium: the test is skipped without it,
// saying how to install it, except in CI (CI=true), where it fails.
func mustChromium(tb testing.TB) string {
	tb.Helper()
	path, err := exec.LookPath("chromium")
	if err == nil {
		return path
	}
	msg := "chromium is not installed, so the link pages cannot be tested in a real browser: apt-get install chromium"
	if os.Getenv("CI") == "true" {
		tb.Fatal(msg + " (CI=true: this check may not be skipped)")
	}
	tb.Skip(msg)
	return ""
}

// axeViolation is one rule axe-core finds broken, with where.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// runAxe runs axe-core (vendored in web/testdata) on the page open in ctx,
// for WCAG 2.1 A and AA and axe's best practices, and returns what it
// finds broken.
func runAxe(ctx context.Context, src string) ([]axeViolation, error) {
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](src+";\ntypeof axe === 'object'"))
	if err != nil || !loaded {
		return nil, fmt.Errorf("load axe-core into the page: %v (loaded %v)", err, loaded)
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}, resultTypes: ['violations']})
		.then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact || '', help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("run axe-core: %w", err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		return nil, fmt.Errorf("read axe-core's result %q: %w", out, err)
	}
	return vs, nil
}

// mustRun runs a browser action that gives a value.
func mustRun[T any](tb testing.TB, ctx context.Context, a chromedp.Action[T]) T {
	tb.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		tb.Fatalf("chromium: %v", err)
	}
	return v
}

// TestLinkPageInChromium is issue 27's "Done when" for the link pages, in a
// real browser against the real binary: a partner opens the link from their
// e-mail, adds a note by typing it and clicking, then marks the action done
// with the keyboard alone; each time the page says what was done. The store
// then has 5.2 done, audited as that person, and the task group's channel
// in the fake Slack has the announcement, as for a change made in Slack.
// axe-core finds nothing to fix on the page or its confirmation.
func TestLinkPageInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary and a browser")
	}
	chromium := mustChromium(t)
	axe, err := os.ReadFile(filepath.Join("..", "..", "web", "testdata", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	bin := e2eBuild(t)
	fake := fakeslack.New(t)
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "actionbot.db")
	env := []string{"ACTIONBOT_DB=" + dbPath, "ACTIONBOT_TZ=Europe/London", "HOME=" + dir, "PATH=" + os.Getenv("PATH")}
	const person = "UPOLICE1"
	for _, args := range [][]string{{"member", "add", person, "POLICE"}, {"coordinator", "add", "UCOORD1"}} {
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
		"ACTIONBOT_PUBLIC_URL=https://actions.example.org",
		"ACTIONBOT_LINK_SECRET="+e2eLinkSecret,
	), "serve")
	m := p.waitLine(t, regexp.MustCompile(`msg="Slack HTTP mode listening" addr=(\S+) .*link_pages=(\w+)`))
	base := "http://" + m[1]
	if m[2] != "true" {
		t.Fatalf("the link pages are not served: link_pages=%s", m[2])
	}
	// The coordinator gives priority 5 its channel, in Slack.
	if status, body := e2eSigned(t, base, "/slack/commands", "application/x-www-form-urlencoded", e2eSlash(fake, "UCOORD1", "admin channel 5 <#C0TASK5|speeding-task-group>", "c1")); status != http.StatusOK {
		t.Fatalf("admin channel: %d %s", status, body)
	}

	db := store.NewDB(dbPath)
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	plan, err := db.CurrentPlan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	token, err := linktoken.Sign([]byte(e2eLinkSecret), linktoken.New(person, plan.ID, "5.2", time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	link := linktoken.URL(base, token)

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.UserDataDir(filepath.Join(dir, "chromium")),
		chromedp.DisableGPU, chromedp.Flag("disable-quic", true))
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium refuses to run as root with its sandbox
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	bctx, cancelTimeout := context.WithTimeout(bctx, 2*time.Minute)
	defer cancelTimeout()

	audits := func() int {
		n, err := db.AuditCount(ctx, plan.ID, "5.2")
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := audits()

	// The link, as opened from the e-mail, on a phone.
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(link)); err != nil {
		t.Fatalf("open the link: %v\n%s", err, p.log())
	}
	h1 := mustRun(t, bctx, chromedp.Text(chromedp.CSS("h1")))
	lang := mustRun(t, bctx, chromedp.Evaluate[string](`document.documentElement.lang`))
	if !strings.Contains(h1, "5.2 Promote Speedwatch across the District") || lang != "en-GB" {
		t.Errorf("the page: h1 %q, lang %q", h1, lang)
	}
	// The inline style is allowed by its hash in the CSP: were it blocked,
	// the buttons would have the browser's grey.
	if c := mustRun(t, bctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('button')).backgroundColor`)); c != "rgb(29, 78, 216)" {
		t.Errorf("the page's style was not applied (blocked by its own CSP?): button background %s", c)
	}
	if vs, err := runAxe(bctx, string(axe)); err != nil {
		t.Fatal(err)
	} else if len(vs) > 0 {
		t.Errorf("axe-core finds the page inaccessible: %+v", vs)
	}

	if n := audits(); n != before {
		t.Errorf("opening the link changed 5.2: %d audit entries, %d before", n, before)
	}

	// A note, typed and sent with a click.
	if err := chromedp.Do(bctx,
		chromedp.SendKeys(chromedp.CSS("#note"), "Two Speedwatch schemes trained in Swanley"),
		chromedp.Click(chromedp.Search(`//button[normalize-space()="Add note"]`)),
		chromedp.WaitVisible(chromedp.CSS(".banner.ok")),
	); err != nil {
		t.Fatalf("add a note: %v", err)
	}
	if banner := mustRun(t, bctx, chromedp.Text(chromedp.CSS(".banner"))); banner != "Note added to 5.2." {
		t.Errorf("after the note the page says %q", banner)
	}

	// "Mark 5.2 done", with the keyboard alone: Tab to it (its focus ring
	// showing), Enter.
	found := false
	for range 20 {
		if err := chromedp.Do(bctx, chromedp.KeyEvent(kb.Tab)); err != nil {
			t.Fatal(err)
		}
		if mustRun(t, bctx, chromedp.Evaluate[string](`document.activeElement.textContent.trim()`)) == "Mark 5.2 done" {
			found = true
			break
		}
	}
	if !found {
		t.Fatal("Tab never reaches the Mark 5.2 done button")
	}
	if o := mustRun(t, bctx, chromedp.Evaluate[string](`getComputedStyle(document.activeElement).outlineStyle + ' ' + getComputedStyle(document.activeElement).outlineWidth`)); o != "solid 3px" {
		t.Errorf("the focused button's outline is %q; want the focus ring (solid 3px)", o)
	}
	if err := chromedp.Do(bctx,
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.Search(`//*[contains(@class,"banner")][contains(., "marked done")]`)),
	); err != nil {
		t.Fatalf("mark done with the keyboard: %v", err)
	}
	if banner := mustRun(t, bctx, chromedp.Text(chromedp.CSS(".banner"))); banner != "5.2 is marked done." {
		t.Errorf("the confirmation says %q", banner)
	}
	if at := mustRun(t, bctx, chromedp.Location()); !strings.HasPrefix(at, link+"?done=") {
		t.Errorf("after the form the browser is at %s; want the page, redirected", at)
	}
	if vs, err := runAxe(bctx, string(axe)); err != nil {
		t.Fatal(err)
	} else if len(vs) > 0 {
		t.Errorf("axe-core finds the confirmation inaccessible: %+v", vs)
	}
	// And axe-core does find what it is there to find: a control with no
	// label, put into the page.
	mustRun(t, bctx, chromedp.Evaluate[bool](`document.querySelector('main').insertAdjacentHTML('beforeend', '<input type="text" id="unlabelled">'), true`))
	if vs, err := runAxe(bctx, string(axe)); err != nil || len(vs) == 0 || vs[0].ID != "label" {
		t.Errorf("axe-core on a page with an unlabelled input: %+v %v; want the label rule broken", vs, err)
	}

	// The plan of record: done, and the audit names the person.
	a, err := db.FindAction(ctx, plan.ID, "5.2")
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != actionbot.StatusDone {
		t.Errorf("5.2 is %s", a.Status)
	}
	h, err := db.History(ctx, plan.ID, "5.2", 2)
	if err != nil || len(h) != 2 || h[0].Verb != actionbot.VerbDone || h[0].Actor != person || h[1].Verb != actionbot.VerbNote || h[1].Actor != person {
		t.Errorf("history: %+v %v; want the note and done by %s", h, err, person)
	}
	// The task group hears of it in Slack, as of a change made there.
	post := fake.WaitFor(t, "chat.postMessage", func(r fakeslack.Request) bool {
		return r.Param("channel") == "C0TASK5" && strings.Contains(r.Param("text"), "marked 5.2 done")
	})
	if !strings.Contains(post.Param("text"), "@"+person+" marked 5.2 done") {
		t.Errorf("the announcement %q does not name the person", post.Param("text"))
	}

	cancelTimeout()
	cancelBrowser()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := p.waitExit(t); code != 0 {
		t.Errorf("exit %d after SIGTERM:\n%s", code, p.log())
	}
	logs := p.log()
	for _, secret := range []string{token, strings.SplitN(token, ".", 2)[0], e2eLinkSecret, "Swanley"} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log shows a token, the link secret or a note (%.8s…):\n%s", secret, logs)
		}
	}
}
