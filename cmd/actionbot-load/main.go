// Command actionbot-load measures the bot over HTTP the way Slack uses it:
// it sends signed slash commands at a chosen concurrency for a chosen time
// and reports requests per second and latency (p50, p99, max) separately for
// queries (/action 1.1, /action list overdue, /action mine) and for durable
// updates (/action 1.1 progress 60), whose latency runs until the bot's
// answer says the change is committed: in the ack, or through the
// response_url when the bot made it after the ack.
//
// With -bot it prepares a database with a generated plan (internal/fakeplan),
// starts the bot binary in HTTP mode against a fake Slack Web API on
// loopback, measures its start-up time and resident memory, runs the load,
// stops it with SIGTERM, and checks that every acknowledged update is in the
// audit trail and its announcement in the outbox (each priority's task group
// has a channel in the database it prepares: announce.go):
//
//	go build -o /tmp/actionbot ./cmd/actionbot && go run ./cmd/actionbot-load -bot /tmp/actionbot -actions 10000 -c 16 -d 10s
//
// Each phase also reports what the bot spent: its CPU time per request (user
// plus system, from /proc/PID/stat over the measured window) and its heap
// allocations per request (from the runtime's count, read on the profiler
// address the tool gives the bot). With -floor it then measures lookups
// (/action <id>) on the bot and on the floor, a bare server that does only
// what any Slack app must (read, verify the signature, parse the form, answer
// a fixed 2 KB card), alternately for -rounds rounds, and reports the ratio of
// their median CPU time per lookup:
//
//	go run ./cmd/actionbot-load -bot /tmp/actionbot -actions 10000 -c 16 -d 6s -phases lookup,update -floor -rounds 5
//
// With -floor-phases update (or lookup,update) the rounds also measure
// changes (/action <id> progress <n>) against a floor that makes the same
// change durable in one SQLite transaction (UPDATE and audit INSERT, WAL,
// synchronous=NORMAL) on a copy of the bot's database:
//
//	go run ./cmd/actionbot-load -bot /tmp/actionbot -actions 10000 -c 4 -d 5s -phases update -floor -floor-phases update,lookup -rounds 5
//
// -db postgres://… runs the bot on PostgreSQL (the floor for changes is
// SQLite's, so use -floor-phases lookup there).
//
// The import phase (-phases import) runs lookups while the bot's own import
// brings in again the whole plan, exported with every action's text revised,
// and reports the bot's peak resident memory and the importer's.
//
// Without -bot it loads a running bot at -url with -secret, reading its
// actions from its database (-db).
package main

import (
	"bytes"
	"cmp"
	"context"
	"crypto/hmac"
	crand "crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
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
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/internal/fakeplan"
	"github.com/sevenoaks-csp/actionbot/store"
)

type config struct {
	bot, url, secret, db, phases string
	pprof, serveFloor            string
	floorPhases                  string
	bolt                         string // -bolt: the Bolt app's directory (bolt.go)
	botBefore                    string // -bot-before: a second bot binary in the Bolt rounds (bolt.go)
	beforeQuiet                  bool   // -before-quiet: the -bot-before's copy without task-group channels
	actions, conc, rounds        int
	dur, warmup                  time.Duration
	seed                         uint64
	floor                        bool
}

