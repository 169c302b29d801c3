package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// maxListItems bounds a list reply, which is read in a chat window; the
// rest is counted, with the filter that narrows it.
const maxListItems = 25

func (h *Handler) show(ctx context.Context, e *env, ref string) (actionbot.Message, error) {
	a, err := h.findAction(ctx, e, ref)
	if err != nil {
		return actionbot.Message{}, err
	}
	priorities, err := h.Store.Priorities(ctx, e.plan.ID)
	if err != nil {
		return actionbot.Message{}, err
	}
	msg := h.card(e, a, priorities, true)
	msg.Blocks = append(msg.Blocks, h.carriedBlocks(ctx, a)...)
	return msg, nil
}

// partiesText names parties with their roles: "Kent Police (Training), CSU".
func partiesText(dir *actionbot.Directory, ps []actionbot.Party, full bool) string {
	if len(ps) == 0 {
		return "—"
	}
	out := make([]string, len(ps))
	for i, p := range ps {
		name := p.Agency
		if full {
			name = dir.Name(p.Agency)
			if name != p.Agency && len(p.Agency) <= 6 && !strings.Contains(name, "(") {
				name += " (" + p.Agency + ")"
			}
		}
		if p.Role != "" {
			name += " – " + p.Role
		}
		out[i] = name
	}
	return strings.Join(out, ", ")
}

// dueText says when an action is due relative to today: "due in 3 days",
// "12 days overdue", "due today", "ongoing".
func dueText(a *actionbot.Action, today actionbot.Date) string {
	n, dated := a.DueIn(today)
	switch {
	case !dated:
		return "ongoing"
	case a.IsDone():
		return "done"
	case n == 0:
		return "due today"
	case n > 0:
		return "due in " + actionbot.Plural(n, "day")
	}
	return actionbot.Plural(-n, "day") + " overdue"
}

// deadlineText is the deadline as written, its date and where it stands,
// with the plan's own deadline beside a moved one.
func deadlineText(a *actionbot.Action, today actionbot.Date) string {
	s := actionbot.DescribeDeadline(a.Deadline)
	if !a.Deadline.Ongoing {
		s += " — " + dueText(a, today)
	}
	if a.Moved() {
		s += " (moved from " + actionbot.DescribeDeadline(a.Original) + ")"
	}
	return s
}

func statusText(a *actionbot.Action) string {
	s := a.Status.Label()
	if a.Reason != "" {
		s += ": " + a.Reason
	}
	return s
}

func priorityTitle(priorities []*actionbot.Priority, n int) string {
	for _, p := range priorities {
		if p.Number == n {
			return p.Title
		}
	}
	return "Priority " + strconv.Itoa(n)
}

// card renders an action: the answer to "/action 5.2".
func (h *Handler) card(e *env, a *actionbot.Action, priorities []*actionbot.Priority, buttons bool) actionbot.Message {
	rating := h.rules().Assess(a, e.plan.Period.Start, e.today, e.now)
	blocks := []actionbot.Block{
		actionbot.Header(fmt.Sprintf("%s %s", a.Ref, actionbot.Clip(a.Text, 140))),
		actionbot.Context(fmt.Sprintf("Priority %d: %s · %s", a.Priority, priorityTitle(priorities, a.Priority), e.plan.Name)),
		actionbot.Section(a.Text),
		{Kind: actionbot.BlockSection, Fields: []actionbot.Field{
			{Label: "Lead", Value: actionbot.Txt(partiesText(e.dir, a.Lead, true))},
			{Label: "Partners", Value: actionbot.Txt(partiesText(e.dir, a.Partners, true))},
			{Label: "Deadline", Value: actionbot.Txt(deadlineText(a, e.today))},
			{Label: "Funding", Value: actionbot.Txt(orDash(a.Funding))},
			{Label: "Status", Value: actionbot.Txt(statusText(a), fmt.Sprintf(" · %d%%", a.Progress))},
			{Label: "RAG", Value: actionbot.Txt(rating.RAG.Emoji()+" "+rating.RAG.Label(), " — ", rating.Why)},
		}},
	}
	if a.Review != "" {
		blocks = append(blocks, actionbot.Context("📝 Needs review: ", a.Review))
	}
	if u := a.LastUpdate; u != nil {
		blocks = append(blocks, actionbot.Context(latestText(u, e.now.Location())...))
	} else {
		blocks = append(blocks, actionbot.Context("No updates yet."))
	}
	if buttons && !a.IsDone() {
		blocks = append(blocks, actionbot.Buttons(CardButtons(a.Ref, false)...))
	}
	return actionbot.Message{
		Text:   fmt.Sprintf("%s %s — %s, %s", a.Ref, actionbot.Clip(a.Text, 80), statusText(a), dueText(a, e.today)),
		Blocks: blocks,
	}
}

