package reminders

import (
	"log/slog"
	"strconv"

	"github.com/sevenoaks-csp/actionbot"
)

// WarnCalendar logs a warning when the bank holidays the rules know run
// out before day: only weekends then count as non-working days, and the
// operator should give a newer copy (ACTIONBOT_HOLIDAYS_FILE).
func (r *Rules) WarnCalendar(log *slog.Logger, day actionbot.Date) {
	if r.Calendar == nil || r.Calendar.Covers(day) {
		return
	}
	first, last := r.Calendar.Years()
	log.Warn("the bank holidays known run from "+strconv.Itoa(first)+" to "+strconv.Itoa(last)+
		": only weekends count as non-working days; set ACTIONBOT_HOLIDAYS_FILE to a newer copy of https://www.gov.uk/bank-holidays.json",
		"day", day.String())
}

// WarnSettings logs, as the bot starts, what the settings leave undone:
// the digest is off without its channel; without a tasking channel,
// escalations and reminders nobody is registered to take cannot be
// delivered; and the holidays known may run out before today
// (WarnCalendar).
func (s *Service) WarnSettings(log *slog.Logger, today actionbot.Date) {
	if s.DigestChannel == "" {
		log.Warn("the daily digest is off: set ACTIONBOT_DIGEST_CHANNEL to the channel of the daily tasking meeting")
	}
	if s.TaskingChannel == "" {
		log.Warn("no tasking channel: escalations, and reminders for agencies nobody is registered with (where the priority has no task-group channel), cannot be delivered; set ACTIONBOT_TASKING_CHANNEL or ACTIONBOT_DIGEST_CHANNEL")
	}
	s.Rules.WarnCalendar(log, today)
}
