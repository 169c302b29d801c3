package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/bot/fakeslack"
	"github.com/sevenoaks-csp/actionbot/calendar"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// TestThreeReplicasOnPostgreSQLDoEachThingOnce runs three serve processes
// on one PostgreSQL database and one fake Slack. 24 clients send signed
// changes spread over the three; one replica, chosen at random, is killed
// with SIGKILL at a random moment and started again; and each working day
// of a week every replica runs the reminder sweep and the digest. In the
// end every acknowledged change is in the audit trail exactly once, and
// every message queued (reminders, digests, announcements) was posted
// exactly once.
func TestThreeReplicasOnPostgreSQLDoEachThingOnce(t *testing.T) {
	pg := storetest.MustPostgres(t)
	if testing.Short() {
		t.Skip("builds the binary and kills it")
	}
	r := mustKillPoints(t)

	bin := e2eBuild(t)
	fake := fakeslack.New(t)
	fake.Clock = time.Now
	dir := t.TempDir()
	ctx := context.Background()

	db := mustStaffedPlan(t, pg)
	plan, _ := db.CurrentPlan(ctx)
	refs, _ := db.Refs(ctx, plan.ID)
	db.Close()

	env := []string{
		"ACTIONBOT_DB=" + pg, "HOME=" + dir, "PATH=" + os.Getenv("PATH"),
		"SLACK_BOT_TOKEN=" + e2eBotToken, "SLACK_SIGNING_SECRET=" + e2eSigningSecret, "SLACK_API_URL=" + fake.APIURL(),
		"ACTIONBOT_COORDINATORS=" + crashCoordinator, "ACTIONBOT_DIGEST_CHANNEL=C0DIGEST",
		// Each day's sweeps and digests are run below, as of that day.
		"ACTIONBOT_REMIND_CRON=off", "ACTIONBOT_DIGEST_CRON=off",
		"ACTIONBOT_SLACK_PACE=1ms", "ACTIONBOT_LOG_LEVEL=warn",
	}

	var mu sync.Mutex
	replicas := make([]*crashBot, 3)
	for i := range replicas {
		replicas[i] = serveCrashBot(t, bin, env)
	}
	base := func(i int) string {
		mu.Lock()
		defer mu.Unlock()
		return replicas[i].base
	}
	acked := map[string]bool{} // note texts whose change was acknowledged
	sent := 0

	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 24 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				mu.Lock()
				sent++
				n := sent
				mu.Unlock()
				text := fmt.Sprintf("%s note replica test client %d update %d", refs[(n*7+w)%len(refs)], w, n)
				out := postChange(base((w+n)%3), fake, text, fmt.Sprintf("replicas-%d", n))
				if out == ackedEmpty || out == ackedOK {
					mu.Lock()
					acked[text] = true
					mu.Unlock()
				}
			}
		}()
	}

	// One replica killed at a random moment of the week, and started again.
	killed := make(chan int, 1)
	go func() {
		<-time.After(time.Duration(100+r.IntN(1500)) * time.Millisecond)
		i := r.IntN(3)
		mu.Lock()
		p := replicas[i]
		mu.Unlock()
		p.kill()
		killed <- i
	}()

	// A working week, each day's sweep and digest run by all three at once.
	cal, err := calendar.Embedded(calendar.DefaultDivision)
	if err != nil {
		t.Fatal(err)
	}
	day := actionbot.D(2012, time.July, 2)
	for range 5 {
		for !cal.IsWorkingDay(day) {
			day = day.AddDays(1)
		}
		for _, args := range [][]string{
			{"digest", "--as-of", day.String() + "T08:30", "--post"},
			{"remind", "--as-of", day.String() + "T09:00", "--post"},
		} {
			var jobs sync.WaitGroup
			for range 3 {
				jobs.Add(1)
				go func() {
					defer jobs.Done()
					c := exec.Command(bin, args...)
					c.Env = env
					if out, err := c.CombinedOutput(); err != nil {
						t.Errorf("actionbot %v: %v\n%s", args, err, out)
					}
				}()
			}
			jobs.Wait()
		}
		day = day.AddDays(1)
	}
	i := <-killed
	restarted := serveCrashBot(t, bin, env)
	mu.Lock()
	replicas[i] = restarted
	mu.Unlock()
	<-time.After(300 * time.Millisecond) // clients reach the restarted replica too
	close(stop)
	wg.Wait()

	// Everything queued is delivered, by whichever replica delivers.
	db = store.NewDB(pg)
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	deadline := time.Now().Add(90 * time.Second)
	for {
		left := mustOutstanding(t, ctx, db)
		if left.none() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the outbox did not drain: %d pending, %d sending, %d changes to make, %d to confirm", len(left.pending), len(left.sending), len(left.toMake), len(left.toConfirm))
		}
		time.Sleep(50 * time.Millisecond) // polling real processes' work
	}
	// A change made through one replica is seen by the next request to
	// another, at once.
	for k, pct := range []int{37, 64} {
		from, to := replicas[k%3], replicas[(k+1)%3]
		look := func(name string) (int, []byte) {
			body := []byte(url.Values{"team_id": {"T1"}, "channel_id": {"C0GENERAL"}, "user_id": {crashCoordinator}, "command": {"/action"},
				"text": {"1.1"}, "response_url": {fake.ResponseURL(name)}, "trigger_id": {"1.2.3"}, "api_app_id": {"A1"}}.Encode())
			return sendSigned(to.base, "/slack/commands", body)
		}
		look(fmt.Sprintf("before-%d", k)) // the other has just read 1.1 too
		if out := postChange(from.base, fake, fmt.Sprintf("1.1 progress %d", pct), fmt.Sprintf("visible-%d", k)); out != ackedOK && out != ackedEmpty {
			t.Fatalf("progress %d through one replica: not acknowledged (%v)", pct, out)
		}
		status, card := look(fmt.Sprintf("after-%d", k))
		if status != 200 || !strings.Contains(string(card), fmt.Sprintf("%d%%", pct)) {
			t.Errorf("right after 1.1 went to %d%% through one replica, another shows (%d):\n%s", pct, status, card)
		}
	}

	for _, p := range replicas {
		p.cmd.Process.Signal(syscall.SIGTERM)
		if err := <-p.done; err != nil {
			t.Errorf("after SIGTERM: %v\n%s", err, p.out.String())
		}
	}

	kinds, delivered := mustEachDeliveredOnce(t, ctx, db, fake)
	if kinds["reminder"] == 0 || kinds["digest"] != 5 {
		t.Errorf("queued %v: want reminders, and one digest for each of the 5 working days", kinds)
	}

	notes := map[string]int{}
	for _, ref := range refs {
		h, err := db.History(ctx, plan.ID, ref, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range h {
			if e.Actor == crashCoordinator && strings.HasPrefix(e.Note, "replica test") {
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
	if len(acked) == 0 {
		t.Fatal("no change was acknowledged: the test proved nothing")
	}
	t.Logf("replica %d killed and restarted; %d changes sent, %d acknowledged, %d audited; %d messages posted once each (%v)",
		i, sent, len(acked), len(notes), delivered, kinds)
}
