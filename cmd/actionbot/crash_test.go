package main

import (
	"bytes"
	"context"
	"encoding/json"
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
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/bot"
	"github.com/sevenoaks-csp/actionbot/bot/fakeslack"
	"github.com/sevenoaks-csp/actionbot/calendar"
	"github.com/sevenoaks-csp/actionbot/internal/fakeplan"
	"github.com/sevenoaks-csp/actionbot/planfile"
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

// sendSigned posts a signed form to the bot and returns its status and
// body; a bot that is gone answers nothing (status 0).
func sendSigned(base, path string, body []byte) (int, []byte) {
	ts, sig := bot.Sign(e2eSigningSecret, time.Now(), body)
	req, _ := http.NewRequest(http.MethodPost, base+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", sig)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil
	}
	out, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, out
}

// ackOutcome is what the bot answered a change.
type ackOutcome int

const (
	notAcked     ackOutcome = iota // no answer: the bot was gone
	ackedEmpty                     // recorded, to be made and confirmed after
	ackedOK                        // made and confirmed in the ack itself
	ackedRefusal                   // answered with something else
)

// postChange sends a signed /action change as the test coordinator, with
// its own response_url (named responseID).
func postChange(base string, fake *fakeslack.Server, text, responseID string) ackOutcome {
	body := []byte(url.Values{"team_id": {"T1"}, "channel_id": {"C0GENERAL"}, "user_id": {crashCoordinator}, "command": {"/action"},
		"text": {text}, "response_url": {fake.ResponseURL(responseID)}, "trigger_id": {"1.2.3"}, "api_app_id": {"A1"}}.Encode())
	return outcomeOf(sendSigned(base, "/slack/commands", body))
}

// postForm submits the progress form of ref as the test coordinator,
// leaving progress and status as they are and adding note.
func postForm(base string, fake *fakeslack.Server, a *actionbot.Action, note, responseID string) ackOutcome {
	meta, _ := json.Marshal(map[string]any{"r": a.Ref, "c": "C0GENERAL", "e": true, "u": fake.ResponseURL(responseID)})
	payload, _ := json.Marshal(map[string]any{
		"type": "view_submission", "user": map[string]any{"id": crashCoordinator}, "api_app_id": "A1", "team": map[string]any{"id": "T1"},
		"view": map[string]any{"id": "V1", "type": "modal", "callback_id": "actionbot_progress", "private_metadata": string(meta),
			"state": map[string]any{"values": map[string]any{
				"progress": map[string]any{"value": map[string]any{"type": "number_input", "value": strconv.Itoa(a.Progress)}},
				"status":   map[string]any{"value": map[string]any{"type": "static_select", "selected_option": map[string]any{"value": string(a.Status)}}},
				"note":     map[string]any{"value": map[string]any{"type": "plain_text_input", "value": note}},
			}}},
	})
	return outcomeOf(sendSigned(base, "/slack/interactivity", []byte(url.Values{"payload": {string(payload)}}.Encode())))
}

// postClick clicks Mark done on an ephemeral card of ref, as the test
// coordinator.
func postClick(base string, fake *fakeslack.Server, ref, responseID string) ackOutcome {
	payload, _ := json.Marshal(map[string]any{
		"type": "block_actions", "user": map[string]any{"id": crashCoordinator}, "api_app_id": "A1", "team": map[string]any{"id": "T1"},
		"trigger_id": "1.2.3", "response_url": fake.ResponseURL(responseID),
		"container": map[string]any{"type": "message", "message_ts": "1340179100.000200", "channel_id": "C0GENERAL", "is_ephemeral": true},
		"channel":   map[string]any{"id": "C0GENERAL"},
		"actions":   []any{map[string]any{"type": "button", "action_id": actionbot.ButtonDone, "block_id": "actions:" + ref, "value": ref}},
	})
	return outcomeOf(sendSigned(base, "/slack/interactivity", []byte(url.Values{"payload": {string(payload)}}.Encode())))
}

func outcomeOf(status int, out []byte) ackOutcome {
	switch {
	case status != http.StatusOK:
		return notAcked
	case len(out) == 0:
		return ackedEmpty
	case bytes.Contains(out, []byte("✅")):
		return ackedOK
	}
	return ackedRefusal
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
// while reminder sweeps, digests and a burst of changes (typed, submitted
// as forms, clicked as Mark done) run, and starts it again, round after
// round.
// Afterwards no message was posted twice, every message queued was
// delivered, every reminder due was recorded, every change that was
// acknowledged is in the audit trail exactly once, and every acknowledged
// change was confirmed exactly once.
func TestCrashAndRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and kills it")
	}
	r := mustKillPoints(t)

	bin := e2eBuild(t)
	fake := fakeslack.New(t)
	fake.Clock = time.Now // message timestamps as Slack dates them
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "actionbot.db")
	ctx := context.Background()

	db := mustStaffedPlan(t, dbPath)
	plan, _ := db.CurrentPlan(ctx)
	refs, _ := db.Refs(ctx, plan.ID)
	actions, err := db.FindActions(ctx, actionbot.ActionFilter{PlanID: plan.ID})
	if err != nil {
		t.Fatal(err)
	}
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

	// Forms go to open actions only, leaving status and progress as they
	// are (typed changes only add notes), so each adds just its note.
	var open []*actionbot.Action
	for _, a := range actions {
		if a.Status == actionbot.StatusOpen {
			open = append(open, a)
		}
	}
	// Half of them take forms; the other half are each marked done by one
	// Mark done click, at most (a second would be refused anyway).
	var formTargets, clickTargets []*actionbot.Action
	for i, a := range open {
		if i%2 == 0 {
			formTargets = append(formTargets, a)
		} else {
			clickTargets = append(clickTargets, a)
		}
	}
	if len(formTargets) == 0 || len(clickTargets) == 0 {
		t.Fatal("too few open actions to send forms and clicks about")
	}
	clicked := 0 // clickTargets used so far

	var mu sync.Mutex
	acked := map[string]string{}      // note texts whose change was acknowledged -> its response_url's name
	inAck := map[string]bool{}        // those confirmed in the ack itself
	responseOf := map[string]string{} // every note text sent -> its response_url's name
	sent := 0
	record := func(text, responseID string, out ackOutcome) {
		mu.Lock()
		defer mu.Unlock()
		responseOf[text] = responseID
		if out == ackedEmpty || out == ackedOK {
			acked[text] = responseID
			inAck[text] = out == ackedOK
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
					responseID := fmt.Sprintf("crash-%d", n)
					if w%8 == 5 { // some come as Mark done clicks, one per action
						mu.Lock()
						var a *actionbot.Action
						if clicked < len(clickTargets) {
							a = clickTargets[clicked]
							clicked++
						}
						mu.Unlock()
						if a != nil {
							record("click done "+a.Ref, responseID, postClick(p.base, fake, a.Ref, responseID))
							continue
						}
					}
					if w%4 == 3 { // a quarter of the changes come as forms
						a := formTargets[(n*7+w)%len(formTargets)]
						note := fmt.Sprintf("crash test form round %d worker %d update %d", round, w, n)
						record(a.Ref+" note "+note, responseID, postForm(p.base, fake, a, note, responseID))
						continue
					}
					text := fmt.Sprintf("%s note crash test round %d worker %d update %d", refs[(n*7+w)%len(refs)], round, w, n)
					record(text, responseID, postChange(p.base, fake, text, responseID))
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
		left := mustOutstanding(t, ctx, db)
		pending, sending, inbox := left.pending, left.sending, append(left.toMake, left.toConfirm...)
		if left.none() {
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
			heads, err := db.OutboxHeads(ctx, store.SlackOwner, time.Now(), 100)
			t.Logf("heads now: %d %v", len(heads), err)
			for _, h := range heads {
				t.Logf("head %d %s to %s state %s", h.ID, h.Key, h.To, h.State)
			}
			t.Fatalf("the outbox did not drain: %d pending, %d sending, %d changes to make or confirm\n%s", len(pending), len(sending), len(inbox), p.out.String())
		}
		time.Sleep(20 * time.Millisecond) // polling a real process's work
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	if err := <-p.done; err != nil {
		t.Fatalf("after SIGTERM: %v\n%s", err, p.out.String())
	}

	// Nothing was posted twice; everything queued was delivered.
	kinds, delivered := mustEachDeliveredOnce(t, ctx, db, fake)
	reminders := kinds["reminder"]
	if reminders == 0 {
		t.Fatal("no reminder was sent: the test proved nothing about them")
	}
	// Every acknowledged update is in the audit trail, once; none twice.
	notes := map[string]int{}
	for _, ref := range refs {
		h, err := db.History(ctx, plan.ID, ref, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range h {
			if e.Actor == crashCoordinator && e.Verb != actionbot.VerbDone {
				notes[ref+" note "+e.Note]++
			}
		}
	}
	for text := range acked {
		if strings.HasPrefix(text, "click done ") {
			continue // checked below
		}
		if notes[text] != 1 {
			t.Errorf("acknowledged %q is in the audit trail %d times", text, notes[text])
		}
	}
	for text, n := range notes {
		if n != 1 {
			t.Errorf("%q is in the audit trail %d times", text, n)
		}
	}
	// Every acknowledged Mark done click was made, once.
	clicks := 0
	for text := range acked {
		ref, ok := strings.CutPrefix(text, "click done ")
		if !ok {
			continue
		}
		clicks++
		a, err := db.FindAction(ctx, plan.ID, ref)
		if err != nil {
			t.Fatal(err)
		}
		h, err := db.History(ctx, plan.ID, ref, 0)
		if err != nil {
			t.Fatal(err)
		}
		done := 0
		for _, e := range h {
			if e.Actor == crashCoordinator && e.Verb == actionbot.VerbDone {
				done++
			}
		}
		if a.Status != actionbot.StatusDone || done != 1 {
			t.Errorf("acknowledged click: %s is %s, marked done %d times by it", ref, a.Status, done)
		}
	}
	// Every acknowledged change was confirmed exactly once, as the person
	// sees it: in its ack, or where it came from. A click or a form replaces
	// the card it came from (replace_original), so a replacement sent again
	// after a restart, because the kill came between sending it and
	// recording it, still leaves one card: the replacements of one card
	// count as one confirmation. Anything else through a response_url is a
	// message of its own, and counts each time.
	type confirmations struct{ replaced, added, again int }
	confirmed := map[string]*confirmations{} // response_url name -> what reached it
	for _, r := range fake.Requests("") {
		id, ok := strings.CutPrefix(r.Method, "response:")
		if !ok {
			continue
		}
		c := confirmed[id]
		if c == nil {
			c = &confirmations{}
			confirmed[id] = c
		}
		switch {
		case r.JSON["replace_original"] == true:
			c.replaced++
		default:
			c.added++
		}
		if strings.Contains(r.Param("text"), bot.RepeatedConfirmation) {
			c.again++
		}
	}
	for _, r := range fake.Requests("conversations.open") {
		if r.Param("users") == crashCoordinator {
			t.Errorf("a confirmation went by direct message, though every response_url was alive")
		}
	}
	seen := func(c *confirmations) int {
		n := c.added
		if c.replaced > 0 {
			n++
		}
		return n
	}
	after, replacedAgain := 0, 0
	for text, id := range acked {
		c := confirmed[id]
		if c == nil {
			c = &confirmations{}
		}
		n := seen(c)
		if inAck[text] {
			n++
		} else if n > 0 {
			after++
		}
		if c.replaced > 1 {
			replacedAgain++
		}
		if n != 1 {
			t.Errorf("acknowledged %q: %d confirmations (%d in its ack, %d replacing its card, %d messages of their own, %d of them sent again); want exactly one",
				text, n, map[bool]int{true: 1}[inAck[text]], c.replaced, c.added, c.again)
		}
	}
	// A change made but never acknowledged (the kill came before its ack:
	// Slack showed the person an error) is confirmed after the restart
	// through its response_url. That is the one confirmation that may come
	// twice, when a kill comes again between sending it and recording it:
	// the second says it is sent again. Never two that don't.
	sentAgain := 0
	for text, id := range responseOf {
		c := confirmed[id]
		if c == nil {
			continue
		}
		sentAgain += c.again
		if plain := seen(c) - c.again; plain > 1 {
			t.Errorf("%q was confirmed %d times without saying it was sent again", text, plain)
		}
	}
	t.Logf("%d acknowledged Mark done clicks, each made once", clicks)
	t.Logf("%d rounds: %d changes sent, %d acknowledged (%d confirmed in the ack, %d where they came from, %d of those replaced again after a restart); %d confirmations of unacknowledged changes sent again; %d audited; %d messages delivered once each (%d reminders)",
		*crashRounds, sent, len(acked), len(acked)-after, after, replacedAgain, sentAgain, len(notes), delivered, reminders)
	if len(acked) == 0 {
		t.Fatal("no update was acknowledged: the test proved nothing about them")
	}
}

// mustEachDeliveredOnce checks that every message the outbox queued was
// sent and reached the fake Slack exactly once, and that nothing reached it
// twice. It returns how many of each kind were queued, and how many in all.
func mustEachDeliveredOnce(t *testing.T, ctx context.Context, db *store.DB, fake *fakeslack.Server) (map[string]int, int) {
	t.Helper()
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
	kinds := map[string]int{}
	for _, o := range all {
		kinds[o.Kind]++
		if o.State != actionbot.OutboxSent {
			t.Errorf("%s is %s (%s)", o.Key, o.State, o.LastError)
		}
		if posted[o.Key] != 1 {
			t.Errorf("%s was posted %d times (row %d: %s, %d attempts, last error %q)", o.Key, posted[o.Key], o.ID, o.State, o.Attempts, o.LastError)
			for _, ch := range fakeChannels(fake) {
				for _, m := range fake.History(ch) {
					if m.Metadata != nil && fmt.Sprint(m.Metadata.EventPayload["key"]) == o.Key {
						t.Logf("  posted in %s at ts %s", ch, m.TS)
					}
				}
			}
		}
	}
	for key, n := range posted {
		if n > 1 {
			t.Errorf("%s posted %d times", key, n)
		}
	}
	return kinds, len(all)
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

// outstanding is what the bots still have to do with a database: messages
// pending or being posted, recorded changes to make, and made changes to
// confirm.
type outstanding struct {
	pending, sending  []*actionbot.Outgoing
	toMake, toConfirm []*store.InboxItem
}

func (o outstanding) none() bool {
	return len(o.pending)+len(o.sending)+len(o.toMake)+len(o.toConfirm) == 0
}

func mustOutstanding(tb testing.TB, ctx context.Context, db *store.DB) outstanding {
	tb.Helper()
	var o outstanding
	var err error
	if o.pending, err = db.Outgoing(ctx, actionbot.OutboxPending, 1); err != nil {
		tb.Fatal(err)
	}
	if o.sending, err = db.Outgoing(ctx, actionbot.OutboxSending, 1); err != nil {
		tb.Fatal(err)
	}
	if o.toMake, err = db.PendingInbox(ctx); err != nil {
		tb.Fatal(err)
	}
	if o.toConfirm, err = db.UnconfirmedInbox(ctx); err != nil {
		tb.Fatal(err)
	}
	return o
}

// mustStaffedPlan opens the database at where (a file or a postgres:// URL)
// with the shipped plan and one officer registered for every agency; the
// caller closes it.
func mustStaffedPlan(tb testing.TB, where string) *store.DB {
	tb.Helper()
	ctx := context.Background()
	db := store.NewDB(where)
	db.ConfiguredCoordinators = []string{fakeplan.Actor}
	if err := db.Open(); err != nil {
		tb.Fatal(err)
	}
	if _, err := planfile.EnsurePlan(ctx, db); err != nil {
		tb.Fatal(err)
	}
	ags, err := db.Agencies(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	for _, a := range ags {
		if a.Code != actionbot.AllPartners {
			if err := db.AddMember(ctx, fakeplan.MemberID(a.Code, 1), a.Code, fakeplan.Actor); err != nil {
				tb.Fatal(err)
			}
		}
	}
	return db
}

// mustKillPoints is the random source of a kill test's kill points, seeded
// by -crash.seed or the clock; the seed is logged to rerun the same kills.
func mustKillPoints(tb testing.TB) *rand.Rand {
	tb.Helper()
	seed := *crashSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	tb.Logf("seed %d (rerun with -crash.seed=%d)", seed, seed)
	return rand.New(rand.NewPCG(seed, seed))
}
