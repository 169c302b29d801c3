package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/bot"
	"github.com/sevenoaks-csp/actionbot/bot/fakeslack"
	"github.com/sevenoaks-csp/actionbot/calendar"
	"github.com/sevenoaks-csp/actionbot/internal/plangen"
	"github.com/sevenoaks-csp/actionbot/plans"
	"github.com/sevenoaks-csp/actionbot/store"
)

var (
	crashRounds = flag.Int("crash.rounds", 20, "kill-and-restart rounds of TestCrashAndRestart (more for a long run)")
	crashSeed   = flag.Uint64("crash.seed", 0, "seed of TestCrashAndRestart's kill points (0: from the clock, logged)")
)

const crashCoordinator = "U0CRASHCOORD"

// crashBot is one run of the real binary, or of one of its commands.
type crashBot struct {
	cmd  *exec.Cmd
	base string
	out  bytes.Buffer
	done chan error
}

func startCrashProcess(t *testing.T, bin string, env []string, args ...string) *crashBot {
	t.Helper()
	mustInitBinary(t, bin, env) // serve on Slack never creates a database
	p := &crashBot{done: make(chan error, 1)}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = &p.out, &p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start actionbot %v: %v", args, err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	return p
}

func (p *crashBot) kill() {
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

func crashPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// postChange sends a signed /action change as the test coordinator and
// reports whether the bot acknowledged it: made and answered in the ack, or
// recorded to be made (an empty ack). A bot that is gone acknowledges nothing.
func postChange(base string, fake *fakeslack.Server, text string) bool {
	body := []byte(url.Values{"team_id": {"T1"}, "channel_id": {"C0GENERAL"}, "user_id": {crashCoordinator}, "command": {"/action"},
		"text": {text}, "response_url": {fake.ResponseURL("crash")}, "trigger_id": {"1.2.3"}, "api_app_id": {"A1"}}.Encode())
	ts, sig := bot.Sign(e2eSigningSecret, time.Now(), body)
	req, _ := http.NewRequest(http.MethodPost, base+"/slack/commands", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", sig)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	out, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK && (len(out) == 0 || bytes.Contains(out, []byte("✅")))
}

// serveCrashBot starts the bot in HTTP mode and waits until it answers.
func serveCrashBot(t *testing.T, bin string, env []string) *crashBot {
	t.Helper()
	addr := crashPort(t)
	p := startCrashProcess(t, bin, append(env, "ACTIONBOT_ADDR="+addr), "serve")
	p.base = "http://" + addr
	deadline := time.Now().Add(20 * time.Second)
	for {
		if resp, err := http.Get(p.base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		select {
		case err := <-p.done:
			t.Fatalf("the bot exited (%v) before serving:\n%s", err, p.out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the bot did not answer /healthz:\n%s", p.out.String())
		}
		time.Sleep(2 * time.Millisecond) // polling a real process's start
	}
}

// TestCrashAndRestart kills the real binary with SIGKILL at random points
// while reminder sweeps, digests and a burst of updates run, and starts it
// again, round after round. Afterwards no message was posted twice, every
// message queued was delivered, every reminder due was recorded, and every
// update that was acknowledged is in the audit trail exactly once.
func TestCrashAndRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and kills it")
	}
	seed := *crashSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (rerun with -crash.seed=%d)", seed, seed)
	r := rand.New(rand.NewPCG(seed, seed))

	bin := e2eBuild(t)
	fake := fakeslack.New(t)
	fake.Clock = time.Now // message timestamps as Slack dates them
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "actionbot.db")
	ctx := context.Background()

	// The shipped plan, with one officer registered for every agency.
	db := store.NewDB(dbPath)
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	if _, err := plans.EnsurePlan(ctx, db); err != nil {
		t.Fatal(err)
	}
	ags, _ := db.Agencies(ctx)
	for _, a := range ags {
		if a.Code != actionbot.AllPartners {
			if err := db.AddMember(ctx, plangen.MemberID(a.Code, 1), a.Code, "test"); err != nil {
				t.Fatal(err)
			}
		}
	}
	plan, _ := db.CurrentPlan(ctx)
	refs, _ := db.Refs(ctx, plan.ID)
	db.Close()

	env := []string{
		"ACTIONBOT_DB=" + dbPath, "HOME=" + dir, "PATH=" + os.Getenv("PATH"),
		"SLACK_BOT_TOKEN=" + e2eBotToken, "SLACK_SIGNING_SECRET=" + e2eSigningSecret, "SLACK_API_URL=" + fake.APIURL(),
		"ACTIONBOT_COORDINATORS=" + crashCoordinator, "ACTIONBOT_DIGEST_CHANNEL=C0DIGEST",
		// The sweeps and digests come from the remind and digest commands
		// below, at instants of the plan year; the bot only delivers.
		"ACTIONBOT_REMIND_CRON=off", "ACTIONBOT_DIGEST_CRON=off",
		"ACTIONBOT_SLACK_PACE=1ms", "ACTIONBOT_LOG_LEVEL=warn",
	}
	// One sweep instant per round: the first working day of each week of
	// the plan year.
	cal, err := calendar.Embedded(calendar.DefaultDivision)
	if err != nil {
		t.Fatal(err)
	}
	asOf := func(i int, hh, mm int) string {
		d := actionbot.D(2012, time.April, 2).AddDays(7 * (i % 50))
		if !cal.IsWorkingDay(d) {
			d = cal.NextWorkingDay(d)
		}
		return fmt.Sprintf("%sT%02d:%02d", d, hh, mm)
	}

	var mu sync.Mutex
	acked := map[string]bool{} // note texts whose command was acknowledged
	sent := 0
	update := func(base, text string) {
		if postChange(base, fake, text) {
			mu.Lock()
			acked[text] = true
			mu.Unlock()
		}
	}

	for round := 0; round < *crashRounds; round++ {
		p := serveCrashBot(t, bin, env)
		sweep := startCrashProcess(t, bin, env, "remind", "--as-of", asOf(round, 9, 0), "--post")
		digest := startCrashProcess(t, bin, env, "digest", "--as-of", asOf(round, 8, 30), "--post")
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := range 24 { // beyond the bot's 16 synchronous places: both paths run
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := 0; ; k++ {
					select {
					case <-stop:
						return
					default:
					}
					mu.Lock()
					sent++
					n := sent
					mu.Unlock()
					update(p.base, fmt.Sprintf("%s note crash test round %d worker %d update %d", refs[(n*7+w)%len(refs)], round, w, n))
				}
			}()
		}
		// Kill everything at a random point of the round.
		<-time.After(time.Duration(10+r.IntN(300)) * time.Millisecond)
		p.kill()
		sweep.kill()
		digest.kill()
		close(stop)
		wg.Wait()
	}

	// A last, clean run: every sweep and digest completed, the outbox drained.
	pprofAddr := crashPort(t)
	p := serveCrashBot(t, bin, append(env, "ACTIONBOT_LOG_LEVEL=info", "ACTIONBOT_PPROF_ADDR="+pprofAddr))
	for round := 0; round < *crashRounds; round++ {
		for _, args := range [][]string{{"remind", "--as-of", asOf(round, 9, 0), "--post"}, {"digest", "--as-of", asOf(round, 8, 30), "--post"}} {
			c := exec.Command(bin, args...)
			c.Env = env
			if out, err := c.CombinedOutput(); err != nil {
				t.Fatalf("actionbot %v: %v\n%s", args, err, out)
			}
		}
	}
	db = store.NewDB(dbPath)
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	deadline := time.Now().Add(60 * time.Second)
	for {
		pending, err := db.Outgoing(ctx, actionbot.OutboxPending, 1)
		if err != nil {
			t.Fatal(err)
		}
		sending, err := db.Outgoing(ctx, store.OutboxSending, 1)
		if err != nil {
			t.Fatal(err)
		}
		inbox, err := db.PendingInbox(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(pending)+len(sending)+len(inbox) == 0 {
			break
		}
		if time.Now().After(deadline) {
			for _, o := range append(pending, sending...) {
				t.Logf("%s to %s: %s, %d attempts, next %s, %q", o.Key, o.To, o.State, o.Attempts, o.NextAttempt, o.LastError)
			}
			if resp, err := http.Get("http://" + pprofAddr + "/debug/pprof/goroutine?debug=1"); err == nil {
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				t.Logf("the bot's goroutines:\n%s", b)
			}
			heads, err := db.OutboxHeads(ctx, time.Now(), 100)
			t.Logf("heads now: %d %v", len(heads), err)
			for _, h := range heads {
				t.Logf("head %d %s to %s state %s", h.ID, h.Key, h.To, h.State)
			}
			t.Fatalf("the outbox did not drain: %d pending, %d sending, %d commands pending\n%s", len(pending), len(sending), len(inbox), p.out.String())
		}
		time.Sleep(20 * time.Millisecond) // polling a real process's work
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	if err := <-p.done; err != nil {
		t.Fatalf("after SIGTERM: %v\n%s", err, p.out.String())
	}

	// Nothing was posted twice; everything queued was delivered.
	all, err := db.Outgoing(ctx, "", 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	posted := map[string]int{}
	for _, ch := range fakeChannels(fake) {
		for _, m := range fake.History(ch) {
			if m.Metadata != nil {
				posted[fmt.Sprint(m.Metadata.EventPayload["key"])]++
			}
		}
	}
	reminders := 0
	for _, o := range all {
		if o.State != actionbot.OutboxSent {
			t.Errorf("%s is %s (%s)", o.Key, o.State, o.LastError)
		}
		if posted[o.Key] != 1 {
			t.Errorf("%s was posted %d times", o.Key, posted[o.Key])
		}
		if o.Kind == "reminder" {
			reminders++
		}
	}
	if reminders == 0 {
		t.Fatal("no reminder was sent: the test proved nothing about them")
	}
	for key, n := range posted {
		if n > 1 {
			t.Errorf("%s posted %d times", key, n)
		}
	}
	// Every acknowledged update is in the audit trail, once; none twice.
	notes := map[string]int{}
	for _, ref := range refs {
		h, err := db.History(ctx, plan.ID, ref, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range h {
			if e.Actor == crashCoordinator {
				notes[ref+" note "+e.Note]++
			}
		}
	}
	for text := range acked {
		if notes[text] != 1 {
			t.Errorf("acknowledged %q is in the audit trail %d times", text, notes[text])
		}
	}
	for text, n := range notes {
		if n != 1 {
			t.Errorf("%q is in the audit trail %d times", text, n)
		}
	}
	t.Logf("%d rounds: %d updates sent, %d acknowledged, %d audited; %d messages delivered once each (%d reminders)",
		*crashRounds, sent, len(acked), len(notes), len(all), reminders)
	if len(acked) == 0 {
		t.Fatal("no update was acknowledged: the test proved nothing about them")
	}
}

// fakeChannels lists the conversations the fake has messages in.
func fakeChannels(fake *fakeslack.Server) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range fake.Requests("chat.postMessage") {
		if ch := r.Param("channel"); !seen[ch] {
			seen[ch] = true
			out = append(out, ch)
		}
	}
	return out
}
