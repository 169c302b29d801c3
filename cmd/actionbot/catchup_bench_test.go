package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/internal/fakeplan"
	"github.com/sevenoaks-csp/actionbot/store"
)

// TestCatchUpBenchmark measures the real binary's start-up after long
// downtime: a generated plan of ACTIONBOT_CATCHUP actions (10000, 100000)
// whose deadlines fell between two and a half and three and a half years
// ago, in a plan year that runs to the end of this year, with two members
// for every agency. serve starts (the console), runs its start-up sweep
// and settles; the test reports the sweep's time, the process's peak
// resident memory and the lines it logged. It measures, and asserts
// nothing of speed: BENCHMARKS.md has the figures and the command.
//
//	ACTIONBOT_CATCHUP=10000 go test -run TestCatchUpBenchmark -v ./cmd/actionbot/
func TestCatchUpBenchmark(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("ACTIONBOT_CATCHUP"))
	if n <= 0 {
		t.Skip("set ACTIONBOT_CATCHUP to a number of actions to measure")
	}
	now := time.Now()
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

	cmd := exec.Command(bin, "serve")
	cmd.Env = []string{"ACTIONBOT_DB=" + dbPath, "HOME=" + dir, "PATH=" + os.Getenv("PATH"),
		// The console logs warnings only unless asked; the sweep's own line
		// (and every line an operator would see on serve) is at info.
		"ACTIONBOT_LOG_LEVEL=info",
		// 08:00 and 08:01 have passed on any day this runs: the start-up
		// catch-up runs the digest and the sweep.
		"ACTIONBOT_DIGEST_CRON=0 0 * * *", "ACTIONBOT_REMIND_CRON=1 0 * * *"}
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
	timeout := time.After(10 * time.Minute)
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
			t.Fatalf("no sweep after 10 minutes:\n%s", strings.Join(logged, "\n"))
		}
	}
	// Settled: the console has printed what was queued (it delivers each
	// second), and the process is idle.
	<-time.After(3 * time.Second)
	status, err := os.ReadFile("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	var hwm string
	for _, l := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			hwm = strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:"))
		}
	}
	stdin.Close()
	for l := range lines {
		logged = append(logged, l)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("serve: %v", err)
	}
	t.Logf("%d actions: sweep logged %.2fs after exec: %s", n, sweptAt.Seconds(), sweepLine)
	t.Logf("peak resident memory %s; %d log lines in all:\n%s", hwm, len(logged), strings.Join(logged, "\n"))
}
