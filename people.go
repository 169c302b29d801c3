package actionbot

import (
	"strconv"
	"strings"
)

// IsUserID reports whether s has the shape of a chat user's ID (U… or W…,
// capitals and digits): an audit's actor is either one, or the name of the
// system that made the change ("import", "cli").
func IsUserID(s string) bool {
	if len(s) < 2 || len(s) > 24 || s[0] != 'U' && s[0] != 'W' {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// ActorSpan shows who made a change: a mention for a user, the name in
// italics for the system ("import", "cli").
func ActorSpan(actor string) Span {
	if IsUserID(actor) {
		return UserRef(actor)
	}
	return I(actor)
}

// CardButtons are the buttons of an action card: mark done and update
// progress; reminders add snooze. Each carries the plan with the action's
// id (ButtonValue), so that last year's card never changes this year's
// action of the same number.
func CardButtons(planID int64, ref string, snooze bool) []Button {
	v := ButtonValue(planID, ref)
	bs := []Button{
		{Label: "Mark done", Action: ButtonDone, Value: v, Style: "primary",
			Confirm: &Confirm{Title: "Mark " + ref + " done?", Text: "This records " + ref + " as complete (100%) in the plan and its audit trail.", Yes: "Mark done", No: "Cancel"}},
		{Label: "Update progress", Action: ButtonProgress, Value: v},
	}
	if snooze {
		bs = append(bs, Button{Label: "Snooze 7 days", Action: ButtonSnooze, Value: v})
	}
	return bs
}

// ButtonValue is what a button carries: the plan and the action's id,
// "p12:DAB 1"; just the id when the plan is not known (0).
func ButtonValue(planID int64, ref string) string {
	if planID <= 0 {
		return ref
	}
	return "p" + strconv.FormatInt(planID, 10) + ":" + ref
}

// ParseButtonValue reads ButtonValue: the plan (0 when the button names
// none, as buttons posted before plans were named on them) and the id.
func ParseButtonValue(v string) (planID int64, ref string, ok bool) {
	if rest, found := strings.CutPrefix(v, "p"); found {
		if num, id, found := strings.Cut(rest, ":"); found {
			if n, err := strconv.ParseInt(num, 10, 64); err == nil && n > 0 {
				if ref, ok = CleanRef(id); !ok {
					return 0, "", false
				}
				return n, ref, true
			}
		}
	}
	ref, ok = CleanRef(v)
	return 0, ref, ok
}
