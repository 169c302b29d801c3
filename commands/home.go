package commands

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
)

// HomeDueSoonDays is the window of "due soon" on the App Home: the one
// definition of "due", in the domain.
const HomeDueSoonDays = actionbot.DueSoonDays

// homeGroupItems bounds each group of actions on the App Home; the rest are
// counted, with the command that lists them all.
const homeGroupItems = 10

// Home is a person's App Home: the agencies they are registered with, the
// actions those agencies lead grouped overdue / due soon (within 14 days) /
// open / done with their RAG rating, a count of those they are partners on,
// and the partnership's headline figures. It is transport-neutral: the Slack
// adapter publishes it as the Home tab.
func (h *Handler) Home(ctx context.Context, userID string) (actionbot.Message, error) {
	e, err := h.env(ctx)
	if err != nil {
		return actionbot.Message{}, err
	}
	w, err := h.who(ctx, userID)
	if err != nil {
		return actionbot.Message{}, err
	}
	priorities, err := h.Store.Priorities(ctx, e.plan.ID)
	if err != nil {
		return actionbot.Message{}, err
	}
	all, err := h.Store.FindActions(ctx, actionbot.ActionFilter{PlanID: e.plan.ID})
	if err != nil {
		return actionbot.Message{}, err
	}

	blocks := []actionbot.Block{
		actionbot.Header(actionbot.Clip(e.plan.Name, 150)),
		actionbot.Context(fmt.Sprintf("As of %s. 🔴 red, 🟠 amber, 🟢 green, 🔵 complete. This page is refreshed each time you open it.",
			e.now.Format("Mon 2 Jan 2006, 15:04"))),
	}
	if len(w.agencies) == 0 {
		blocks = append(blocks, actionbot.Section(actionbot.Txt("You are not registered with an agency yet, so I can't tell which actions are yours. ",
			h.registerHint(ctx, userID), " Meanwhile ", actionbot.C("/action list agency "+e.ex.AgencyCode), " lists any agency's actions.")))
	} else {
		names := make([]string, len(w.agencies))
		for i, c := range w.agencies {
			names[i] = e.dir.Label(c)
		}
		blocks = append(blocks, actionbot.Section("You are registered with ", actionbot.B(strings.Join(names, ", ")), "."))
	}
	if w.coordinator {
		blocks = append(blocks, actionbot.Context("You are a coordinator: you can update any action and manage members (", actionbot.C("/action help admin"), ")."))
		blocks = append(blocks, h.homeConfirmOrMove(ctx, e, all)...)
	}

	if len(w.agencies) > 0 {
		var led, partnered []*actionbot.Action
		for _, a := range all {
			switch a.RoleOf(w.agencies) {
			case actionbot.RoleLead:
				led = append(led, a)
			case actionbot.RolePartner:
				partnered = append(partnered, a)
			}
		}
		codes := strings.Join(w.agencies, ", ")
		blocks = append(blocks, actionbot.Divider(),
			actionbot.Section(actionbot.B(fmt.Sprintf("Actions %s %s — %d", codes, leadVerb(len(w.agencies)), len(led)))))
		if len(led) == 0 {
			blocks = append(blocks, actionbot.Context(fmt.Sprintf("None in %s.", e.plan.Name)))
		} else {
			blocks = append(blocks, h.homeGroups(e, led, "agency "+w.agencies[0]+" led")...)
		}
		if len(partnered) > 0 {
			blocks = append(blocks, actionbot.Context(fmt.Sprintf("%s also partner%s on %s: ", codes, map[bool]string{true: "s", false: ""}[len(w.agencies) == 1],
				actionbot.Plural(len(partnered), "action")), actionbot.C("/action mine"), " lists them."))
		}
	} else if w.coordinator {
		// A coordinator with no agency of their own sees what needs chasing.
		var open []*actionbot.Action
		for _, a := range all {
			if !a.IsDone() {
				open = append(open, a)
			}
		}
		blocks = append(blocks, actionbot.Divider(), actionbot.Section(actionbot.B("Needing attention across the plan")))
		blocks = append(blocks, h.homeGroups(e, open, "")...)
	}

	if w.coordinator {
		blocks = append(blocks, h.homeNeedsDate(e, all)...)
	}
	blocks = append(blocks, actionbot.Divider(), h.homeHeadline(e, priorities, all))
	blocks = append(blocks, actionbot.Context("Type ", actionbot.C("/action help"), " in any channel to see what you can do; ",
		actionbot.C("/action report"), " rates each priority."))
	return actionbot.Message{Text: "Action plan — " + e.plan.Name, Blocks: blocks}, nil
}

func leadVerb(n int) string {
	if n == 1 {
		return "leads"
	}
	return "lead"
}

