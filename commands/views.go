package commands

import (
	"context"
	"fmt"
	"slices"
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

// dueText says when an action is due relative to today: "due in 3 days",
// "12 days overdue", "due today", "ongoing".
func dueText(a *actionbot.Action, today actionbot.Date) string {
	n, dated := a.DueIn(today)
	switch {
	case !dated && a.Deadline.NeedsDate() && a.IsDone():
		return "done" // never ongoing: the plan gave it no date
	case !dated && a.Deadline.NeedsDate():
		return "needs a date"
	case !dated:
		return "ongoing"
	case a.IsDone():
		return "done"
	case n == 0:
		return "due today"
	case n > 0:
		return "due in " + actionbot.Plural(n, "day")
	}
	return actionbot.OverdueText(-n)
}

// deadlineText is the deadline as written, its date and where it stands,
// with the plan's own deadline beside a moved one. Where the plan wrote
// nothing, "needs a date" is said once.
func deadlineText(a *actionbot.Action, today actionbot.Date) string {
	s := actionbot.DescribeDeadline(a.Deadline)
	if due := dueText(a, today); !a.Deadline.Ongoing && due != s {
		s += " — " + due
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
	return h.cardRated(e, a, priorities, buttons, h.rules().Assess(a, e.plan.Period.Start, e.today, e.now))
}

// cardRated is card with the action's rating assessed already.
func (h *Handler) cardRated(e *env, a *actionbot.Action, priorities []*actionbot.Priority, buttons bool, rating actionbot.Assessment) actionbot.Message {
	// Room for the blocks a card has, and a change's confirmation put
	// before them (handler.go), so that it is allocated once;
	// the fields' texts share one slice too (each is cut to its own
	// length, so that none grows into the next).
	spans := make(actionbot.RichText, 0, 9)
	field := func(parts ...any) actionbot.RichText {
		start := len(spans)
		spans = actionbot.AppendTxt(spans, parts...)
		if len(spans) == start {
			return nil // as Txt gives it
		}
		return spans[start:len(spans):len(spans)]
	}
	blocks := append(make([]actionbot.Block, 0, 9),
		actionbot.Header(a.Ref+" "+actionbot.Clip(a.Text, 140)),
		actionbot.Context("Priority "+strconv.Itoa(a.Priority)+": "+priorityTitle(priorities, a.Priority)+" · "+e.plan.Name),
		actionbot.Section(a.Text),
		actionbot.Block{Kind: actionbot.BlockSection, Fields: []actionbot.Field{
			{Label: "Lead", Value: field(e.dir.PartiesLabel(a.Lead))},
			{Label: "Partners", Value: field(e.dir.PartiesLabel(a.Partners))},
			{Label: "Deadline", Value: field(endedDeadlineText(e, a))},
			{Label: "Funding", Value: field(orDash(a.Funding))},
			{Label: "Status", Value: field(statusText(a), " · "+strconv.Itoa(a.Progress)+"%")},
			{Label: "RAG", Value: field(rating.RAG.Emoji()+" "+rating.RAG.Label(), " — ", rating.Why)},
		}},
	)
	if e.ended {
		blocks = append(blocks, actionbot.Context("🏁 "+e.plan.Name+" ended on "+e.today.UK()+": this is "+a.Ref+" as it stood then."))
	}
	if a.Review != "" {
		blocks = append(blocks, actionbot.Context("📝 Needs review: ", a.Review))
	}
	if !a.IsDone() && a.SnoozedUntil.After(e.now) {
		blocks = append(blocks, actionbot.Context("💤 Reminders snoozed until "+a.SnoozedUntil.In(e.now.Location()).Format("Mon 2 Jan 2006")+"."))
	}
	if a.Notes != "" {
		blocks = append(blocks, actionbot.Context("🗒 From the plan: ", actionbot.Clip(strings.ReplaceAll(a.Notes, "\n", " · "), 600)))
	}
	if u := a.LastUpdate; u != nil {
		blocks = append(blocks, actionbot.Context(latestText(u, e.now.Location())...))
	} else {
		blocks = append(blocks, actionbot.Context("No updates yet."))
	}
	if buttons && !a.IsDone() {
		blocks = append(blocks, actionbot.Buttons(actionbot.CardButtons(a.PlanID, a.Ref, false)...))
	}
	text := a.Ref + " " + actionbot.Clip(a.Text, 80) + " — " + statusText(a)
	if due := dueText(a, e.today); due != statusText(a) { // not "done, done"
		text += ", " + due
	}
	return actionbot.Message{Text: text, Blocks: blocks}
}

// endedDeadlineText is the card's deadline; on an ended plan an overdue
// action reads as what it was: "not done when the plan ended, 365 days
// after its deadline".
func endedDeadlineText(e *env, a *actionbot.Action) string {
	if n, ok := a.DueIn(e.today); e.ended && ok && n < 0 && !a.IsDone() {
		return actionbot.DescribeDeadline(a.Deadline) + " — not done when the plan ended, " + actionbot.Plural(-n, "day") + " after its deadline"
	}
	return deadlineText(a, e.today)
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// latestText describes an audit entry in a line: who, when, what, note.
func latestText(u *actionbot.AuditEntry, loc *time.Location) []any {
	parts := []any{"Latest: ", actionbot.ActorSpan(u.Actor), ", " + u.At.In(loc).Format("2 Jan 2006 15:04") + " — " + u.SummaryIn(loc)}
	if u.Note != "" {
		parts = append(parts, ": “"+actionbot.Clip(u.Note, 300)+"”")
	}
	return parts
}

func (h *Handler) history(ctx context.Context, e *env, ref string) (actionbot.Message, error) {
	a, err := h.findAction(ctx, e, ref)
	if err != nil {
		return actionbot.Message{}, err
	}
	const limit = 25
	// The whole trail, to number the notes (redact.go); the latest shown.
	entries, err := h.Store.History(ctx, e.plan.ID, a.Ref, 0)
	if err != nil {
		return actionbot.Message{}, err
	}
	numbers := actionbot.NoteNumbers(entries)
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
		line := actionbot.Txt(actionbot.B(en.At.In(loc).Format("2 Jan 2006 15:04")), " ", actionbot.ActorSpan(en.Actor), " — ", en.SummaryIn(loc))
		if en.Note != "" {
			line = append(line, actionbot.Txt(": “", actionbot.Clip(en.Note, 300), "”")...)
		}
		if n := numbers[en.ID]; n > 0 {
			line = append(line, actionbot.Txt(" · ", actionbot.I(actionbot.NoteLabel(n)))...)
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
	lead := "no lead"
	if len(a.Lead) > 0 {
		lead = e.dir.PartiesLabel(a.Lead)
	}
	b.WriteString(" " + actionbot.Clip(a.Text, 90) + " — " + lead + " — ")
	if due := dueText(a, e.today); a.Deadline.Ongoing {
		b.WriteString("ongoing")
	} else if written := a.Deadline.String(); written == due {
		b.WriteString(due) // "needs a date", once, where the plan wrote nothing
	} else {
		b.WriteString(written + ", " + due)
	}
	b.WriteString(" — " + a.Status.Label() + " " + strconv.Itoa(a.Progress) + "%")
	if a.Reason != "" {
		b.WriteString(" (" + actionbot.Clip(a.Reason, 80) + ")")
	}
	return actionbot.RichText{{Text: r.RAG.Emoji() + " "}, actionbot.B(a.Ref), {Text: b.String()}}
}

// page is a page of up to maxListItems actions of a list, where it starts
// and how many there are in all. next is the command that shows the next
// page ("/action list stale page 2"); involving, when set, are the agencies
// whose part (led or partner) each line states.
type page struct {
	items     []*actionbot.Action
	offset    int
	number    int
	total     int
	next      string
	involving []string
}

// findPage loads page n (from 1) of the actions matching f, and counts them
// all; next(n+1) is the command for the page after it.
func (h *Handler) findPage(ctx context.Context, f actionbot.ActionFilter, n int, next func(int) string) (page, error) {
	n = max(n, 1)
	f.Limit, f.Offset = maxListItems, (n-1)*maxListItems
	items, total, err := h.Store.PageActions(ctx, f)
	return page{items: items, offset: f.Offset, number: n, total: total, next: next(n + 1)}, err
}

// listMessage renders a titled list of actions.
func (h *Handler) listMessage(e *env, title string, p page, empty string) actionbot.Message {
	blocks := []actionbot.Block{actionbot.Header(fmt.Sprintf("%s — %s", title, actionbot.Plural(p.total, "action")))}
	if p.total == 0 {
		blocks = append(blocks, actionbot.Section(empty))
		return actionbot.Message{Text: title + ": none", Blocks: blocks}
	}
	blocks = append(blocks, h.itemBlocks(e, p)...)
	return actionbot.Message{Text: fmt.Sprintf("%s: %s", title, actionbot.Plural(p.total, "action")), Blocks: blocks}
}

// itemBlocks lists a page's actions and, when the list is longer, says which
// part this is and how to see the next page.
func (h *Handler) itemBlocks(e *env, p page) []actionbot.Block {
	var lines []actionbot.RichText
	for _, a := range p.items {
		line := h.itemLine(e, a)
		if len(p.involving) > 0 {
			line = append(append(actionbot.RichText{}, line...), roleSpan(e, a, p.involving))
		}
		lines = append(lines, line)
	}
	blocks := linesBlocks(lines)
	pages := (p.total + maxListItems - 1) / maxListItems
	switch {
	case p.total > 0 && len(p.items) == 0:
		blocks = append(blocks, actionbot.Context(inlineCode(fmt.Sprintf("Page %d is past the end: there are %s, on %s. First page: `%s`.",
			p.number, actionbot.Plural(p.total, "action"), actionbot.Plural(pages, "page"), strings.TrimSuffix(p.next, fmt.Sprintf(" page %d", p.number+1))))...))
	case p.offset+len(p.items) < p.total:
		blocks = append(blocks, actionbot.Context(inlineCode(fmt.Sprintf("Page %d of %d: %d–%d of %d. Next page: `%s`",
			p.number, pages, p.offset+1, p.offset+len(p.items), p.total, p.next))...))
	case p.number > 1:
		blocks = append(blocks, actionbot.Context(fmt.Sprintf("Page %d of %d: %d–%d of %d, the last.", p.number, pages, p.offset+1, p.offset+len(p.items), p.total)))
	}
	return blocks
}

// roleSpan says what part the listed agencies play in an action: " · led by
// KCC Highways (HIGHWAYS)" or " · partner: KCC Wardens (WARDENS)".
func roleSpan(e *env, a *actionbot.Action, agencies []string) actionbot.Span {
	who := e.dir.PartiesLabel(a.InvolvedParties(agencies))
	if a.RoleOf(agencies) == actionbot.RoleLead {
		return actionbot.I(" · led by " + who)
	}
	return actionbot.I(" · partner: " + who)
}

func (h *Handler) mine(ctx context.Context, e *env, userID string, pageNo int) (actionbot.Message, error) {
	ags, err := h.Store.MemberAgencies(ctx, userID)
	if err != nil {
		return actionbot.Message{}, err
	}
	if len(ags) == 0 {
		return actionbot.Message{}, actionbot.Errorf(actionbot.ENOTFOUND,
			"You are not registered with an agency yet, so I don't know which actions are yours. %s Meanwhile `/action list agency %s` lists any agency's actions.",
			h.registerHint(ctx, userID).Plain(), e.ex.AgencyCode)
	}
	next := func(n int) string { return fmt.Sprintf("/action mine page %d", n) }
	led, err := h.findPage(ctx, actionbot.ActionFilter{PlanID: e.plan.ID, LedBy: ags}, pageNo, next)
	if err != nil {
		return actionbot.Message{}, err
	}
	partnered, err := h.findPage(ctx, actionbot.ActionFilter{PlanID: e.plan.ID, PartneredBy: ags}, pageNo, next)
	if err != nil {
		return actionbot.Message{}, err
	}
	// One "next page" for both parts: the first part's line names it only
	// when the second part has no more itself.
	if partnered.offset+len(partnered.items) < partnered.total {
		led.next = next(pageNo + 1)
	}
	labels := make([]string, len(ags))
	for i, c := range ags {
		labels[i] = e.dir.Label(c)
	}
	names := actionbot.JoinAnd(ags)
	blocks := []actionbot.Block{actionbot.Header("Your actions — " + names)}
	blocks = append(blocks, actionbot.Section(actionbot.B(fmt.Sprintf("Led by %s (%d)", names, led.total))))
	if led.total == 0 {
		blocks = append(blocks, actionbot.Context("None in "+e.plan.Name+"."))
	}
	blocks = append(blocks, h.itemBlocks(e, led)...)
	blocks = append(blocks, actionbot.Divider(), actionbot.Section(actionbot.B(fmt.Sprintf("Partner on (%d)", partnered.total))))
	if partnered.total == 0 {
		blocks = append(blocks, actionbot.Context("None."))
	}
	blocks = append(blocks, h.itemBlocks(e, partnered)...)
	blocks = append(blocks, actionbot.Context("You are registered with "+actionbot.JoinAnd(labels)+"."))
	return actionbot.Message{Text: fmt.Sprintf("Your actions: %d led, %d as partner", led.total, partnered.total), Blocks: blocks}, nil
}

// ResolveAgency finds an agency by code or name, suggesting near ones: the
// one wording of an unknown agency, wherever it is named.
func ResolveAgency(dir *actionbot.Directory, name string) (*actionbot.Agency, error) {
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
	var involving []string
	if f.Agency != "" {
		ag, err := ResolveAgency(e.dir, f.Agency)
		if err != nil {
			return actionbot.Message{}, err
		}
		// An agency's list is the actions it or its departments lead or
		// partner on, each line saying which.
		involving = e.dir.Family(ag.Code)
		name := ag.Code
		if len(involving) > 1 {
			name += " and its departments (" + strings.Join(involving[1:], ", ") + ")"
		}
		switch {
		case f.Led:
			af.LedBy = involving
			name = "led by " + name
		case f.Partner:
			af.PartneredBy = involving
			name = "partnered by " + name
		default:
			af.Involving = involving
		}
		title = append(title, name)
	}
	if f.Priority > 0 {
		// A priority the plan does not have is said, as the report says
		// it, rather than listed as nothing matching.
		prs, err := h.Store.Priorities(ctx, e.plan.ID)
		if err != nil {
			return actionbot.Message{}, err
		}
		if !slices.ContainsFunc(prs, func(p *actionbot.Priority) bool { return p.Number == f.Priority }) {
			return actionbot.Message{}, actionbot.Errorf(actionbot.ENOTFOUND, "There is no priority %d in %s.", f.Priority, e.plan.Name)
		}
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
		// Stale as the domain defines it (RAGRules.Stale): open ongoing work
		// with no update for StaleDays days or more.
		before, ok := h.rules().StaleBefore(e.plan.Period.Start, e.today, e.now.Location())
		af.Ongoing, af.StaleBefore, none = true, before, !ok
		title = append(title, fmt.Sprintf("stale (ongoing, no update for %d days or more)", h.rules().StaleDays))
	}
	// Overdue: most overdue first; due soon: soonest first.
	af.ByDue = f.Overdue || f.DueDays > 0
	var p page
	if !none {
		var err error
		next := func(n int) string {
			return strings.Join(strings.Fields(fmt.Sprintf("/action list %s page %d", f, n)), " ")
		}
		if p, err = h.findPage(ctx, af, f.Page, next); err != nil {
			return actionbot.Message{}, err
		}
		p.involving = involving
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
	msg := h.listMessage(e, heading, p, empty)
	if len(involving) > 0 && p.total > 0 && !f.Led && !f.Partner {
		lf := af
		lf.Involving, lf.LedBy = nil, involving
		led, err := h.Store.CountActions(ctx, lf)
		if err != nil {
			return actionbot.Message{}, err
		}
		msg.Blocks = append(msg.Blocks[:1:1], append([]actionbot.Block{actionbot.Context(fmt.Sprintf("%d led, %d as partner.", led, p.total-led))}, msg.Blocks[1:]...)...)
	}
	return msg, nil
}

func (h *Handler) find(ctx context.Context, e *env, text string) (actionbot.Message, error) {
	words := strings.Fields(text)
	pageNo := 1
	if n := len(words); n > 2 && strings.EqualFold(words[n-2], "page") { // "find speedwatch page 2"
		if k, err := strconv.Atoi(words[n-1]); err == nil && k >= 1 {
			pageNo, words = k, words[:n-2]
			text = strings.Join(words, " ")
		}
	}
	if len(words) > 10 {
		return actionbot.Message{}, invalid("Give me up to 10 words to look for.")
	}
	p, err := h.findPage(ctx, actionbot.ActionFilter{PlanID: e.plan.ID, Words: words}, pageNo, func(n int) string { return fmt.Sprintf("/action find %s page %d", text, n) })
	if err != nil {
		return actionbot.Message{}, err
	}
	return h.listMessage(e, fmt.Sprintf("Actions mentioning “%s”", actionbot.Clip(text, 60)), p,
		"No action's text has all of those words. Try fewer words, or `/action list`."), nil
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
	var listed []string // the codes listed, but All Partners
	for _, ag := range e.dir.Agencies() {
		c := counts[ag.Code]
		if c.Lead == 0 && c.Partner == 0 && len(byAgency[ag.Code]) == 0 {
			continue
		}
		if ag.Code != actionbot.AllPartners {
			listed = append(listed, ag.Code)
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
				line = append(line, memberSpan(id))
			}
		}
		lines = append(lines, line)
	}
	blocks := []actionbot.Block{actionbot.Header("Agencies in " + e.plan.Name)}
	blocks = append(blocks, linesBlocks(lines)...)
	switch code := listedAgency(e.ex.AgencyCode, listed); {
	case code != "":
		blocks = append(blocks, actionbot.Context("Codes and names both work in commands: `/action list agency "+code+"`. Coordinators register people with `/action admin member add @person CODE`."))
	case len(lines) == 0:
		blocks = append(blocks, actionbot.Section("No agency leads or is a partner on any action of "+e.plan.Name+" yet, and nobody is registered with one."))
	}
	return actionbot.Message{Text: fmt.Sprintf("%d agencies", len(lines)), Blocks: blocks}, nil
}

// listedAgency is the agency the agencies' footer shows listing: the
// plan's example agency when it is listed, or else the first listed; ""
// when none is.
func listedAgency(example string, listed []string) string {
	if slices.Contains(listed, example) {
		return example
	}
	if len(listed) > 0 {
		return listed[0]
	}
	return ""
}

func (h *Handler) whoami(ctx context.Context, e *env, userID string) (actionbot.Message, error) {
	w, err := h.who(ctx, userID)
	if err != nil {
		return actionbot.Message{}, err
	}
	blocks := []actionbot.Block{actionbot.Section("You are ", actionbot.UserRef(userID), ".")}
	if len(w.agencies) == 0 {
		blocks = append(blocks, actionbot.Section(actionbot.Txt("You are not registered with any agency. ", h.registerHint(ctx, userID))))
	} else {
		var names []string
		for _, c := range w.agencies {
			names = append(names, e.dir.Label(c))
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

// registerHint says how someone with no agency gets one: a coordinator
// registers themselves; anyone else asks the coordinators, who are named
// (never the person asking).
func (h *Handler) registerHint(ctx context.Context, userID string) actionbot.RichText {
	if coord, err := h.isCoordinator(ctx, userID); err == nil && coord {
		return actionbot.Txt("As a coordinator you can register yourself: ", actionbot.C("/action admin member add @you AGENCY"), ".")
	}
	return actionbot.Txt("Ask ", h.coordinatorsText(ctx), " to add you: ", actionbot.C("/action admin member add @you AGENCY"), ".")
}