func main() {
	var c config
	flag.StringVar(&c.bot, "bot", "", "bot `binary` to start in HTTP mode (otherwise load the bot at -url)")
	flag.StringVar(&c.url, "url", "", "base `URL` of a running bot (with -secret)")
	flag.StringVar(&c.secret, "secret", "", "the running bot's Slack signing `secret`")
	flag.StringVar(&c.db, "db", "", "database `file`: created for -bot (default: a new temporary file), or the running bot's")
	flag.IntVar(&c.actions, "actions", 10000, "actions in the generated plan, for -bot")
	flag.IntVar(&c.conc, "c", 16, "concurrent clients")
	flag.DurationVar(&c.dur, "d", 10*time.Second, "duration of each phase")
	flag.DurationVar(&c.warmup, "warmup", 2*time.Second, "unmeasured load before each phase")
	flag.StringVar(&c.phases, "phases", "query,update", "phases to run, in order: query, lookup, update, import (lookups while the bot's import brings the whole plan in again)")
	flag.Uint64Var(&c.seed, "seed", fakeplan.Seed, "seed of the generated plan")
	flag.StringVar(&c.pprof, "pprof", "", "with -bot, serve the bot's profiler on this loopback `address` (default: a free loopback port, read for allocations per request)")
	flag.BoolVar(&c.floor, "floor", false, "also measure the floor (a bare signed-HTTP Slack handler) on lookups (and, with -floor-phases, updates), alternating with the bot, and report the CPU ratio")
	flag.IntVar(&c.rounds, "rounds", 5, "with -floor, alternating rounds of bot and floor")
	flag.StringVar(&c.floorPhases, "floor-phases", "lookup", "with -floor, what the rounds measure, in order: lookup (/action <id>), update (/action <id> progress <n>, the floor making the same change durable in one SQLite transaction on a copy of the database)")
	flag.StringVar(&c.bolt, "bolt", "", "with -floor -floor-phases update, also measure the Bolt + better-sqlite3 app in this `directory` (bench/bolt, after npm ci) making the same changes, in the same rounds")
	flag.StringVar(&c.botBefore, "bot-before", "", "with -bolt, also measure this bot `binary` (an earlier build) in the same rounds, on its own copy of the database as it was before the rounds: before and after a change, in one run")
	flag.BoolVar(&c.beforeQuiet, "before-quiet", false, "with -bot-before, take the task groups' channels off its copy of the database: its changes then queue no announcement (what queuing costs, with the same binary as -bot)")
	flag.StringVar(&c.serveFloor, "serve-floor", "", "internal: serve the floor on this `address` (started by -floor)")
	flag.Parse()
	if c.serveFloor != "" {
		if err := serveFloor(c.serveFloor); err != nil {
			fmt.Fprintln(os.Stderr, "actionbot-load:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "actionbot-load:", err)
		os.Exit(1)
	}
}

// loadUser is the coordinator the updates are made as; queryUser a CSU
// officer, so that "mine" has something to show.
const loadUser = "U0LOADCOORD"

var queryUser = fakeplan.MemberID("CSU", 1)

func run(c config) error {
	ctx := context.Background()
	refs, open, err := prepare(&c)
	if err != nil {
		return err
	}
	rs := newReplyServer()
	defer rs.close()
	floorDB := ""
	if c.floor && slices.Contains(strings.Split(c.floorPhases, ","), "update") {
		if c.bot == "" {
			return errors.New("-floor needs -bot")
		}
		floorDB = c.db + ".floor"
		if err := copyDB(c.db, floorDB); err != nil {
			return err
		}
	}

	if c.bolt != "" && floorDB == "" {
		return errors.New("-bolt needs -floor -floor-phases update: Bolt is measured in the rounds for changes")
	}
	if c.botBefore != "" && c.bolt == "" {
		return errors.New("-bot-before needs -bolt: the earlier bot is measured in the rounds with Bolt")
	}
	var bot *spawned
	if c.bot != "" {
		if bot, err = spawn(ctx, &c, rs.base); err != nil {
			return err
		}
		defer bot.stop()
		fmt.Printf("start-up: %v from exec to the first 200 from /healthz\n", bot.startup.Round(time.Millisecond))
	}
	if c.url == "" || c.secret == "" {
		return errors.New("give -bot, or -url and -secret of a running bot")
	}
	client := &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{MaxIdleConns: c.conc * 2, MaxIdleConnsPerHost: c.conc * 2, IdleConnTimeout: time.Minute},
	}
	l := &loader{c: c, url: c.url, refs: refs, rs: rs, client: client}
	for _, ref := range refs { // plan order, so each worker's share is spread over the plan
		if p, ok := open[ref]; ok {
			l.open = append(l.open, ref)
			l.progress.Store(ref, p)
		}
	}
	var botMeter *meter
	if bot != nil {
		botMeter = &meter{pid: bot.cmd.Process.Pid, pprof: c.pprof, client: client}
	}
	fmt.Printf("load: %d clients, %v per phase after %v warm-up, %d actions (%d open)\n\n", c.conc, c.dur, c.warmup, len(refs), len(open))
	printHeader()
	var updates int64
	startPeakShown := false
	for _, phase := range strings.Split(c.phases, ",") {
		if !validPhase(phase) {
			return fmt.Errorf("unknown phase %q: use query, lookup, update or import", phase)
		}
		var res *result
		var imp *importRun
		if phase == "import" {
			if bot == nil {
				return errors.New("the import phase needs -bot: it runs the bot binary's import")
			}
			ir := importRun{}
			if res, ir, err = l.measuredImport(ctx, botMeter); err != nil {
				return err
			}
			imp = &ir
		} else if res, err = l.measured(ctx, phase, botMeter); err != nil {
			return err
		}
		res.print(phase)
		if bot != nil {
			peak := "unknown"
			if res.cost != nil && res.cost.hasPeak {
				peak = fmt.Sprintf("%.1f MB", float64(res.cost.peakKB)/1024)
			}
			fmt.Printf("         resident memory %s, peak during the phase %s; %d Slack Web API calls meanwhile\n", bot.mem("VmRSS"), peak, res.slackCalls)
			if !startPeakShown {
				fmt.Printf("         peak before it (start-up, its reminder sweep, the warm-up) %.1f MB\n", float64(l.startPeakKB)/1024)
				startPeakShown = true
			}
		}
		if imp != nil {
			imp.print()
			if imp.err != nil {
				return fmt.Errorf("the import phase: %w", imp.err)
			}
		}
		if phase == "update" {
			updates = l.acked.Load()
		}
		res.printFirstError()
	}
	if c.floor {
		if bot == nil {
			return errors.New("-floor needs -bot: the bot's CPU time is read from its process")
		}
		for _, phase := range strings.Split(c.floorPhases, ",") {
			if phase != "lookup" && phase != "update" {
				return fmt.Errorf("-floor-phases: unknown phase %q: use lookup or update", phase)
			}
			rounds := l.floorRounds
			if phase == "update" && c.bolt != "" {
				rounds = func(ctx context.Context, m *meter, _, db string) error { return l.boltRounds(ctx, m, db, c.bolt) }
			}
			if err := rounds(ctx, botMeter, phase, floorDB); err != nil {
				return err
			}
		}
		updates = l.acked.Load()
	}
	if bot == nil || !strings.Contains(c.phases, "update") && floorDB == "" {
		return nil
	}
	if err := bot.stop(); err != nil {
		return err
	}
	return verify(ctx, c.db, updates, true)
}

func validPhase(p string) bool {
	return p == "query" || p == "lookup" || p == "update" || p == "import"
}

// measured runs one phase after its warm-up and, with a meter, takes what the
// server spent on the measured window.
func (l *loader) measured(ctx context.Context, phase string, m *meter) (*result, error) {
	l.phase(ctx, phase, l.c.warmup) // warm-up, not reported
	if m != nil {
		if l.startPeakKB == 0 {
			l.startPeakKB, _ = procStatus(m.pid, "VmHWM") // before start resets it
		}
		if err := m.start(); err != nil {
			return nil, err
		}
	}
	calls := slackCalls.Load()
	res := l.phase(ctx, phase, l.c.dur)
	res.slackCalls = slackCalls.Load() - calls
	if m != nil {
		c, err := m.stop()
		if err != nil {
			return nil, err
		}
		res.cost = &c
	}
	return res, nil
}

// floorRounds measures lookups or updates (phase) on the bot and on the
// floor alternately, and reports the medians and the ratio of CPU per
// request.
func (l *loader) floorRounds(ctx context.Context, botMeter *meter, phase, floorDB string) error {
	if phase != "update" {
		floorDB = "" // the lookup floor has no database
	}
	cmd, floorURL, err := spawnFloor(ctx, l.c.secret, floorDB)
	if err != nil {
		return err
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	fl := &loader{c: l.c, url: floorURL, refs: l.refs, rs: l.rs, client: l.client, open: l.open}
	l.progress.Range(func(k, v any) bool { fl.progress.Store(k, v); return true })
	floorMeter := &meter{pid: cmd.Process.Pid, client: l.client}
	what := map[string]string{"lookup": "lookups (/action <id>)", "update": "durable changes (/action <id> progress <n>)"}[phase]
	fmt.Printf("\n%s, bot and floor alternately, %d rounds\n", what, l.c.rounds)
	printHeader()
	var bots, floors []*result
	for range l.c.rounds {
		b, err := l.measured(ctx, phase, botMeter)
		if err != nil {
			return err
		}
		b.print("bot")
		fmt.Printf("         %d Slack Web API calls meanwhile (the outbox)\n", b.slackCalls)
		b.printFirstError()
		f, err := fl.measured(ctx, phase, floorMeter)
		if err != nil {
			return err
		}
		f.print("floor")
		f.printFirstError()
		bots, floors = append(bots, b), append(floors, f)
	}
	bm, fm := medianCPU(bots), medianCPU(floors)
	peak, fpeak := maxPeak(bots), maxPeak(floors)
	per := map[string]string{"lookup": "lookup", "update": "change"}[phase]
	fmt.Printf("\nmedian CPU per %s: bot %.1fµs, floor %.1fµs, ratio %.2fx; median p99: bot %s, floor %s\n",
		per, bm, fm, bm/fm, fmtDur(medianP99(bots)), fmtDur(medianP99(floors)))
	fmt.Printf("median allocations per %s: bot %s; peak RSS during the rounds: bot %.1f MB, floor %.1f MB\n",
		per, medianAllocs(bots), float64(peak)/1024, float64(fpeak)/1024)
	return nil
}

// maxPeak is the highest peak resident memory (kB) of the rounds.
func maxPeak(rs []*result) int {
	peak := 0
	for _, r := range rs {
		if r.cost != nil && r.cost.hasPeak {
			peak = max(peak, r.cost.peakKB)
		}
	}
	return peak
}

// prepare creates the database with a plan generated for the current UK
// financial year (for -bot) and returns its action references, and those
// open to progress updates (not done). Without -bot it assumes fakeplan's
// numbering.
func prepare(c *config) (refs []string, open map[string]int, err error) {
	if c.bot == "" && c.db == "" {
		return nil, nil, errors.New("without -bot, give the running bot's database with -db so the load knows its actions")
	}
	if c.db == "" {
		dir, err := os.MkdirTemp("", "actionbot-load-*")
		if err != nil {
			return nil, nil, err
		}
		c.db = filepath.Join(dir, "load.db")
	}
	db := store.NewDB(c.db)
	if err := db.Open(); err != nil {
		return nil, nil, err
	}
	defer db.Close()
	ctx := context.Background()
	if _, err := db.CurrentPlan(ctx); actionbot.ErrorCode(err) == actionbot.ENOTFOUND && c.bot != "" {
		start := time.Now()
		year := actionbot.DateOf(time.Now()).FinancialYear()
		db.ConfiguredCoordinators = []string{fakeplan.Actor}
		if _, err := fakeplan.LoadFor(ctx, db, year, c.actions, 7, 2, c.seed); err != nil {
			return nil, nil, err
		}
		if err := setChannels(ctx, db, p0Channel); err != nil {
			return nil, nil, err
		}
		fmt.Printf("prepared %s: %d actions for %s in %v, each priority's task group in its channel\n", c.db, c.actions, year.Label(), time.Since(start).Round(time.Millisecond))
	} else if err != nil {
		return nil, nil, err
	}
	p, err := db.CurrentPlan(ctx)
	if err != nil {
		return nil, nil, err
	}
	if refs, err = db.Refs(ctx, p.ID); err != nil {
		return nil, nil, err
	}
	as, err := db.FindActions(ctx, actionbot.ActionFilter{PlanID: p.ID, NotDone: true})
	if err != nil {
		return nil, nil, err
	}
	open = map[string]int{}
	for _, a := range as {
		open[a.Ref] = a.Progress
	}
	return refs, open, nil
}

type spawned struct {
	cmd     *exec.Cmd
	startup time.Duration
	fake    *http.Server
	once    sync.Once
	err     error
}

// spawn starts the bot in HTTP mode with a fake Slack Web API and waits
// until it answers /healthz; it may post replies to response_urls under
// replies (the reply server).
func spawn(ctx context.Context, c *config, replies string) (*spawned, error) {
	secret := make([]byte, 16)
	crand.Read(secret)
	c.secret = hex.EncodeToString(secret)
	fakeLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	fake := &http.Server{Handler: http.HandlerFunc(fakeSlack)}
	go fake.Serve(fakeLn)
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	if c.pprof == "" { // the profiler is read for allocations per request
		pp, err := freePort()
		if err != nil {
			return nil, err
		}
		c.pprof = fmt.Sprintf("127.0.0.1:%d", pp)
	}
	cmd := exec.CommandContext(ctx, c.bot, "serve")
	cmd.Env = append(os.Environ(),
		"ACTIONBOT_DB="+c.db, "ACTIONBOT_ADDR="+addr, "ACTIONBOT_PPROF_ADDR="+c.pprof, "ACTIONBOT_COORDINATORS="+loadUser, "ACTIONBOT_LOG_LEVEL=warn",
		"SLACK_SIGNING_SECRET="+c.secret, "SLACK_BOT_TOKEN=xoxb-load-test", "SLACK_API_URL=http://"+fakeLn.Addr().String()+"/api/",
		"ACTIONBOT_SLACK_RESPONSE_URLS="+replies) // the bot posts only to response_urls it is told of
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", c.bot, err)
	}
	s := &spawned{cmd: cmd, fake: fake}
	health := "http://" + addr + "/healthz"
	for {
		resp, err := http.Get(health)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Since(start) > 30*time.Second {
			s.stop()
			return nil, errors.New("the bot did not answer /healthz within 30 s")
		}
		time.Sleep(time.Millisecond) // polling a real process; not a test
	}
	s.startup = time.Since(start)
	c.url = "http://" + addr
	return s, nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// slackCalls counts the Web API calls the bot made to the fake Slack: the
// outbox sending reminders during a window costs CPU that the window's
// requests are charged with, so each window says how many there were.
var slackCalls atomic.Int64

// fakeSlack answers the Web API calls the bot makes with success.
func fakeSlack(w http.ResponseWriter, r *http.Request) {
	slackCalls.Add(1)
	io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Type", "application/json")
	switch {
	case strings.HasSuffix(r.URL.Path, "/auth.test"):
		io.WriteString(w, `{"ok":true,"user_id":"U0BOT","team_id":"T0LOAD","bot_id":"B0BOT"}`)
	case strings.HasSuffix(r.URL.Path, "/conversations.open"):
		io.WriteString(w, `{"ok":true,"channel":{"id":"D0LOAD"}}`)
	case strings.HasSuffix(r.URL.Path, "/conversations.history"):
		io.WriteString(w, `{"ok":true,"messages":[]}`)
	default:
		io.WriteString(w, `{"ok":true,"channel":"C0LOAD","ts":"1352106000.000100"}`)
	}
}

func (s *spawned) mem(field string) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return "?"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, field+":") {
			kb, _ := strconv.Atoi(strings.Fields(line)[1])
			return fmt.Sprintf("%.1f MB", float64(kb)/1024)
		}
	}
	return "?"
}

