package reminders_test

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/calendar"
	"github.com/sevenoaks-csp/actionbot/reminders"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// A day past the bank holidays known is warned of, naming the setting
// that gives newer ones; a day they cover is not.
func TestWarnCalendarWhenTheHolidaysRunOut(t *testing.T) {
	r := reminders.DefaultRules(london, mustCalendar(t, calendar.DefaultDivision))
	var logs storetest.LogBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	r.WarnCalendar(log, actionbot.D(2012, 11, 5))
	if logs.String() != "" {
		t.Errorf("a day the holidays cover: %s", logs.String())
	}
	r.WarnCalendar(log, actionbot.D(2099, 1, 5))
	if got := logs.String(); !strings.Contains(got, "only weekends count as non-working days") || !strings.Contains(got, "ACTIONBOT_HOLIDAYS_FILE") {
		t.Errorf("a day past them: %q", got)
	}
}

// The settings that leave the digest or the escalations undone are
// warned of at start.
func TestWarnSettingsNamesWhatIsMissing(t *testing.T) {
	s := &reminders.Service{Rules: reminders.DefaultRules(london, mustCalendar(t, calendar.DefaultDivision)), DigestChannel: "CDIGEST", TaskingChannel: "CTASK"}
	var logs storetest.LogBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	s.WarnSettings(log, actionbot.D(2012, 11, 5))
	if logs.String() != "" {
		t.Errorf("every setting given: %s", logs.String())
	}
	s.DigestChannel, s.TaskingChannel = "", ""
	s.WarnSettings(log, actionbot.D(2012, 11, 5))
	if got := logs.String(); !strings.Contains(got, "the daily digest is off") || !strings.Contains(got, "no tasking channel") {
		t.Errorf("no channels: %q", got)
	}
}
