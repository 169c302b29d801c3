package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/sevenoaks-csp/actionbot/store"
)

// With -bolt DIR the rounds for changes (-floor -floor-phases update)
// measure a third server alongside the bot and the floor: Slack's own
// framework, Bolt for JavaScript, over better-sqlite3 (bench/bolt), making
// the same change as the floor in one transaction on its own copy of the
// bot's database. The tool starts it as a child process (node DIR/index.js)
// with the port, the signing secret and the database copy in its
// environment, and reads its CPU time from /proc as it reads the others'.
// After the rounds it checks, for the floor and for Bolt, that every
// acknowledged change is in that server's audit trail, and no more than
// were sent.

// The environment the Bolt app reads (bench/bolt/index.js).
const (
	boltPortEnv   = "PORT"
	boltSecretEnv = "SLACK_SIGNING_SECRET"
	boltDBEnv     = "BOLT_DB"
)

// boltCommand is how the Bolt app in dir is started: node DIR/index.js,
// with node found on PATH; it runs in DIR (absolute, returned).
func boltCommand(dir string) (argv []string, abs string, err error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, "", fmt.Errorf("-bolt: %w (Node.js 20 or later is needed; see bench/bolt/README.md)", err)
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return nil, "", fmt.Errorf("-bolt: %w", err)
	}
	index := filepath.Join(dir, "index.js")
	if _, err := os.Stat(index); err != nil {
		return nil, "", fmt.Errorf("-bolt: %w", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "better-sqlite3")); err != nil {
		return nil, "", fmt.Errorf("-bolt: its packages are not installed (npm ci in %s; see its README.md): %w", dir, err)
	}
	return []string{node, index}, dir, nil
}

// child is a server the tool started and measures: its process and base
// URL.
type child struct {
	cmd  *exec.Cmd
	url  string
	done chan error // the process's exit, once
}

// spawnChild starts argv in dir as a child process listening on a free
// loopback port, which it is given in its environment as portEnv along
// with env, and waits until it answers HTTP.
func spawnChild(ctx context.Context, argv []string, dir, portEnv string, env ...string) (*child, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), fmt.Sprintf("%s=%d", portEnv, port)), env...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", argv[0], err)
	}
	c := &child{cmd: cmd, url: fmt.Sprintf("http://127.0.0.1:%d", port), done: make(chan error, 1)}
	go func() { c.done <- cmd.Wait() }()
	start := time.Now()
	for {
		// Any answer (an unsigned request is refused) means it listens.
		resp, err := http.Post(c.url+"/slack/commands", "text/plain", nil)
		if err == nil {
			resp.Body.Close()
			return c, nil
		}
		select {
		case err := <-c.done:
			c.done <- err
			return nil, fmt.Errorf("%s exited before answering: %w", argv[len(argv)-1], err)
		default:
		}
		if time.Since(start) > 30*time.Second {
			c.stop()
			return nil, fmt.Errorf("%s did not answer within 30 s", argv[len(argv)-1])
		}
		time.Sleep(5 * time.Millisecond) // polling a real process; not a test
	}
}

// stop sends SIGTERM and waits up to 10 s for the process to exit, then
// kills it. It reports an exit other than a clean one after SIGTERM.
func (c *child) stop() error {
	c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-c.done:
		c.done <- err
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.Sys().(syscall.WaitStatus).Signal() == syscall.SIGTERM {
			return nil // no handler for SIGTERM: killed by it, as asked
		}
		if err != nil {
			return fmt.Errorf("%s exited with %w after SIGTERM", c.cmd.Path, err)
		}
		return nil
	case <-time.After(10 * time.Second):
		c.cmd.Process.Kill()
		c.done <- <-c.done
		return fmt.Errorf("%s did not exit within 10 s of SIGTERM", c.cmd.Path)
	}
}

// auditCount counts the load user's audit entries in a database.
func auditCount(ctx context.Context, path string) (int64, error) {
	db := store.NewDB(path)
	if err := db.Open(); err != nil {
		return 0, err
	}
	defer db.Close()
	n, err := db.AuditCountBy(ctx, loadUser)
	return int64(n), err
}