// stop sends SIGTERM and waits for a clean exit.
func (s *spawned) stop() error {
	s.once.Do(func() {
		s.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- s.cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				s.err = fmt.Errorf("the bot exited with %w after SIGTERM", err)
			}
		case <-time.After(30 * time.Second):
			s.cmd.Process.Kill()
			s.err = errors.New("the bot did not exit within 30 s of SIGTERM")
		}
		s.fake.Close()
	})
	return s.err
}

// verify checks that every acknowledged update is in the audit trail and
// that each of the load user's audit entries has its
// announcement in the outbox (announce), or none has (!announce: the
// priorities have no channel).
func verify(ctx context.Context, path string, acked int64, announce bool) error {
	db := store.NewDB(path)
	if err := db.Open(); err != nil {
		return err
	}
	defer db.Close()
	n, err := db.AuditCountBy(ctx, loadUser)
	if err != nil {
		return err
	}
	fmt.Printf("\naudit: %d updates acknowledged, %d audit entries by the load user\n", acked, n)
	if int64(n) < acked {
		return fmt.Errorf("%d acknowledged updates are missing from the audit trail", acked-int64(n))
	}
	a, err := countAnnouncements(ctx, path, loadUser)
	if err != nil {
		return err
	}
	fmt.Printf("announcements: %d in the outbox for the load user's %d audit entries (%d of them sent to the fake Slack, the rest queued)\n", a.rows, a.entries, a.sent)
	if !announce {
		if a.rows != 0 {
			return fmt.Errorf("%d announcements queued by a bot whose priorities have no channel", a.rows)
		}
		return nil
	}
	return a.check("the bot")
}

