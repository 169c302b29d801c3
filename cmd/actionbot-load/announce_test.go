package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"
	"github.com/sevenoaks-csp/actionbot/internal/fakeplan"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// The database the tool prepares has every priority's task group in a
// channel, so that each change the load makes is announced; -before-quiet
// takes the channels away again.
func TestPrepareGivesEveryPriorityItsChannel(t *testing.T) {
	ctx := context.Background()
	c := config{bot: "unused", db: filepath.Join(t.TempDir(), "load.db"), actions: 20, seed: fakeplan.Seed}
	if _, _, err := prepare(&c); err != nil {
		t.Fatal(err)
	}
	channels := func() []string {
		t.Helper()
		db := store.NewDB(c.db)
		if err := db.Open(); err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		p, err := db.CurrentPlan(ctx)
		if err != nil {
			t.Fatal(err)
		}
		ps, err := db.Priorities(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		var chs []string
		for _, pr := range ps {
			chs = append(chs, fmt.Sprintf("%d:%s", pr.Number, pr.Channel))
		}
		return chs
	}
	want := []string{"1:C0TASK1", "2:C0TASK2", "3:C0TASK3", "4:C0TASK4", "5:C0TASK5", "6:C0TASK6", "7:C0TASK7"}
	if got := channels(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("channels = %v, want %v", got, want)
	}
	if err := setChannelsIn(ctx, c.db, noChannel); err != nil {
		t.Fatal(err)
	}
	if got := channels(); strings.Join(got, " ") != "1: 2: 3: 4: 5: 6: 7:" {
		t.Fatalf("channels after taking them away = %v", got)
	}
}

// verify wants each of the load user's audit entries announced once (its
// announcement "announce:<entry id>" in the outbox, queued or sent), and
// none when the priorities had no channel; on SQLite and on PostgreSQL.
func TestVerifyWantsOneAnnouncementPerAuditEntry(t *testing.T) {
	t.Run("SQLite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "load.db")
		testVerifyAnnouncements(t, path, "sqlite3", floorDSN(path))
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		url := storetest.MustPostgres(t)
		testVerifyAnnouncements(t, url, "pgx", url)
	})
}

func testVerifyAnnouncements(t *testing.T, path, driver, dsn string) {
	ctx := context.Background()
	c := config{bot: "unused", db: path, actions: 20, seed: fakeplan.Seed}
	if _, _, err := prepare(&c); err != nil {
		t.Fatal(err)
	}
	db, err := sqlx.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	exec := func(q string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := db.QueryRow(db.Rebind(q+" RETURNING id"), args...).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	entry := func(actor string) int64 {
		return exec(`INSERT INTO audit (action_id, at, actor, verb) VALUES ((SELECT MIN(id) FROM actions), '2026-12-07T00:00:00Z', ?, 'progress')`, actor)
	}
	announce := func(id int64, state string) {
		exec(`INSERT INTO outbox (dedupe_key, kind, recipient, payload, state, next_attempt_at, created_at) VALUES (?, 'announce', 'C0TASK1', '{}', ?, '', '')`,
			fmt.Sprintf("announce:%d", id), state)
	}
	a, b, other := entry(loadUser), entry(loadUser), entry("U0SOMEONE")
	announce(a, "sent")
	announce(other, "pending") // another actor's: not counted
	if err := verify(ctx, c.db, 2, true); err == nil || !strings.Contains(err.Error(), "2 audit entries by the load user, 1 of them announced") {
		t.Fatalf("verify with an entry unannounced = %v", err)
	}
	announce(b, "pending")
	got, err := countAnnouncements(ctx, c.db, loadUser)
	if err != nil {
		t.Fatal(err)
	}
	if want := (announcements{entries: 2, announced: 2, rows: 2, sent: 1}); got != want {
		t.Fatalf("countAnnouncements = %+v, want %+v", got, want)
	}
	if err := verify(ctx, c.db, 2, true); err != nil {
		t.Fatalf("verify with each entry announced once = %v", err)
	}
	if err := verify(ctx, c.db, 2, false); err == nil || !strings.Contains(err.Error(), "2 announcements queued by a bot whose priorities have no channel") {
		t.Fatalf("verify of a quiet bot that announced = %v", err)
	}
	if err := verify(ctx, c.db, 3, true); err == nil || !strings.Contains(err.Error(), "missing from the audit trail") {
		t.Fatalf("verify with an acknowledged change unaudited = %v", err)
	}
}
