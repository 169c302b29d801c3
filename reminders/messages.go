package reminders

import (
	"fmt"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
)

// audience says who a reminder message is for, which changes what it says.
type audience struct {
	// direct: a direct message to someone registered with these lead agencies.
	direct []string
	// missing: a channel post for lead agencies nobody is registered with.
	missing []string
	// escalation: a post to the tasking channel.
	escalation bool
}

// dayText formats a date as "Sun 31 Mar 2013".
func dayText(d actionbot.Date) string {
	return d.In(time.UTC).Format("Mon 2 Jan 2006")
}

// deadlineNote is the deadline as the plan wrote it, when that says more
// than the date, and where it was moved from: ` (“March 2013”)`.
func deadlineNote(a *actionbot.Action) string {
	var parts []string
	if w := a.Deadline.Written; w != "" && w != a.Deadline.Due.String() {
		parts = append(parts, "“"+w+"”")
	}
	if a.Moved() {
		parts = append(parts, "moved from "+actionbot.DescribeDeadline(a.Original))
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// whenText says where a dated action stands: "is due in 7 days, on Sun 31
// Mar 2013", "is due today", "is 12 days overdue: it was due on …".
func whenText(a *actionbot.Action, days int) string {
	on := dayText(a.Deadline.Due) + deadlineNote(a)
	switch {
	case days > 1:
		return fmt.Sprintf("is due in %d days, on %s", days, on)
	case days == 1:
		return "is due tomorrow, " + on
	case days == 0:
		return "is due today, " + on
	}
	return fmt.Sprintf("is %s overdue: it was due on %s", actionbot.Plural(-days, "day"), on)
}

// statusText is "open, 40%" or "blocked, 20%: <reason>" as rich text, the
// reason kept in a plain span.
func statusText(a *actionbot.Action) actionbot.RichText {
	rt := actionbot.Txt(fmt.Sprintf("%s, %d%%", a.Status.Label(), a.Progress))
	if a.Reason != "" {
		rt = append(rt, actionbot.Span{Text: ": "}, actionbot.Span{Text: actionbot.Clip(a.Reason, 300)})
	}
	return rt
}

// reminderMessage builds one message of a reminder.
func (s *Service) reminderMessage(e *env, rem *Reminder, d due, aud audience) actionbot.Message {
	a := rem.Action
	ref := actionbot.B(a.Ref)
	var lead actionbot.RichText
	var fallback string
	switch {
	case d.Step.Kind == StepCheckIn:
		since := "since " + d.since.In(s.Rules.Location).Format("Mon 2 Jan 2006")
		if a.LastActivity.IsZero() || a.LastActivity.Before(d.since) {
			since = "since the plan started on " + d.since.In(s.Rules.Location).Format("Mon 2 Jan 2006")
		}
		lead = actionbot.Txt("👋 Check-in: ", ref, fmt.Sprintf(" is ongoing and nobody has updated it for %d days (%s). How is it going?", d.days, since))
		fallback = fmt.Sprintf("Check-in: %s has had no update for %d days", a.Ref, d.days)
	case aud.escalation:
		lead = actionbot.Txt("🚨 Escalation for the daily tasking meeting: ", ref, " "+whenText(a, d.days)+". Lead agencies: "+leadNames(e.dir, a.Lead)+".")
		fallback = fmt.Sprintf("Escalation: %s is %s overdue (lead: %s)", a.Ref, actionbot.Plural(-d.days, "day"), leadCodes(a))
	case d.days < 0:
		lead = actionbot.Txt("🔴 Reminder: ", ref, " "+whenText(a, d.days)+".")
		fallback = fmt.Sprintf("Reminder: %s is %s overdue", a.Ref, actionbot.Plural(-d.days, "day"))
	default:
		lead = actionbot.Txt("⏰ Reminder: ", ref, " "+whenText(a, d.days)+".")
		fallback = fmt.Sprintf("Reminder: %s %s", a.Ref, strings.SplitN(whenText(a, d.days), " (", 2)[0])
	}
	p := e.priority(a.Priority)
	blocks := []actionbot.Block{
		{Kind: actionbot.BlockSection, Text: lead},
		actionbot.Section(actionbot.Clip(a.Text, 600)),
		{Kind: actionbot.BlockSection, Fields: []actionbot.Field{
			{Label: "Lead", Value: actionbot.Txt(leadNames(e.dir, a.Lead))},
			{Label: "Deadline", Value: actionbot.Txt(actionbot.DescribeDeadline(a.Deadline))},
			{Label: "Status", Value: statusText(a)},
			{Label: "Priority", Value: actionbot.Txt(fmt.Sprintf("%d: %s", p.Number, p.Title))},
		}},
	}
	if len(aud.missing) > 0 {
		var names []string
		for _, code := range aud.missing {
			names = append(names, agencyName(e.dir, code))
		}
		var why actionbot.RichText
		switch {
		case len(aud.missing) == 1 && aud.missing[0] == actionbot.AllPartners:
			why = actionbot.Txt("This action is led by ", actionbot.B("All Partners"), ", so its reminder comes to this channel rather than to everyone directly.")
		case len(aud.missing) == 1 && aud.missing[0] == "":
			why = actionbot.Txt("This action has no lead agency, so its reminder comes to this channel. A coordinator can fix the plan and re-import it.")
		default:
			why = actionbot.Txt("Nobody is registered for ", actionbot.B(actionbot.JoinAnd(names)), ", so this reminder comes to this channel. A coordinator can register someone: ",
				actionbot.C("/action admin member add @person "+aud.missing[0]), ".")
		}
		blocks = append(blocks, actionbot.Block{Kind: actionbot.BlockSection, Text: why})
		fallback += " — nobody registered for " + strings.Join(aud.missing, ", ")
	}
	blocks = append(blocks, actionbot.Context(s.footer(a, d, aud)))
	blocks = append(blocks, actionbot.Buttons(commands.CardButtons(a.Ref, true)...))
	return actionbot.Message{Text: fallback, Blocks: blocks, Public: len(aud.direct) == 0}
}

// footer says why the message came and how to act on it.
func (s *Service) footer(a *actionbot.Action, d due, aud audience) string {
	var why string
	switch {
	case len(aud.direct) > 0:
		why = "You get this because you are registered with " + actionbot.JoinAnd(aud.direct) + ", which leads " + a.Ref + ". "
	case aud.escalation:
		why = fmt.Sprintf("Escalated because it has been overdue for %s or more. ", actionbot.Plural(s.Rules.EscalateAfter, "day"))
	}
	how := fmt.Sprintf("Update it with the buttons, or `/action %s progress 60`, `/action %s done`, `/action %s due <new date> <reason>`; `/action %s snooze` holds reminders for 7 days.", a.Ref, a.Ref, a.Ref, a.Ref)
	if d.Step.Kind == StepCheckIn {
		how = fmt.Sprintf("A note is enough: `/action %s note <what happened>`, or `/action %s progress 60`; `/action %s snooze` holds check-ins for 7 days.", a.Ref, a.Ref, a.Ref)
	}
	return why + how
}
