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
