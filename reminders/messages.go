package reminders

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

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

// Bundle limits: a bundle lists at most maxBundleItems reminders (two
// blocks each, with the headings and small print within actionbot.MaxBlocks),
// then "and N more".
const maxBundleItems = 20

// group is where an item of a bundle is listed.
type group int

const (
	groupEscalated group = iota
	groupOverdue
	groupConfirm
	groupToday
	groupSoon
	groupWeek
	groupCheckIn
)

func (s *Service) groupOf(b *Bundle, r *Reminder) group {
	switch {
	case !b.Direct && r.Escalated && slices.ContainsFunc(r.Recipients, func(x Recipient) bool { return x.To == b.To && x.Kind == RecipientEscalation }):
		return groupEscalated
	case r.Confirm:
		return groupConfirm
	case r.Step.Kind == StepCheckIn:
		return groupCheckIn
	case r.Step.Kind == "":
		return groupWeek
	case r.Days < 0:
		return groupOverdue
	case r.Days == 0:
		return groupToday
	}
	return groupSoon
}

func (s *Service) groupTitle(g group, n int) string {
	switch g {
	case groupEscalated:
		return fmt.Sprintf("🚨 Escalated for the daily tasking meeting: overdue %s or more (%d)", actionbot.Plural(s.Rules.EscalateAfter, "day"), n)
	case groupOverdue:
		return fmt.Sprintf("🔴 Overdue (%d), most overdue first", n)
	case groupConfirm:
		return fmt.Sprintf("❓ Deadline before the plan's year: confirm or move it (%d)", n)
	case groupToday:
		return fmt.Sprintf("⏰ Due today (%d)", n)
	case groupSoon:
		return fmt.Sprintf("📅 Coming up (%d)", n)
	case groupWeek:
		return fmt.Sprintf("🗓 Also due this week (%d)", n)
	}
	return fmt.Sprintf("👋 Check-ins: ongoing work nobody has updated (%d). How is it going? A note is enough.", n)
}

// itemLine is one reminder in a bundle: "*5.2* Promote Speedwatch… — 12
// days overdue (due Sun 31 Mar 2013, “March 2013”) — CSU".
func (s *Service) itemLine(e *env, b *Bundle, g group, r *Reminder) actionbot.RichText {
	a := r.Action
	var when string
	switch {
	case g == groupCheckIn:
		since := r.Since.In(s.Rules.Location).Format("Mon 2 Jan 2006")
		if a.LastActivity.IsZero() || a.LastActivity.Before(r.Since) {
			since = "the plan started on " + since
		}
		when = fmt.Sprintf("no update for %d days (since %s)", r.Days, since)
	case g == groupConfirm:
		when = fmt.Sprintf("due %s%s, before the plan's year began on %s: move it with ", dayText(a.Deadline.Due), deadlineNote(a), dayText(e.plan.Period.Start))
	default:
		when = strings.TrimPrefix(whenText(a, r.Days), "is ")
	}
	line := actionbot.Txt(actionbot.B(a.Ref), " "+actionbot.Clip(a.Text, 150)+" — "+when)
	if g == groupConfirm {
		line = append(line, actionbot.Txt(actionbot.C("/action "+a.Ref+" due <date> <reason>"), ", or a coordinator confirms it with ",
			actionbot.C("/action "+a.Ref+" due confirm"))...)
	}
	if !b.Direct {
		line = append(line, actionbot.Span{Text: " — lead: " + leadNames(e.dir, a.Lead)})
		var nobody []string
		for _, rcp := range r.Recipients {
			if rcp.To == b.To && rcp.Kind == RecipientChannel {
				for _, code := range rcp.Agencies {
					if code != "" && code != actionbot.AllPartners {
						nobody = append(nobody, code)
					}
				}
			}
		}
		if len(nobody) > 0 {
			line = append(line, actionbot.Span{Text: " (nobody registered for " + strings.Join(nobody, ", ") + ")"})
		}
	}
	// Where it stands, as its lead last said: status, progress and the
	// latest note.
	line = append(line, actionbot.Span{Text: " — "})
	line = append(line, statusText(a)...)
	if n := e.notes[a.ID]; n != nil {
		line = append(line, actionbot.Span{Text: " — "})
		line = append(line, noteText(n, s.Rules.Location)...)
	}
	return line
}

// bundleMessage builds a bundle: a heading, then each group of reminders
// with each reminder's own row of buttons (a click acts on that action,
// and the bot updates the bundle in place), within the message budget.
// hiddenLists are the commands listing the kinds of reminder a channel's
// bundle had no room for: the overdue list, the due list far enough ahead,
// the stale list for check-ins.
func hiddenLists(hidden map[group]int) []string {
	var out []string
	if _, ok := hidden[groupEscalated]; ok {
		out = append(out, "/action list overdue")
	} else if _, ok := hidden[groupOverdue]; ok {
		out = append(out, "/action list overdue")
	} else if _, ok := hidden[groupConfirm]; ok {
		out = append(out, "/action list overdue")
	}
	days := -1
	for _, g := range []group{groupToday, groupSoon, groupWeek} {
		if d, ok := hidden[g]; ok {
			days = max(days, d)
		}
	}
	if days >= 0 {
		out = append(out, fmt.Sprintf("/action due %d", max(days, 7)))
	}
	if _, ok := hidden[groupCheckIn]; ok {
		out = append(out, "/action list stale")
	}
	return out
}