// replyServer receives the bot's replies to response_urls.
type replyServer struct {
	srv     *http.Server
	base    string
	mu      sync.Mutex
	waiting map[string]chan string
	seq     atomic.Int64
}

func newReplyServer() *replyServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	rs := &replyServer{base: "http://" + ln.Addr().String() + "/r/", waiting: map[string]chan string{}}
	rs.srv = &http.Server{Handler: rs}
	go rs.srv.Serve(ln)
	return rs
}

func (rs *replyServer) close() { rs.srv.Close() }

// expect registers a response_url and returns it with the channel its
// reply will arrive on.
func (rs *replyServer) expect() (string, chan string) {
	id := strconv.FormatInt(rs.seq.Add(1), 10)
	ch := make(chan string, 1)
	rs.mu.Lock()
	rs.waiting[id] = ch
	rs.mu.Unlock()
	return rs.base + id, ch
}

func (rs *replyServer) forget(u string) {
	rs.mu.Lock()
	delete(rs.waiting, strings.TrimPrefix(u, rs.base))
	rs.mu.Unlock()
}

func (rs *replyServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	id := strings.TrimPrefix(r.URL.Path, "/r/")
	rs.mu.Lock()
	ch := rs.waiting[id]
	delete(rs.waiting, id)
	rs.mu.Unlock()
	if ch != nil {
		ch <- string(body)
	}
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, `{"ok":true}`)
}

