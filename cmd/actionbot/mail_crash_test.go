package main

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/bot/fakeslack"
	"github.com/sevenoaks-csp/actionbot/calendar"
	"github.com/sevenoaks-csp/actionbot/internal/fakeplan"
	"github.com/sevenoaks-csp/actionbot/mail"
	"github.com/sevenoaks-csp/actionbot/store"
)

var mailCrashRounds = flag.Int("mailcrash.rounds", 8, "kill-and-restart rounds of TestMailKillAndRestart")

// messageIDOutbox reads the outbox row out of a Message-ID.
var messageIDOutbox = regexp.MustCompile(`^<outbox-(\d+)\.[0-9a-f]+@`)

// TestMailKillAndRestart kills the real binary (serve, with remind --post
// beside it) with SIGKILL while reminder e-mails go out through a real
// SMTP server on loopback, and starts it again, round after round. Half
// the rounds are killed at a random instant; the others at the worst one:
// the SMTP server has accepted an e-mail and the sender has not heard so,
// let alone recorded it. Afterwards every e-mail queued was received; a
// Message-ID was received twice only when a kill fell between the
// server's acceptance of it and the outbox's commit, and then both copies
// carry the same Message-ID and the same text.
func TestMailKillAndRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and kills it")
	}
	r := mustKillPoints(t)
	bin := e2eBuild(t)
	fake := fakeslack.New(t)
	fake.Clock = time.Now
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "actionbot.db")
	ctx := context.Background()

	// Each agency has someone on Slack and someone by address alone.
	db := mustStaffedPlan(t, dbPath)
	ags, err := db.Agencies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range ags {
		if a.Code == actionbot.AllPartners {
			continue
		}
		addr := strings.ToLower(strings.NewReplacer("&", "and", " ", "-").Replace(a.Code)) + ".lead@partners.example.org"
		if _, err := db.AddMemberByEmail(ctx, addr, a.Code, fakeplan.Actor); err != nil {
			t.Fatalf("add %s: %v", addr, err)
		}
	}
	db.Close()

	// The server: it keeps what it accepts, and on a round that kills at
	// acceptance, holds its 250 answer until the processes are dead.
	var mu sync.Mutex
	var killAtAccept func()
	var acceptedAt []string // Message-IDs in the order accepted
	sink := &mail.Sink{Accepted: func(rec *mail.Received) {
		mu.Lock()
		acceptedAt = append(acceptedAt, rec.Header().Get("Message-Id"))
		kill := killAtAccept
		killAtAccept = nil
		mu.Unlock()
		if kill != nil {
			kill() // before the client hears the server took it
		}
	}}
	if _, err := sink.Listen("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer sink.Close()

	env := []string{
		"ACTIONBOT_DB=" + dbPath, "HOME=" + dir, "PATH=" + os.Getenv("PATH"),
		"SLACK_BOT_TOKEN=" + e2eBotToken, "SLACK_SIGNING_SECRET=" + e2eSigningSecret, "SLACK_API_URL=" + fake.APIURL(),
		"ACTIONBOT_COORDINATORS=" + crashCoordinator, "ACTIONBOT_DIGEST_CHANNEL=C0DIGEST",
		"ACTIONBOT_REMIND_CRON=off", "ACTIONBOT_DIGEST_CRON=off", "ACTIONBOT_QUARTERLY_CRON=off",
		"ACTIONBOT_SLACK_PACE=1ms", "ACTIONBOT_LOG_LEVEL=warn",
		"ACTIONBOT_SMTP_URL=" + sink.URL(), "ACTIONBOT_MAIL_FROM=actions@sevenoaks.gov.uk",
		"ACTIONBOT_PUBLIC_URL=https://actions.sevenoaks.example", "ACTIONBOT_LINK_SECRET=" + testLinkSecret,
	}
	cal, err := calendar.Embedded(calendar.DefaultDivision)
	if err != nil {
		t.Fatal(err)
	}
	asOf := func(i int) string {
		d := actionbot.D(2012, time.April, 2).AddDays(7 * (i % 50))
		if !cal.IsWorkingDay(d) {
			d = cal.NextWorkingDay(d)
		}
		return d.String() + "T09:00"
	}

	// allowed are the outbox rows whose e-mail a kill caught between the
	// server's acceptance and the outbox's commit: only these may arrive
	// twice.
	allowed := map[int64]bool{}
	for round := 0; round < *mailCrashRounds; round++ {
		p := serveCrashBot(t, bin, env)
		sweep := startCrashProcess(t, bin, env, "remind", "--as-of", asOf(round), "--post")
		killed := make(chan struct{})
		var once sync.Once
		killAll := func() {
			once.Do(func() {
				p.kill()
				sweep.kill()
				close(killed)
			})
		}
		mu.Lock()
		before := len(acceptedAt)
		atAccept := round%2 == 1
		if atAccept {
			killAtAccept = killAll
		}
		mu.Unlock()
		select {
		case <-killed:
		case <-time.After(time.Duration(50+r.IntN(1500)) * time.Millisecond):
			killAll()
		}
		mu.Lock()
		killAtAccept = nil
		accepted := append([]string(nil), acceptedAt[before:]...)
		mu.Unlock()
		// What the outbox recorded of what the server accepted this round.
		db := store.NewDB(dbPath)
		if err := db.Open(); err != nil {
			t.Fatal(err)
		}
		for _, id := range accepted {
			row := mustOutboxRow(t, db, id)
			if row.State != actionbot.OutboxSent {
				allowed[row.ID] = true
			}
		}
		db.Close()
		t.Logf("round %d (kill at acceptance: %v): %d e-mails accepted", round, atAccept, len(accepted))
	}

	// A clean run: every sweep again, then serve until the outbox drains
	// (an interrupted e-mail goes again once its claim lapses).
	p := serveCrashBot(t, bin, env)
	for round := 0; round < *mailCrashRounds; round++ {
		c := exec.Command(bin, "remind", "--as-of", asOf(round), "--post")
		c.Env = append(env, "ACTIONBOT_POST_WAIT=1s")
		c.Run() // may leave interrupted e-mails for serve: their claims have not lapsed
	}
	db = store.NewDB(dbPath)
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	deadline := time.Now().Add(store.SendingLease + 60*time.Second)
	var rows []*actionbot.Outgoing
	for {
		all, err := db.Outgoing(ctx, "", 100000)
		if err != nil {
			t.Fatal(err)
		}
		rows = rows[:0]
		left := 0
		for _, o := range all {
			if o.IsEmail() {
				rows = append(rows, o)
				if o.State != actionbot.OutboxSent {
					left++
				}
			}
		}
		if left == 0 {
			break
		}
		if time.Now().After(deadline) {
			for _, o := range rows {
				if o.State != actionbot.OutboxSent {
					t.Logf("%s to %s: %s, %d attempts, %q", o.Key, o.To, o.State, o.Attempts, o.LastError)
				}
			}
			t.Fatalf("%d e-mails still queued\n%s", left, p.out.String())
		}
		time.Sleep(50 * time.Millisecond) // polling a real process's work
	}
	p.kill()
	if len(rows) == 0 {
		t.Fatal("no e-mail was queued: the test proved nothing")
	}

	// Every e-mail queued was received, as its own Message-ID; a second
	// copy only where a kill fell between acceptance and commit, the same.
	copies := map[string][]*mail.Received{}
	for _, rec := range sink.Received() {
		id := rec.Header().Get("Message-Id")
		copies[id] = append(copies[id], rec)
	}
	twice := 0
	for _, o := range rows {
		id := o.RemoteRef
		got := copies[id]
		switch {
		case len(got) == 0:
			t.Errorf("%s to %s is recorded sent as %s but the server never received it", o.Key, o.To, id)
		case len(got) > 1 && !allowed[o.ID]:
			t.Errorf("%s to %s was received %d times, though no kill fell between its acceptance and its record", o.Key, o.To, len(got))
		case len(got) > 2:
			t.Errorf("%s to %s was received %d times", o.Key, o.To, len(got))
		case len(got) == 2:
			twice++
			a, _ := got[0].Parts()
			b, _ := got[1].Parts()
			if a["text/plain"] != b["text/plain"] || a["text/html"] != b["text/html"] || got[0].To[0] != got[1].To[0] {
				t.Errorf("the two copies of %s differ", id)
			}
		}
		if len(got) > 0 && got[0].To[0] != o.To {
			t.Errorf("%s went to %s, not %s", id, got[0].To[0], o.To)
		}
		delete(copies, id)
	}
	for id := range copies {
		t.Errorf("the server received %s, which no outbox row records", id)
	}
	t.Logf("%d e-mails queued and received; %d rows caught by a kill between acceptance and commit, %d of them received twice (same Message-ID)", len(rows), len(allowed), twice)
}

// mustOutboxRow is the outbox row of a Message-ID.
func mustOutboxRow(t *testing.T, db *store.DB, messageID string) *actionbot.Outgoing {
	t.Helper()
	m := messageIDOutbox.FindStringSubmatch(messageID)
	if m == nil {
		t.Fatalf("Message-ID %q names no outbox row", messageID)
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	rows, err := db.OutgoingByID(context.Background(), []int64{id})
	if err != nil || len(rows) != 1 {
		t.Fatalf("outbox row %d: %v, %v", id, rows, err)
	}
	return rows[0]
}
