package console_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/console"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

func TestWriteOutboxNote(t *testing.T) {
	for _, tc := range []struct {
		queued int
		slack  bool
		want   []string
	}{
		{0, false, nil},
		{1, false, []string{"1 message in this database is queued for Slack: the Slack bot (serve with Slack settings) will send it"}},
		{3, true, []string{"3 messages in this database are queued for Slack", "A Slack bot uses this database: the console runs no reminders or digest here"}},
	} {
		var w strings.Builder
		console.WriteOutboxNote(&w, tc.queued, tc.slack)
		if tc.want == nil && w.Len() != 0 {
			t.Errorf("nothing queued: %q", w.String())
		}
		for _, want := range tc.want {
			if !strings.Contains(w.String(), want) {
				t.Errorf("%d queued, slack %v: %q lacks %q", tc.queued, tc.slack, w.String(), want)
			}
		}
	}
}

// NoteOutbox asks the database what is queued for Slack and whether a
// Slack bot uses it (a message queued for Slack says one does).
func TestNoteOutboxReadsTheDatabase(t *testing.T) {
	db := storetest.MustOpenEmpty(t, storetest.NewClock(time.Date(2012, time.June, 1, 10, 0, 0, 0, storetest.London)))
	if _, err := db.Enqueue(context.Background(), &actionbot.Outgoing{Key: "slack:1", Kind: "announce", To: "CTASK", Message: actionbot.Simple("for Slack")}); err != nil {
		t.Fatal(err)
	}
	var w strings.Builder
	slack, err := console.NoteOutbox(context.Background(), &w, db)
	if err != nil || !slack || !strings.Contains(w.String(), "1 message in this database is queued for Slack") || !strings.Contains(w.String(), "A Slack bot uses this database") {
		t.Errorf("NoteOutbox: %v, %v, %q", slack, err, w.String())
	}
}