// homeGroups splits actions into overdue (most overdue first), due soon
// (soonest first), open and done, each with a title and its items. scope is
// the list filter ("agency CSU") that lists a group in full; for a
// coordinator's plan-wide view it is empty and only overdue and due soon are
// shown.
func (h *Handler) homeGroups(e *env, as []*actionbot.Action, scope string) []actionbot.Block {
	var overdue, soon, open, done []*actionbot.Action
	for _, a := range as {
		switch {
		case a.IsDone():
			done = append(done, a)
		case a.Overdue(e.today):
			overdue = append(overdue, a)
		case a.DueWithin(e.today, HomeDueSoonDays):
			soon = append(soon, a)
		default:
			open = append(open, a)
		}
	}
	byDue := func(xs []*actionbot.Action) {
		sort.SliceStable(xs, func(i, j int) bool { return xs[i].Deadline.Due.Before(xs[j].Deadline.Due) })
	}
	byDue(overdue)
	byDue(soon)
	list := func(filter string) string {
		return strings.TrimSpace("/action list " + strings.TrimSpace(scope+" "+filter))
	}
	var blocks []actionbot.Block
	// group adds a titled group; an empty one is shown only when saying so
	// is news (nothing overdue).
	group := func(title string, xs []*actionbot.Action, empty, filter, listed string) {
		if len(xs) == 0 && empty == "" {
			return
		}
		blocks = append(blocks, actionbot.Section(actionbot.B(fmt.Sprintf("%s (%d)", title, len(xs)))))
		if len(xs) == 0 {
			blocks = append(blocks, actionbot.Context(empty))
			return
		}
		var lines []actionbot.RichText
		for i, a := range xs {
			if i == homeGroupItems {
				break
			}
			lines = append(lines, h.itemLine(e, a))
		}
		blocks = append(blocks, linesBlocks(lines)...)
		if len(xs) > homeGroupItems {
			blocks = append(blocks, actionbot.Context(fmt.Sprintf("…and %d more: ", len(xs)-homeGroupItems), actionbot.C(list(filter)), listed))
		}
	}
	group("Overdue", overdue, "Nothing overdue. 🎉", "overdue", "")
	group(fmt.Sprintf("Due in the next %d days", HomeDueSoonDays), soon, fmt.Sprintf("Nothing due in the next %d days.", HomeDueSoonDays), fmt.Sprintf("due %d", HomeDueSoonDays), "")
	if scope == "" {
		return blocks
	}
	// No list filter is "open, neither overdue nor due soon": the command
	// lists every open one, and says so.
	group("Open", open, "", "open", fmt.Sprintf(" lists all %d open, the overdue and due ones too", len(open)+len(overdue)+len(soon)))
	group("Done", done, "", "done", "")
	return blocks
}

// homeHeadline is the partnership's figures: actions by rating, the share on
// target, and how many are overdue, due soon, blocked, at risk and done.
func (h *Handler) homeHeadline(e *env, priorities []*actionbot.Priority, all []*actionbot.Action) actionbot.Block {
	counts := map[actionbot.RAG]int{}
	for _, s := range actionbot.Summarize(h.rules(), e.plan, priorities, all, e.today, e.now) {
		for r, n := range s.Counts {
			counts[r] += n
		}
	}
	var overdue, soon, blocked, atRisk, done int
	for _, a := range all {
		switch {
		case a.IsDone():
			done++
		case a.Overdue(e.today):
			overdue++
		case a.DueWithin(e.today, HomeDueSoonDays):
			soon++
		}
		switch a.Status {
		case actionbot.StatusBlocked:
			blocked++
		case actionbot.StatusAtRisk:
			atRisk++
		}
	}
	onTarget := counts[actionbot.RAGComplete] + counts[actionbot.RAGGreen]
	pct := 0
	if len(all) > 0 {
		pct = (100*onTarget + len(all)/2) / len(all)
	}
	var rag []string
	for _, r := range actionbot.RAGs {
		rag = append(rag, fmt.Sprintf("%s %d", r.Emoji(), counts[r]))
	}
	return actionbot.Block{Kind: actionbot.BlockSection, Text: actionbot.Txt(actionbot.B("The partnership")), Fields: []actionbot.Field{
		{Label: "Actions", Value: actionbot.Txt(fmt.Sprintf("%d — %s", len(all), strings.Join(rag, "  ")))},
		{Label: "On target", Value: actionbot.Txt(fmt.Sprintf("%d%% (%d of %d complete or green)", pct, onTarget, len(all)))},
		{Label: "Overdue", Value: actionbot.Txt(fmt.Sprint(overdue))},
		{Label: fmt.Sprintf("Due in %d days", HomeDueSoonDays), Value: actionbot.Txt(fmt.Sprint(soon))},
		{Label: "Blocked / at risk", Value: actionbot.Txt(fmt.Sprintf("%d / %d", blocked, atRisk))},
		{Label: "Done", Value: actionbot.Txt(fmt.Sprint(done))},
	}}
}
