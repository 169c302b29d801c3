package actionbot

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
// progress; reminders add snooze.
func CardButtons(ref string, snooze bool) []Button {
	bs := []Button{
		{Label: "Mark done", Action: ButtonDone, Value: ref, Style: "primary",
			Confirm: &Confirm{Title: "Mark " + ref + " done?", Text: "This records " + ref + " as complete (100%) in the plan and its audit trail.", Yes: "Mark done", No: "Cancel"}},
		{Label: "Update progress", Action: ButtonProgress, Value: ref},
	}
	if snooze {
		bs = append(bs, Button{Label: "Snooze 7 days", Action: ButtonSnooze, Value: ref})
	}
	return bs
}