type loader struct {
	c      config
	url    string // the server's base URL: the bot's, or the floor's
	refs   []string
	open   []string // refs that take progress updates
	rs     *replyServer
	client *http.Client
	acked  atomic.Int64
	// progress per ref; each worker owns its own refs (refs are split by worker).
	progress sync.Map
	// startPeakKB is the server's peak resident memory before the first
	// measured window: start-up, its sweep and the first warm-up.
	startPeakKB int
}

type result struct {
	lat     []time.Duration
	errors  int
	samples []string
	elapsed time.Duration
	cost    *cost // what the server spent, where it was measured
	// slackCalls is how many Web API calls the bot made meanwhile.
	slackCalls int64
}

func (r *result) print(phase string) {
	slices.Sort(r.lat)
	q := func(p float64) time.Duration {
		if len(r.lat) == 0 {
			return 0
		}
		return r.lat[min(len(r.lat)-1, int(p*float64(len(r.lat))))]
	}
	rps := float64(len(r.lat)) / r.elapsed.Seconds()
	cpu, allocs := "-", "-"
	if r.cost != nil {
		cpu, allocs = r.cost.perRequest(len(r.lat) + r.errors)
	}
	fmt.Printf("%-8s %9d %7d %10.0f %9s %9s %9s %10s %9s\n", phase, len(r.lat), r.errors, rps,
		fmtDur(q(0.50)), fmtDur(q(0.99)), fmtDur(q(1)), cpu, allocs)
}

