package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/internal/fakeplan"
	"github.com/sevenoaks-csp/actionbot/store"
)

// TestCatchUpBenchmark measures the real binary's start-up after long
// downtime: a generated plan of ACTIONBOT_CATCHUP actions (200 unless set:
// the short form CI runs in seconds; 10000 or 100000 to measure) whose
// deadlines fell between two and a half and three and a half years before
// the bot's clock, in a plan year that runs to the end of the clock's year,
// with two members for every agency. serve starts (the console) on a clock
// fixed by -as-of at a working Wednesday, so the run never depends on the
// day it is made (on a Sunday the sweep is not logged); it runs its
// start-up sweep, then stdin closes and it exits. The test reports the
// sweep's time, the process's peak resident memory (from the kernel's
// accounting at exit, so no settling wait) and the lines it logged. It
// fails, naming what it saw, when no sweep is logged within its bound, and
// asserts nothing of speed: BENCHMARKS.md has the figures and the command.
//
//	ACTIONBOT_CATCHUP=10000 go test -run TestCatchUpBenchmark -v ./cmd/actionbot/
func TestCatchUpBenchmark(t *testing.T) {
	n := 200
	if s := os.Getenv("ACTIONBOT_CATCHUP"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n <= 0 {
			t.Fatalf("ACTIONBOT_CATCHUP=%q: want a number of actions", s)
		}
	}
	// The bot's clock: 08:30 on a Wednesday, after the digest (08:00) and
	// the sweep (08:01) the settings below give.
	now := time.Date(2027, time.January, 13, 8, 30, 0, 0, time.UTC)
	// The bound: a minute for the short form, ten for 100,000 actions.
	bound := time.Minute + time.Duration(n/200)*time.Second
	bin := e2eBuild(t)
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "actionbot.db")
	if keep := os.Getenv("ACTIONBOT_CATCHUP_DB"); keep != "" { // keep the generated database, to measure by hand
		dbPath = keep
	}
	db := store.NewDB(dbPath)
	db.ConfiguredCoordinators = []string{fakeplan.Actor}
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	year := actionbot.Period{Start: actionbot.D(now.Year()-3, now.Month(), 1).AddDays(-180), End: actionbot.D(now.Year()-3, now.Month(), 1).AddDays(185)}
	imp, err := fakeplan.GenerateFor(year, n, 7, fakeplan.Seed)
	if err != nil {
		t.Fatal(err)
	}
	imp.Period.End = actionbot.D(now.Year(), time.December, 31)
	ctx := context.Background()
	if _, err := db.ImportPlan(ctx, imp); err != nil {
		t.Fatal(err)
	}
	for _, a := range imp.Agencies {
		for i := 1; i <= 2 && a.Code != actionbot.AllPartners; i++ {
			if err := db.AddMember(ctx, fakeplan.MemberID(a.Code, i), a.Code, fakeplan.Actor); err != nil {
				t.Fatal(err)
			}
		}
	}
	db.Close()

	cmd := exec.Command(bin, "serve", "-as-of", now.Format("2006-01-02T15:04"))
	cmd.Env = []string{"ACTIONBOT_DB=" + dbPath, "HOME=" + dir, "PATH=" + os.Getenv("PATH"), "ACTIONBOT_TZ=UTC",
		// The console logs warnings only unless asked; the sweep's own line
		// (and every line an operator would see on serve) is at info.
		"ACTIONBOT_LOG_LEVEL=info",
		// 08:00 and 08:01 have passed at 08:30: the start-up catch-up
		// runs the digest and the sweep.
		"ACTIONBOT_DIGEST_CRON=0 8 * * *", "ACTIONBOT_REMIND_CRON=1 8 * * *"}
	if extra := os.Getenv("ACTIONBOT_CATCHUP_ENV"); extra != "" { // "K=V;K=V": settings to compare with
		cmd.Env = append(cmd.Env, strings.Split(extra, ";")...)
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = nil
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1000)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var logged []string
	var sweepLine string
	var sweptAt time.Duration
	timeout := time.After(bound)
	for sweepLine == "" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("serve exited before sweeping:\n%s", strings.Join(logged, "\n"))
			}
			logged = append(logged, l)
			if strings.Contains(l, `msg="reminder sweep"`) || strings.Contains(l, "reminder sweep:") || strings.Contains(l, `job="reminder sweep"`) && os.Getenv("ACTIONBOT_CATCHUP_ENV") != "" {
				sweepLine, sweptAt = l, time.Since(start)
			}
		case <-timeout:
			_ = cmd.Process.Kill()
			t.Fatalf("no sweep logged within %v of starting serve on %d actions:\n%s", bound, n, strings.Join(logged, "\n"))
		}
	}
	// Closing stdin ends the console once what was queued is printed; the
	// kernel's accounting gives the peak resident memory at exit.
	stdin.Close()
	for l := range lines {
		logged = append(logged, l)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("serve: %v", err)
	}
	var hwm string
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		hwm = strconv.FormatInt(ru.Maxrss, 10) + " kB"
	}
	t.Logf("%d actions: sweep logged %.2fs after exec: %s", n, sweptAt.Seconds(), sweepLine)
	t.Logf("peak resident memory %s; %d log lines in all:\n%s", hwm, len(logged), strings.Join(logged, "\n"))
}
