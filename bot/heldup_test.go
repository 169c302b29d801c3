package bot

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"
)

// A change held up by the database (another program holding SQLite's write
// lock, a slow disk) is acked within Slack's three seconds as not saved
// yet, and confirmed through the response_url once made, once. The ack
// used to wait out the database's busy timeout, ten seconds: Slack showed
// the person an error for a change it then made, and they typed it again.
func TestAChangeHeldUpByTheDatabaseIsAckedAsNotSavedAndConfirmedOnceMade(t *testing.T) {
	e := mustEnv(t)
	if e.db.Postgres() {
		t.Skip("holds SQLite's write lock from another connection")
	}
	e.bot.SyncChanges = 4
	e.bot.ChangeWait = 100 * time.Millisecond
	before := e.mustAuditCount(t, "5.2")

	other, err := sql.Open("sqlite3", e.db.Path+"?_busy_timeout=0")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ctx := context.Background()
	lock, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if _, err := lock.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}

	status, body := e.signed(t, "/slack/commands", formType, e.slashForm(uCSU, "5.2 progress 45 held up", "held"), nil)
	if status != 200 || !strings.Contains(string(body), "Your change to 5.2 is not saved yet") {
		t.Fatalf("ack while the database is locked: %d %s", status, body)
	}
	if got := len(e.slack.Requests("response:held")); got != 0 {
		t.Fatalf("%d answers through the response_url before the change was made", got)
	}

	if _, err := lock.ExecContext(ctx, `ROLLBACK`); err != nil {
		t.Fatal(err)
	}
	got := e.slack.Wait(t, "response:held", 1)[0]
	if text := blocksText(got.JSON["blocks"]); !strings.Contains(text, "*5.2* is now at 45%.") {
		t.Errorf("the confirmation once made: %v", got.JSON)
	}
	e.bot.Wait()
	if a := e.mustAction(t, "5.2"); a.Progress != 45 || e.mustAuditCount(t, "5.2") != before+1 {
		t.Errorf("5.2 at %d%% with %d new audit entries; want 45%% and one", a.Progress, e.mustAuditCount(t, "5.2")-before)
	}
	if n := len(e.slack.Requests("response:held")); n != 1 {
		t.Errorf("%d answers through the response_url; want one", n)
	}
}