func printHeader() {
	fmt.Printf("%-8s %9s %7s %10s %9s %9s %9s %10s %9s\n", "phase", "requests", "errors", "req/s", "p50", "p99", "max", "cpu/req", "allocs/req")
}

func (r *result) printFirstError() {
	if r.errors > 0 && len(r.samples) > 0 {
		fmt.Printf("         first error: %s\n", r.samples[0])
	}
}

// p99 is the 99th percentile latency; print sorts lat first.
func (r *result) p99() time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	lat := slices.Sorted(slices.Values(r.lat))
	return lat[min(len(lat)-1, int(0.99*float64(len(lat))))]
}

func median[T any](rs []*result, f func(*result) T, less func(a, b T) int) T {
	vs := make([]T, len(rs))
	for i, r := range rs {
		vs[i] = f(r)
	}
	slices.SortFunc(vs, less)
	return vs[len(vs)/2]
}

func medianCPU(rs []*result) float64 {
	return median(rs, cpuPerRequest, cmp.Compare[float64])
}

// cpuPerRequest is a window's server CPU per request, in µs.
func cpuPerRequest(r *result) float64 {
	n := len(r.lat) + r.errors
	if r.cost == nil || n == 0 {
		return 0
	}
	return float64(r.cost.cpu.Nanoseconds()) / 1000 / float64(n)
}

func medianP99(rs []*result) time.Duration {
	return median(rs, (*result).p99, cmp.Compare[time.Duration])
}

func medianAllocs(rs []*result) string {
	v := median(rs, func(r *result) float64 {
		n := len(r.lat) + r.errors
		if r.cost == nil || !r.cost.hasAlloc || n == 0 {
			return -1
		}
		return float64(r.cost.allocs) / float64(n)
	}, cmp.Compare[float64])
	if v < 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f", v)
}

func fmtDur(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }

func (l *loader) phase(ctx context.Context, phase string, d time.Duration) *result {
	deadline := time.Now().Add(d)
	results := make([]*result, l.c.conc)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range l.c.conc {
		results[w] = &result{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 42))
			res := results[w]
			for i := 0; time.Now().Before(deadline); i++ {
				var lat time.Duration
				var err error
				switch phase {
				case "query":
					lat, err = l.query(ctx, r, i)
				case "lookup":
					lat, err = l.query(ctx, r, 0) // always /action <id>
				default:
					lat, err = l.update(ctx, w, i)
				}
				if err != nil {
					res.errors++
					if len(res.samples) < 1 {
						res.samples = append(res.samples, err.Error())
					}
					continue
				}
				res.lat = append(res.lat, lat)
			}
		}()
	}
	wg.Wait()
	out := &result{elapsed: time.Since(start)}
	for _, r := range results {
		out.lat = append(out.lat, r.lat...)
		out.errors += r.errors
		out.samples = append(out.samples, r.samples...)
	}
	return out
}

func (l *loader) query(ctx context.Context, r *rand.Rand, i int) (time.Duration, error) {
	var text string
	switch i % 3 {
	case 0:
		text = l.refs[r.IntN(len(l.refs))]
	case 1:
		text = "list overdue"
	default:
		text = "mine"
	}
	start := time.Now()
	body, err := l.post(ctx, queryUser, text, "")
	if err != nil {
		return 0, err
	}
	if !strings.Contains(body, `"blocks"`) {
		return 0, fmt.Errorf("query %q: no blocks in the answer: %.200s", text, body)
	}
	return time.Since(start), nil
}

// update sets the progress of one of this worker's actions to a value it
// has not got, so that every update is a change and writes one audit entry.
func (l *loader) update(ctx context.Context, w, i int) (time.Duration, error) {
	n := len(l.open) / l.c.conc
	ref := l.open[w+l.c.conc*(i%max(n, 1))]
	prev, _ := l.progress.Load(ref)
	// 1 to 99: never 100, which would mark the action done and refuse
	// the next update of it.
	next := prev.(int)%99 + 1
	respURL, reply := l.rs.expect()
	defer l.rs.forget(respURL)
	start := time.Now()
	ack, err := l.post(ctx, loadUser, fmt.Sprintf("%s progress %d", ref, next), respURL)
	if err != nil {
		return 0, err
	}
	if ack != "" { // made before the ack and answered in it
		if !strings.Contains(ack, "✅") {
			return 0, fmt.Errorf("update %s: %.200s", ref, ack)
		}
		l.progress.Store(ref, next)
		l.acked.Add(1)
		return time.Since(start), nil
	}
	select { // recorded, acked, made after: answered through the response_url
	case body := <-reply:
		if !strings.Contains(body, "✅") {
			if strings.Contains(body, "already at") {
				l.progress.Store(ref, next)
				return 0, fmt.Errorf("update %s: unchanged", ref)
			}
			return 0, fmt.Errorf("update %s: %.200s", ref, body)
		}
	case <-time.After(10 * time.Second):
		return 0, fmt.Errorf("update %s: no reply within 10 s", ref)
	}
	l.progress.Store(ref, next)
	l.acked.Add(1)
	return time.Since(start), nil
}

// post sends a signed slash command and returns the immediate answer.
func (l *loader) post(ctx context.Context, user, text, responseURL string) (string, error) {
	if responseURL == "" {
		responseURL = l.rs.base + "unused"
	}
	form := url.Values{
		"token": {"unused"}, "team_id": {"T0LOAD"}, "team_domain": {"sevenoaks-csp"}, "channel_id": {"C0LOAD"},
		"channel_name": {"load"}, "user_id": {user}, "user_name": {"load"}, "command": {"/action"}, "text": {text},
		"api_app_id": {"A0LOAD"}, "response_url": {responseURL}, "trigger_id": {"1.2.3"},
	}
	body := form.Encode()
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	mac := hmac.New(sha256.New, []byte(l.c.secret))
	io.WriteString(mac, "v0:"+ts+":"+body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(l.url, "/")+"/slack/commands", bytes.NewBufferString(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Slack-Request-Timestamp", ts)
	req.Header.Set("X-Slack-Signature", "v0="+hex.EncodeToString(mac.Sum(nil)))
	resp, err := l.client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, b)
	}
	// A JSON object or nothing (a change is acked empty). Checked cheaply:
	// the load generator shares the machine with the bot.
	if len(b) > 0 && (b[0] != '{' || b[len(b)-1] != '}') {
		return "", fmt.Errorf("the answer is not a JSON object: %.200s", b)
	}
	return string(b), nil
}