// checkAudit compares the audit entries a server wrote during the rounds
// (added) with the changes it acknowledged and the change requests sent to
// it (a request that failed, say timed out, may still have committed):
// every acknowledged change must be there, and nothing that was not sent.
func checkAudit(name string, added, acked, sent int64) error {
	if added < acked {
		return fmt.Errorf("%s: %d acknowledged changes are missing from its audit trail (%d entries for %d acknowledged)", name, acked-added, added, acked)
	}
	if added > sent {
		return fmt.Errorf("%s: %d audit entries for %d changes sent (%d acknowledged)", name, added, sent, acked)
	}
	return nil
}

// countingTransport counts the requests sent through it.
type countingTransport struct {
	base http.RoundTripper
	n    atomic.Int64
}

func (t *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.n.Add(1)
	return t.base.RoundTrip(r)
}

// contender is one server in the alternating rounds.
type contender struct {
	name  string
	l     *loader
	m     *meter
	runs  []*result
	sent  *countingTransport // what was sent to it, warm-ups included
	dbAt0 int64              // its load user's audit entries before the rounds
	db    string
}

// boltRounds measures durable changes on the bot, the floor and the Bolt
// app in boltDir alternately, for -rounds rounds, and reports each one's
// median CPU per change, changes per second and p50, the ratios, and
// whether the floor's and Bolt's audit trails hold every change they
// acknowledged. floorDB is the floor's copy of the bot's database, still
// closed; Bolt gets a copy of it.
func (l *loader) boltRounds(ctx context.Context, botMeter *meter, floorDB, boltDir string) error {
	argv, dir, err := boltCommand(boltDir)
	if err != nil {
		return err
	}
	boltDB := floorDB + ".bolt"
	if err := copyDB(floorDB, boltDB); err != nil {
		return err
	}
	floorAt0, err1 := auditCount(ctx, floorDB)
	boltAt0, err2 := auditCount(ctx, boltDB)
	if err := errors.Join(err1, err2); err != nil {
		return err
	}
	floorCmd, floorURL, err := spawnFloor(ctx, l.c.secret, floorDB)
	if err != nil {
		return err
	}
	floorDone := false
	defer func() {
		if !floorDone {
			floorCmd.Process.Kill()
			floorCmd.Wait()
		}
	}()
	bolt, err := spawnChild(ctx, argv, dir, boltPortEnv, boltSecretEnv+"="+l.c.secret, boltDBEnv+"="+boltDB)
	if err != nil {
		return fmt.Errorf("-bolt: %w", err)
	}
	boltStopped := false
	defer func() {
		if !boltStopped {
			bolt.stop()
		}
	}()

	// The floor and Bolt get loaders of their own (their acknowledged
	// changes are counted apart) whose requests are counted on the way out.
	fork := func(url string, pid int, db string, at0 int64) *contender {
		sent := &countingTransport{base: l.client.Transport}
		x := &loader{c: l.c, url: url, refs: l.refs, rs: l.rs, open: l.open,
			client: &http.Client{Timeout: l.client.Timeout, Transport: sent}}
		l.progress.Range(func(k, v any) bool { x.progress.Store(k, v); return true })
		return &contender{l: x, m: &meter{pid: pid, client: l.client}, sent: sent, db: db, dbAt0: at0}
	}
	fc, bc := fork(floorURL, floorCmd.Process.Pid, floorDB, floorAt0), fork(bolt.url, bolt.cmd.Process.Pid, boltDB, boltAt0)
	fc.name, bc.name = "floor", "Bolt"
	cs := []*contender{{name: "bot", l: l, m: botMeter}, fc, bc}
	// -bot-before: the earlier bot, on its own copy of the database as the
	// floor's was taken (before any bot opened it, so each bot migrates it
	// as it does), signed with its own secret.
	var before *spawned
	if l.c.botBefore != "" {
		beforeDB := floorDB + ".before"
		if err := copyDB(floorDB, beforeDB); err != nil {
			return err
		}
		if l.c.beforeQuiet {
			if err := setChannelsIn(ctx, beforeDB, noChannel); err != nil {
				return fmt.Errorf("-before-quiet: %w", err)
			}
		}
		bcfg := l.c
		bcfg.bot, bcfg.db, bcfg.pprof = l.c.botBefore, beforeDB, ""
		if before, err = spawn(ctx, &bcfg, l.rs.base); err != nil {
			return fmt.Errorf("-bot-before: %w", err)
		}
		defer before.stop()
		x := fork(bcfg.url, before.cmd.Process.Pid, beforeDB, 0)
		x.l.c = bcfg
		x.name = "before"
		x.m.pprof = bcfg.pprof
		cs = append([]*contender{x}, cs...)
	}
	fmt.Printf("\ndurable changes (/action <id> progress <n>), bot, floor and Bolt (%s) alternately, %d rounds\n", boltDir, l.c.rounds)
	printHeader()
	for range l.c.rounds {
		for _, c := range cs {
			r, err := c.l.measured(ctx, "update", c.m)
			if err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			r.print(c.name)
			if c.name == "bot" {
				fmt.Printf("         %d Slack Web API calls meanwhile (the outbox)\n", r.slackCalls)
			}
			r.printFirstError()
			c.runs = append(c.runs, r)
		}
	}

	fmt.Printf("\nmedians of %d rounds, per durable change:\n", l.c.rounds)
	fmt.Printf("%-8s %10s %12s %9s %9s\n", "server", "cpu/change", "changes/s", "p50", "p99")
	cpu := map[string]float64{}
	for _, c := range cs {
		cpu[c.name] = medianCPU(c.runs)
		fmt.Printf("%-8s %9.1fµs %12.0f %9s %9s\n", c.name, cpu[c.name], medianRate(c.runs), fmtDur(medianP50(c.runs)), fmtDur(medianP99(c.runs)))
	}
	fmt.Printf("CPU per change: bot/floor %.2fx, Bolt/floor %.2fx, Bolt/bot %.2fx (issue 25 asks Bolt/bot >= 1.5)\n",
		cpu["bot"]/cpu["floor"], cpu["Bolt"]/cpu["floor"], cpu["Bolt"]/cpu["bot"])
	if before != nil {
		fmt.Printf("CPU per change before: before/floor %.2fx, Bolt/before %.2fx; bot/before %.2fx\n",
			cpu["before"]/cpu["floor"], cpu["Bolt"]/cpu["before"], cpu["bot"]/cpu["before"])
		// Each round's ratio, side by side in time: steadier than the
		// ratio of two medians when the machine's load moves.
		fmt.Printf("bot/before per round:")
		ratios := make([]float64, len(cs[0].runs))
		for i := range ratios {
			ratios[i] = cpuPerRequest(cs[1].runs[i]) / cpuPerRequest(cs[0].runs[i])
			fmt.Printf(" %.2f", ratios[i])
		}
		slices.Sort(ratios)
		fmt.Printf("; median %.2fx\n", ratios[len(ratios)/2])
	}

	// The audit check, on closed databases: the floor is killed (what it
	// committed is in its WAL), Bolt stopped with SIGTERM.
	floorCmd.Process.Kill()
	floorCmd.Wait()
	floorDone = true
	boltStopped = true
	if err := bolt.stop(); err != nil {
		return fmt.Errorf("-bolt: %w", err)
	}
	var errs []error
	if before != nil {
		// Checked as the bot is: every change it acknowledged audited.
		if err := before.stop(); err != nil {
			return fmt.Errorf("-bot-before: %w", err)
		}
		fmt.Print("\n(before)")
		errs = append(errs, verify(ctx, cs[0].db, cs[0].l.acked.Load(), !l.c.beforeQuiet))
		cs = cs[1:]
	}
	for _, c := range cs[1:] {
		n, err := auditCount(ctx, c.db)
		if err != nil {
			return err
		}
		acked, sent := c.l.acked.Load(), c.sent.n.Load()
		fmt.Printf("audit (%s): %d changes sent, %d acknowledged, %d audit entries by the load user added\n", c.name, sent, acked, n-c.dbAt0)
		errs = append(errs, checkAudit(c.name, n-c.dbAt0, acked, sent))
	}
	return errors.Join(errs...)
}

// medianRate is the median of the rounds' answered requests per second.
func medianRate(rs []*result) float64 {
	return median(rs, func(r *result) float64 {
		if r.elapsed <= 0 {
			return 0
		}
		return float64(len(r.lat)) / r.elapsed.Seconds()
	}, cmp.Compare[float64])
}

// medianP50 is the median of the rounds' median latencies.
func medianP50(rs []*result) time.Duration {
	return median(rs, func(r *result) time.Duration {
		if len(r.lat) == 0 {
			return 0
		}
		return r.lat[len(r.lat)/2] // print sorted it
	}, cmp.Compare[time.Duration])
}
