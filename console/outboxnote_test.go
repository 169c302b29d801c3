package console_test

import (
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot/console"
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
