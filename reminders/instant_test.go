package reminders_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/reminders"
)

// --as-of is read in the partnership's zone; a date alone is the first run
// of the schedule that day, else of the default's, else noon.
func TestParseInstant(t *testing.T) {
	now := time.Date(2026, 12, 6, 17, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in, sched, def string
		want           time.Time
	}{
		{"", "", "", now.In(london)},
		{"2012-11-05T08:30", "", "", time.Date(2012, 11, 5, 8, 30, 0, 0, london)},
		{"2012-11-05 08:30:15", "", "", time.Date(2012, 11, 5, 8, 30, 15, 0, london)},
		{"2012-11-05T08:30:00Z", "", "", time.Date(2012, 11, 5, 8, 30, 0, 0, time.UTC).In(london)},
		{"2012-11-05", reminders.DefaultDigestCron, "", time.Date(2012, 11, 5, 8, 30, 0, 0, london)},
		// A Saturday: the weekday schedule does not run, nor the default.
		{"2012-11-03", reminders.DefaultRemindCron, reminders.DefaultDigestCron, time.Date(2012, 11, 3, 12, 0, 0, 0, london)},
		{" 2012-11-05 ", "off-by-typo", reminders.DefaultRemindCron, time.Date(2012, 11, 5, 9, 0, 0, 0, london)},
	} {
		got, err := reminders.ParseInstant(tc.in, func() time.Time { return now }, london, tc.sched, tc.def)
		if err != nil || !got.Equal(tc.want) || got.Location() != london {
			t.Errorf("ParseInstant(%q, %q, %q) = %v, %v; want %v", tc.in, tc.sched, tc.def, got, err, tc.want)
		}
	}
	if _, err := reminders.ParseInstant("5 Nov", time.Now, london, "", ""); actionbot.ErrorCode(err) != actionbot.EUSAGE || !strings.Contains(err.Error(), `--as-of "5 Nov": give a date and time`) {
		t.Errorf("a date that is not one: %v", err)
	}
	if got := reminders.RunOn(actionbot.D(2012, time.November, 5), london); !got.Equal(time.Date(2012, 11, 5, 12, 0, 0, 0, london)) {
		t.Errorf("RunOn with no schedule: %v, want noon", got)
	}
}
