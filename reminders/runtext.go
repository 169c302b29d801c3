package reminders

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// WhenText is an instant as the reminders' accounts give it:
// "Mon 5 Nov 2012 08:30 GMT".
func WhenText(t time.Time) string { return t.Format("Mon 2 Jan 2006 15:04 MST") }

// daysText is how far a deadline is from the sweep's day: "today",
// "tomorrow", "in 3 days", "2 days overdue".
func daysText(n int) string {
	switch {
	case n == 0:
		return "today"
	case n == 1:
		return "tomorrow"
	case n > 1:
		return "in " + actionbot.Plural(n, "day")
	}
	return actionbot.OverdueText(-n)
}

// WriteAccount writes the account of a sweep for the person who ran it:
// its reminders and their recipients, then, unless posted, the messages
// that carry them, each rendered by render exactly as it would be posted.
// It is the one wording of a sweep; the CLI only prints it.
func (r *Run) WriteAccount(w io.Writer, render func(actionbot.Message) string, posted bool) {
	loc := r.At.Location()
	if !r.WorkingDay {
		fmt.Fprintf(w, "%s is not a working day (a weekend or a bank holiday): the sweep sends nothing. Steps due on such a day go out on the working day before; the next working day is %s.\n",
			dayText(r.Day), dayText(r.NextWorkingDay))
		return
	}
	if r.Ended {
		fmt.Fprintf(w, "The plan's year has ended: the sweep at %s sends no reminders but those of actions due after it.\n", WhenText(r.At))
		if len(r.YearEnd) > 0 {
			fmt.Fprintf(w, "It sent the year-end review: %s.\n", actionbot.Plural(len(r.YearEnd), "message"))
		}
		if len(r.Reminders) == 0 {
			return
		}
		fmt.Fprintf(w, "Actions due after the year are still reminded, on the same ladder as any other.\n")
	}
	fmt.Fprintf(w, "Reminders due at %s (%s): %d.\n", WhenText(r.At), loc, len(r.Reminders))
	unsent := 0
	for _, rem := range r.Reminders {
		a := rem.Action
		what := rem.Step.String()
		if a.Deadline.Ongoing {
			what += fmt.Sprintf(" (ongoing, no update for %d days)", rem.Days)
		} else {
			what += fmt.Sprintf(" (due %s, %s)", a.Deadline.Due.In(loc).Format("Mon 2 Jan 2006"), daysText(rem.Days))
		}
		if rem.Escalated {
			what += ", escalated"
		}
		fmt.Fprintf(w, "\n%s %s — %s\n", a.Ref, actionbot.Clip(a.Text, 60), what)
		for _, rcp := range rem.Recipients {
			switch rcp.Kind {
			case RecipientDirect:
				fmt.Fprintf(w, "    → @%s, direct message (%s)\n", rcp.To, strings.Join(rcp.Agencies, ", "))
			case RecipientChannel:
				fmt.Fprintf(w, "    → #%s (nobody registered for %s)\n", rcp.To, strings.Join(rcp.Agencies, ", "))
			case RecipientEscalation:
				fmt.Fprintf(w, "    → #%s, escalation naming %s\n", rcp.To, strings.Join(rcp.Agencies, ", "))
			}
		}
		for _, p := range rem.Problems {
			fmt.Fprintf(w, "    ⚠ %s\n", p)
		}
		switch {
		case rem.Held:
			fmt.Fprintf(w, "    Held for the weekly reminders of those who asked for them.\n")
		case len(rem.Recipients) == 0:
			unsent++
			fmt.Fprintf(w, "    ⚠ Not sent: it stays due, and is reported each sweep, until it has somewhere to go.\n")
		}
	}
	fmt.Fprintln(w)
	if r.AlreadySent > 0 {
		fmt.Fprintf(w, "Queued earlier: the due step of %s.\n", actionbot.Plural(r.AlreadySent, "action"))
	}
	if len(r.Snoozed) > 0 {
		fmt.Fprintf(w, "Snoozed: %s.\n", strings.Join(r.Snoozed, ", "))
	}
	if r.Resting > 0 {
		fmt.Fprintf(w, "Overdue and chased in the last %d weeks (after their first %d weeks overdue, chased every %d weeks until someone acts on them): %s.\n",
			ChaseEvery, ChaseWeeklyFor, ChaseEvery, actionbot.Plural(r.Resting, "action"))
	}
	if len(r.PrePlan) > 0 {
		fmt.Fprintf(w, "Deadline before the plan year, kept out of the overdue reminders until a coordinator moves it or confirms it (/action %s due confirm): %s. Their leads are asked to confirm or move them instead, never escalated.\n", actionbot.ExampleRef(r.PrePlan), strings.Join(r.PrePlan, ", "))
	}
	if len(r.Repeats) > 0 {
		fmt.Fprintf(w, "Not sent, as it would repeat their previous message of the last %d days with nothing changed: %s.\n", RepeatDays, strings.Join(r.Repeats, ", "))
	}
	if unsent > 0 {
		fmt.Fprintf(w, "%s with nowhere to go: register someone for the agency (actionbot member add USER AGENCY), set the priority's task-group channel (/action admin channel N #channel) or set ACTIONBOT_TASKING_CHANNEL.\n",
			actionbot.Plural(unsent, "reminder"))
	}
	if !posted {
		fmt.Fprintf(w, "%s to send, one per person and channel:\n", actionbot.Plural(len(r.Bundles), "message"))
		for _, b := range r.Bundles {
			fmt.Fprintf(w, "\n── to %s ──\n%s", b.Message.Destination(), render(b.Message.Message))
		}
		fmt.Fprintf(w, "\nNothing was sent: run with --post to send them.\n")
		return
	}
	queued := 0
	for _, b := range r.Bundles {
		if b.Queued {
			queued++
		}
	}
	fmt.Fprintf(w, "Recorded: %s, in %s.\n", actionbot.Plural(len(r.Queued()), "reminder"), actionbot.Plural(queued, "message"))
}