// CardButtons are the buttons of an action card; reminders add Snooze.
func CardButtons(ref string, snooze bool) []actionbot.Button {
	bs := []actionbot.Button{
		{Label: "Mark done", Action: actionbot.ButtonDone, Value: ref, Style: "primary",
			Confirm: &actionbot.Confirm{Title: "Mark " + ref + " done?", Text: "This records " + ref + " as complete (100%) in the plan and its audit trail.", Yes: "Mark done", No: "Cancel"}},
		{Label: "Update progress", Action: actionbot.ButtonProgress, Value: ref},
	}
	if snooze {
		bs = append(bs, actionbot.Button{Label: "Snooze 7 days", Action: actionbot.ButtonSnooze, Value: ref})
	}
	return bs
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// latestText describes an audit entry in a line: who, when, what, note.
func latestText(u *actionbot.AuditEntry, loc *time.Location) []any {
	parts := []any{"Latest: ", actorSpan(u.Actor), ", " + u.At.In(loc).Format("2 Jan 2006 15:04") + " — " + u.Summary()}
	if u.Note != "" {
		parts = append(parts, ": “"+actionbot.Clip(u.Note, 300)+"”")
	}
	return parts
}

// actorSpan shows who made a change: a mention for a Slack user, the name
// for the system ("import").
func actorSpan(actor string) actionbot.Span {
	if _, ok := ParseUser(actor); ok {
		return actionbot.UserRef(actor)
	}
	return actionbot.I(actor)
}

func (h *Handler) history(ctx context.Context, e *env, ref string) (actionbot.Message, error) {
	a, err := h.findAction(ctx, e, ref)
	if err != nil {
		return actionbot.Message{}, err
	}
	const limit = 25
	entries, err := h.Store.History(ctx, e.plan.ID, a.Ref, limit+1)
	if err != nil {
		return actionbot.Message{}, err
	}
	blocks := []actionbot.Block{actionbot.Header("History of " + a.Ref), actionbot.Context(actionbot.Clip(a.Text, 200))}
	if len(entries) == 0 {
		blocks = append(blocks, actionbot.Section("No changes yet: the action stands as the plan agreed it."))
	}
	loc := e.now.Location()
	var lines []actionbot.RichText
	for i, en := range entries {
		if i == limit {
			break
		}
		line := actionbot.Txt(actionbot.B(en.At.In(loc).Format("2 Jan 2006 15:04")), " ", actorSpan(en.Actor), " — ", en.Summary())
		if en.Note != "" {
			line = append(line, actionbot.Txt(": “", actionbot.Clip(en.Note, 300), "”")...)
		}
		lines = append(lines, line)
	}
	blocks = append(blocks, linesBlocks(lines)...)
	if len(entries) > limit {
		blocks = append(blocks, actionbot.Context(fmt.Sprintf("Showing the latest %d changes; `actionbot export` and the audit tables hold the rest.", limit)))
	}
	blocks = append(blocks, h.carriedHistory(ctx, e, a)...)
	return actionbot.Message{Text: "History of " + a.Ref, Blocks: blocks}, nil
}

// linesBlocks packs lines into sections of ten.
func linesBlocks(lines []actionbot.RichText) []actionbot.Block {
	var out []actionbot.Block
	for start := 0; start < len(lines); start += 10 {
		var rt actionbot.RichText
		for i := start; i < len(lines) && i < start+10; i++ {
			if i > start {
				rt = append(rt, actionbot.Span{Text: "\n"})
			}
			rt = append(rt, lines[i]...)
		}
		out = append(out, actionbot.Block{Kind: actionbot.BlockSection, Text: rt})
	}
	return out
}

// itemLine is an action in a list: rating, id, text, leads, deadline, status.
// Lines are remembered per action and day: an action the store hands out is
// never modified (a change makes a new one), so the line only changes with
// the day.
func (h *Handler) itemLine(e *env, a *actionbot.Action) actionbot.RichText {
	type cached struct {
		day  actionbot.Date
		line actionbot.RichText
	}
	if v, ok := h.lines.Load(a); ok && v.(cached).day == e.today {
		return v.(cached).line
	}
	line := h.renderItemLine(e, a)
	if h.lineCount.Add(1) > maxCachedLines { // a bound: start afresh
		h.lines.Clear()
		h.lineCount.Store(1)
	}
	h.lines.Store(a, cached{e.today, line})
	return line
}

// maxCachedLines bounds the remembered list lines (about 200 bytes each).
const maxCachedLines = 50_000

func (h *Handler) renderItemLine(e *env, a *actionbot.Action) actionbot.RichText {
	r := h.rules().Assess(a, e.plan.Period.Start, e.today, e.now)
	var b strings.Builder
	b.WriteString(" " + actionbot.Clip(a.Text, 90) + " — " + partiesText(e.dir, a.Lead, false) + " — ")
	if a.Deadline.Ongoing {
		b.WriteString("ongoing")
	} else {
		b.WriteString(a.Deadline.String() + ", " + dueText(a, e.today))
	}
	b.WriteString(" — " + a.Status.Label() + " " + strconv.Itoa(a.Progress) + "%")
	if a.Reason != "" {
		b.WriteString(" (" + actionbot.Clip(a.Reason, 80) + ")")
	}
	return actionbot.RichText{{Text: r.RAG.Emoji() + " "}, actionbot.B(a.Ref), {Text: b.String()}}
}

// page is up to maxListItems actions of a list and how many there are in all.
type page struct {
	items []*actionbot.Action
	total int
}

// findPage loads the first maxListItems actions matching f, and counts them all.
func (h *Handler) findPage(ctx context.Context, f actionbot.ActionFilter) (page, error) {
	f.Limit = maxListItems
	items, total, err := h.Store.PageActions(ctx, f)
	return page{items, total}, err
}

// listMessage renders a titled list of actions.
func (h *Handler) listMessage(e *env, title string, p page, empty, more string) actionbot.Message {
	blocks := []actionbot.Block{actionbot.Header(fmt.Sprintf("%s — %s", title, actionbot.Plural(p.total, "action")))}
	if p.total == 0 {
		blocks = append(blocks, actionbot.Section(empty))
		return actionbot.Message{Text: title + ": none", Blocks: blocks}
	}
	blocks = append(blocks, h.itemBlocks(e, p, more)...)
	return actionbot.Message{Text: fmt.Sprintf("%s: %s", title, actionbot.Plural(p.total, "action")), Blocks: blocks}
}

func (h *Handler) itemBlocks(e *env, p page, more string) []actionbot.Block {
	var lines []actionbot.RichText
	for _, a := range p.items {
		lines = append(lines, h.itemLine(e, a))
	}
	blocks := linesBlocks(lines)
	if p.total > len(p.items) {
		blocks = append(blocks, actionbot.Context(inlineCode(fmt.Sprintf("…and %d more. %s", p.total-len(p.items), more))...))
	}
	return blocks
}

func (h *Handler) mine(ctx context.Context, e *env, userID string) (actionbot.Message, error) {
	ags, err := h.Store.MemberAgencies(ctx, userID)
	if err != nil {
		return actionbot.Message{}, err
	}
	if len(ags) == 0 {
		return actionbot.Message{}, actionbot.Errorf(actionbot.ENOTFOUND,
			"You are not registered with an agency yet, so I don't know which actions are yours. Ask %s to add you (`/action admin member add @you AGENCY`); meanwhile `/action list agency CSU` lists any agency's actions.",
			h.coordinatorsText(ctx).Plain())
	}
	led, err := h.findPage(ctx, actionbot.ActionFilter{PlanID: e.plan.ID, LedBy: ags})
	if err != nil {
		return actionbot.Message{}, err
	}
	partnered, err := h.findPage(ctx, actionbot.ActionFilter{PlanID: e.plan.ID, PartneredBy: ags})
	if err != nil {
		return actionbot.Message{}, err
	}
	names := actionbot.JoinAnd(ags)
	blocks := []actionbot.Block{actionbot.Header("Your actions — " + names)}
	blocks = append(blocks, actionbot.Section(actionbot.B(fmt.Sprintf("Led by %s (%d)", names, led.total))))
	if led.total == 0 {
		blocks = append(blocks, actionbot.Context("None in "+e.plan.Name+"."))
	}
	blocks = append(blocks, h.itemBlocks(e, led, "`/action list agency "+ags[0]+"` lists them all.")...)
	blocks = append(blocks, actionbot.Divider(), actionbot.Section(actionbot.B(fmt.Sprintf("Partner on (%d)", partnered.total))))
	if partnered.total == 0 {
		blocks = append(blocks, actionbot.Context("None."))
	}
	blocks = append(blocks, h.itemBlocks(e, partnered, "Narrow it down with `/action list agency "+ags[0]+" overdue`.")...)
	return actionbot.Message{Text: fmt.Sprintf("Your actions: %d led, %d as partner", led.total, partnered.total), Blocks: blocks}, nil
}

// resolveAgency finds an agency by code or name, suggesting near ones.
func resolveAgency(dir *actionbot.Directory, name string) (*actionbot.Agency, error) {
	if a, ok := dir.Lookup(name); ok {
		return a, nil
	}
	near := dir.Suggest(name, 3)
	if len(near) == 0 {
		return nil, actionbot.Errorf(actionbot.ENOTFOUND, "I don't know the agency %q. `/action agencies` lists them.", name)
	}
	return nil, actionbot.Errorf(actionbot.ENOTFOUND, "I don't know the agency %q — did you mean %s? `/action agencies` lists them all.", name, strings.Join(near, " or "))
}

func (h *Handler) list(ctx context.Context, e *env, f Filter) (actionbot.Message, error) {
	af := actionbot.ActionFilter{PlanID: e.plan.ID, Priority: f.Priority}
	var title []string
	if f.Agency != "" {
		ag, err := resolveAgency(e.dir, f.Agency)
		if err != nil {
			return actionbot.Message{}, err
		}
		af.Agency = ag.Code
		title = append(title, ag.Code)
	}
	if f.Priority > 0 {
		title = append(title, fmt.Sprintf("priority %d", f.Priority))
	}
	var statuses []actionbot.Status
	if f.Blocked {
		statuses = append(statuses, actionbot.StatusBlocked)
		title = append(title, "blocked")
	}
	if f.AtRisk {
		statuses = append(statuses, actionbot.StatusAtRisk)
		title = append(title, "at risk")
	}
	if f.Done {
		statuses = append(statuses, actionbot.StatusDone)
		title = append(title, "done")
	}
	af.Statuses = statuses
	if f.Open {
		af.NotDone = true
		title = append(title, "open")
	}
	if f.Overdue {
		af.NotDone = true
		af.DueTo = e.today.AddDays(-1)
		title = append(title, "overdue")
	}
	if f.DueDays > 0 {
		af.NotDone = true
		af.DueFrom = e.today
		af.DueTo = e.today.AddDays(f.DueDays)
		title = append(title, fmt.Sprintf("due in the next %d days", f.DueDays))
	}
	if f.Ongoing {
		af.Ongoing = true
		title = append(title, "ongoing")
	}
	none := false
	if f.Stale {
		// Stale: no update for StaleDays calendar days or more, counted from
		// the plan's start for an action never updated (as the RAG counts).
		days := h.rules().StaleDays
		af.StaleBefore = e.today.AddDays(-(days - 1)).In(e.now.Location())
		none = e.plan.Period.Start.DaysUntil(e.today) < days
		title = append(title, fmt.Sprintf("stale (no update for %d days or more)", days))
	}
	// Overdue: most overdue first; due soon: soonest first.
	af.ByDue = f.Overdue || f.DueDays > 0
	var p page
	if !none {
		var err error
		if p, err = h.findPage(ctx, af); err != nil {
			return actionbot.Message{}, err
		}
	}
	heading := "Actions"
	if len(title) > 0 {
		heading = "Actions: " + strings.Join(title, ", ")
	}
	empty := "Nothing matches."
	switch {
	case f.Overdue && len(title) == 1:
		empty = "Nothing is overdue. 🎉"
	case f.DueDays > 0 && len(title) == 1:
		empty = fmt.Sprintf("Nothing is due in the next %d days.", f.DueDays)
	}
	return h.listMessage(e, heading, p, empty, "Narrow it down with filters, e.g. `/action list priority 3 overdue`."), nil
}

func (h *Handler) find(ctx context.Context, e *env, text string) (actionbot.Message, error) {
	words := strings.Fields(text)
	if len(words) > 10 {
		return actionbot.Message{}, invalid("Give me up to 10 words to look for.")
	}
	p, err := h.findPage(ctx, actionbot.ActionFilter{PlanID: e.plan.ID, Words: words})
	if err != nil {
		return actionbot.Message{}, err
	}
	return h.listMessage(e, fmt.Sprintf("Actions mentioning “%s”", actionbot.Clip(text, 60)), p,
		"No action's text has all of those words. Try fewer words, or `/action list`.", "Add words to narrow it down."), nil
}

func (h *Handler) agencies(ctx context.Context, e *env) (actionbot.Message, error) {
	counts, err := h.Store.AgencyActionCounts(ctx, e.plan.ID)
	if err != nil {
		return actionbot.Message{}, err
	}
	members, err := h.Store.Members(ctx)
	if err != nil {
		return actionbot.Message{}, err
	}
	byAgency := map[string][]string{}
	for _, m := range members {
		byAgency[m.Agency] = append(byAgency[m.Agency], m.UserID)
	}
	var lines []actionbot.RichText
	for _, ag := range e.dir.Agencies() {
		c := counts[ag.Code]
		if c.Lead == 0 && c.Partner == 0 && len(byAgency[ag.Code]) == 0 {
			continue
		}
		line := actionbot.Txt(actionbot.B(ag.Code), " "+ag.Name+fmt.Sprintf(" — leads %d, partner on %d — ", c.Lead, c.Partner))
		if ag.Code == actionbot.AllPartners {
			line = actionbot.Txt(actionbot.B(ag.Code), " "+ag.Name+fmt.Sprintf(" — every agency is a partner on %d actions", c.Partner))
			lines = append(lines, line)
			continue
		}
		if ids := byAgency[ag.Code]; len(ids) == 0 {
			line = append(line, actionbot.I("nobody registered"))
		} else {
			for i, id := range ids {
				if i > 0 {
					line = append(line, actionbot.Span{Text: " "})
				}
				line = append(line, actionbot.UserRef(id))
			}
		}
		lines = append(lines, line)
	}
	blocks := []actionbot.Block{actionbot.Header("Agencies in " + e.plan.Name)}
	blocks = append(blocks, linesBlocks(lines)...)
	blocks = append(blocks, actionbot.Context("Codes and names both work in commands: `/action list agency KFRS`. Coordinators register people with `/action admin member add @person CODE`."))
	return actionbot.Message{Text: fmt.Sprintf("%d agencies", len(lines)), Blocks: blocks}, nil
}

func (h *Handler) whoami(ctx context.Context, e *env, userID string) (actionbot.Message, error) {
	w, err := h.who(ctx, userID)
	if err != nil {
		return actionbot.Message{}, err
	}
	blocks := []actionbot.Block{actionbot.Section("You are ", actionbot.UserRef(userID), ".")}
	if len(w.agencies) == 0 {
		blocks = append(blocks, actionbot.Section(actionbot.Txt("You are not registered with any agency. Ask ", h.coordinatorsText(ctx), " to add you: ", actionbot.C("/action admin member add @you AGENCY"), ".")))
	} else {
		var names []string
		for _, c := range w.agencies {
			names = append(names, c+" ("+e.dir.Name(c)+")")
		}
		led, err := h.Store.CountActions(ctx, actionbot.ActionFilter{PlanID: e.plan.ID, LedBy: w.agencies})
		if err != nil {
			return actionbot.Message{}, err
		}
		partnered, err := h.Store.CountActions(ctx, actionbot.ActionFilter{PlanID: e.plan.ID, PartneredBy: w.agencies})
		if err != nil {
			return actionbot.Message{}, err
		}
		blocks = append(blocks,
			actionbot.Section("Agencies: "+strings.Join(names, ", ")+"."),
			actionbot.Section(fmt.Sprintf("You can update the %s your agencies lead, and add notes to the %s they are partners on. `/action mine` lists them.",
				actionbot.Plural(led, "action"), actionbot.Plural(partnered, "action"))))
	}
	if w.coordinator {
		blocks = append(blocks, actionbot.Section("You are a coordinator: you can update any action and manage members (`/action help admin`)."))
	}
	return actionbot.Message{Text: "Who you are to the action plan", Blocks: blocks}, nil
}