func (s *Service) bundleMessage(e *env, b *Bundle) *actionbot.Outgoing {
	groups := map[group][]*Reminder{}
	for _, r := range b.Items {
		g := s.groupOf(b, r)
		groups[g] = append(groups[g], r)
	}
	slices.SortStableFunc(groups[groupOverdue], func(x, y *Reminder) int { return x.Days - y.Days })
	slices.SortStableFunc(groups[groupEscalated], func(x, y *Reminder) int { return x.Days - y.Days })
	slices.SortStableFunc(groups[groupSoon], func(x, y *Reminder) int { return x.Days - y.Days })
	slices.SortStableFunc(groups[groupWeek], func(x, y *Reminder) int { return x.Days - y.Days })
	slices.SortStableFunc(groups[groupCheckIn], func(x, y *Reminder) int { return y.Days - x.Days })

	title := "Your reminders — " + dayText(e.today)
	if b.Weekly {
		title = "Your reminders for the week — " + dayText(e.today)
	} else if !b.Direct {
		title = "Reminders for this channel — " + dayText(e.today)
	}
	blocks := []actionbot.Block{actionbot.Header(title)}
	var counts []string
	shown, escalated := 0, false
	hidden := map[group]int{} // the groups of the items not shown: the most days ahead among them
	for g := groupEscalated; g <= groupCheckIn; g++ {
		items := groups[g]
		if len(items) == 0 {
			continue
		}
		if g == groupEscalated {
			escalated = true
		}
		counts = append(counts, fmt.Sprintf("%d %s", len(items), map[group]string{groupEscalated: "escalated", groupOverdue: "overdue", groupConfirm: "to confirm or move",
			groupToday: "due today", groupSoon: "coming up", groupWeek: "due this week", groupCheckIn: "check-ins"}[g]))
		if shown == maxBundleItems {
			for _, r := range items {
				hidden[g] = max(hidden[g], r.Days)
			}
			continue
		}
		blocks = append(blocks, actionbot.Section(actionbot.B(s.groupTitle(g, len(items)))))
		for i, r := range items {
			if shown == maxBundleItems {
				for _, r := range items[i:] {
					hidden[g] = max(hidden[g], r.Days)
				}
				break
			}
			blocks = append(blocks, actionbot.Block{Kind: actionbot.BlockSection, Text: s.itemLine(e, b, g, r)},
				actionbot.Buttons(actionbot.CardButtons(r.Action.PlanID, r.Action.Ref, true)...))
			shown++
		}
	}
	if rest := len(b.Items) - shown; rest > 0 {
		parts := []any{fmt.Sprintf("…and %d more: ", rest)}
		if b.Direct {
			parts = append(parts, actionbot.C("/action mine"))
		} else {
			// A channel has no "mine": the lists that hold what is not shown.
			for i, cmd := range hiddenLists(hidden) {
				if i > 0 {
					parts = append(parts, ", ")
				}
				parts = append(parts, actionbot.C(cmd))
			}
		}
		blocks = append(blocks, actionbot.Context(parts...))
	}
	var names, codes []string
	for _, code := range b.Unregistered {
		switch code {
		case actionbot.AllPartners:
			blocks = append(blocks, actionbot.Context("Actions led by ", actionbot.B("All Partners"), " come to this channel rather than to everyone directly."))
		case "":
			blocks = append(blocks, actionbot.Context("Actions with no lead agency come to this channel. A coordinator can fix the plan and re-import it."))
		default:
			names = append(names, agencyName(e.dir, code))
			codes = append(codes, code)
		}
	}
	if len(codes) > 0 {
		blocks = append(blocks, actionbot.Context("Nobody is registered for ", actionbot.B(actionbot.JoinAnd(names)),
			", so their reminders come to this channel. A coordinator can register someone: ",
			actionbot.C("/action admin member add @person "+codes[0]), "."))
	}
	var why string
	if b.Direct {
		agencies := map[string]bool{}
		var list []string
		for _, r := range b.Items {
			for _, rcp := range r.Recipients {
				if rcp.To == b.Person {
					for _, c := range rcp.Agencies {
						if !agencies[c] {
							agencies[c] = true
							list = append(list, c)
						}
					}
				}
			}
		}
		// Short: it closes every reminder, read on a phone.
		why = "You are registered with " + actionbot.JoinAnd(list) + ". "
		// No slash commands in an e-mail: each action's link opens its
		// page, where it is marked done, updated or snoozed.
		switch {
		case actionbot.IsEmail(b.To):
		case b.Weekly:
			why += "Weekly, as you asked (`/action remind daily` to change). "
		default:
			why += "Mondays only: `/action remind weekly`. "
		}
	}
	ref := "<id>" // the first of the bundle's own actions, when it has one
	if len(b.Items) > 0 {
		ref = b.Items[0].Action.Ref
	}
	if b.Direct && actionbot.IsEmail(b.To) {
		blocks = append(blocks, actionbot.Context(why+"Each action's link opens its page: mark it done, give its progress, add a note or snooze it for 7 days. The links work for 14 days and only for you."))
	} else {
		blocks = append(blocks, actionbot.Context(why+fmt.Sprintf("Buttons, or `/action %s done`, `progress 60`, `due <date> <reason>`, `note <text>`, `snooze` (7 days).", ref)))
	}
	kind := "reminder"
	if escalated {
		kind = "escalation"
	}
	text := "Reminders: " + strings.Join(counts, ", ")
	if !b.Direct && len(b.Unregistered) > 0 {
		text += " — nobody registered for " + strings.Join(b.Unregistered, ", ")
	}
	msg := actionbot.Message{Text: text, Blocks: blocks, Public: !b.Direct}
	return &actionbot.Outgoing{Key: bundleKey(e, b), Kind: kind, To: b.To, Message: msg}
}
