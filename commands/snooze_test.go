package commands_test

import (
	"strings"
	"testing"
	"time"
)

func TestARepeatedSnoozeWritesNothingAndHistoryReadsInWords(t *testing.T) {
	f := mustFixture(t)
	mustContain(t, f.run(csuUser, "5.2 snooze 3"), "Reminders for 5.2 are snoozed until Mon 4 Jun 2012.")
	before := f.audits(t, "5.2")
	f.clock.Advance(time.Minute) // typed again a minute later
	m := f.run(csuUser, "5.2 snooze 3")
	mustContain(t, m, "ℹ️", "already snoozed until Mon 4 Jun 2012", "Nothing was changed.")
	if n := f.audits(t, "5.2"); n != before {
		t.Errorf("a repeated snooze wrote %d audit entries", n-before)
	}
	mustContain(t, f.run(csuUser, "5.2 snooze 7"), "snoozed until Fri 8 Jun 2012")
	h := plain(f.run(outsider, "5.2 history"))
	for _, want := range []string{"reminders held until Mon 4 Jun", "reminders held until Fri 8 Jun (were held until Mon 4 Jun)"} {
		if !strings.Contains(h, want) {
			t.Errorf("history lacks %q:\n%s", want, h)
		}
	}
	if strings.Contains(h, "snoozed_until") || strings.Contains(h, "T09:00:00Z") {
		t.Errorf("history shows the raw field:\n%s", h)
	}
}
