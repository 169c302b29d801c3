package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot/bot/fakeslack"
	"github.com/sevenoaks-csp/actionbot/store"
)

// TestGracefulShutdown sends SIGTERM to the real binary in the middle of a
// burst of updates: it stops taking requests, finishes those in hand (every
// acknowledged update is made before it exits, with no restart), closes the
// database cleanly and exits 0 within a bounded time.
func TestGracefulShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := e2eBuild(t)
	fake := fakeslack.New(t)
	fake.Clock = time.Now
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "actionbot.db")
	env := []string{
		"ACTIONBOT_DB=" + dbPath, "HOME=" + dir, "PATH=" + os.Getenv("PATH"),
		"SLACK_BOT_TOKEN=" + e2eBotToken, "SLACK_SIGNING_SECRET=" + e2eSigningSecret, "SLACK_API_URL=" + fake.APIURL(),
		"ACTIONBOT_COORDINATORS=" + crashCoordinator, "ACTIONBOT_REMIND_CRON=off", "ACTIONBOT_DIGEST_CRON=off",
		"ACTIONBOT_LOG_LEVEL=info",
	}
	p := serveCrashBot(t, bin, env)

	var mu sync.Mutex
	acked := 0
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 24 { // beyond the bot's 16 synchronous places: both paths run
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if out := postChange(p.base, fake, fmt.Sprintf("5.2 note shutdown worker %d update %d", w, i), "shutdown"); out == ackedEmpty || out == ackedOK {
					mu.Lock()
					acked++
					mu.Unlock()
				}
			}
		}()
	}
	// Let the burst run, then ask the bot to stop.
	<-time.After(300 * time.Millisecond)
	start := time.Now()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, p.out.String())
		}
	case <-time.After(30 * time.Second):
		p.kill()
		t.Fatalf("the bot did not stop within 30 s of SIGTERM:\n%s", p.out.String())
	}
	took := time.Since(start)
	close(stop)
	wg.Wait()
	if !strings.Contains(p.out.String(), "stopped cleanly") {
		t.Errorf("no clean stop in the log:\n%s", p.out.String())
	}
	// It no longer takes requests.
	if resp, err := http.Get(p.base + "/healthz"); err == nil {
		resp.Body.Close()
		t.Error("still answering after it exited")
	}
	// The database was closed cleanly: its log was checkpointed and removed.
	if st, err := os.Stat(dbPath + "-wal"); err == nil && st.Size() > 0 {
		t.Errorf("the write-ahead log is left with %d bytes: the database was not closed", st.Size())
	}
	db := store.NewDB(dbPath)
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	plan, _ := db.CurrentPlan(ctx)
	n, err := db.AuditCount(ctx, plan.ID, "5.2")
	if err != nil {
		t.Fatal(err)
	}
	pending, _ := db.PendingInbox(ctx)
	if len(pending) != 0 {
		t.Errorf("%d acknowledged changes were left for the next start", len(pending))
	}
	if n < acked {
		t.Errorf("%d updates acknowledged, %d made before exiting", acked, n)
	}
	t.Logf("stopped %v after SIGTERM; %d updates acknowledged, %d made", took.Round(time.Millisecond), acked, n)
	if acked == 0 {
		t.Fatal("no update was acknowledged: the test proved nothing")
	}
}
