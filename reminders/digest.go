package reminders

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// DueSoonDays is the window of the digest's "due in the next 14 days".
const DueSoonDays = actionbot.DueSoonDays

// maxItems is the most lines a list of the digest shows; it is cut sooner
// to keep within actionbot.SectionBudget, with "…and N more" after it.
const maxItems = 20

// Digest is the daily tasking digest of a working day.
type Digest struct {
	PlanID int64
	Day    actionbot.Date
	// From and To bound the changes it reports: from the end of the
	// previous digest (or the previous working day at the same time of day
	// when there is none) to the instant it was built.
	From, To time.Time
	Message  actionbot.Message

	Total, Open, Overdue, DueSoon, Blocked, DoneSince, Changes, Stale int
	// DueThisWeek, AtRisk and NoDate complete the standing picture: due
	// within WeekDays, flagged at risk, and with no date the plan gives.
	DueThisWeek, AtRisk, NoDate int
	// NewlyOverdue are the actions that became overdue since the previous
	// digest.
	NewlyOverdue []string
	// Long is set on the plan's first digest and the week's first working
	// day: the digest then lists every overdue, due-soon, blocked and stale
	// action, and the RAG per priority, besides the changes and counts.
	Long bool
	// PrePlan are the actions whose deadline falls before the plan's year,
	// unconfirmed: the plan's first digest lists them to confirm or move.
	PrePlan []string
	// NeedsDate are the open actions whose deadline the plan wrote in words
	// that give no date ("TBC"): the plan's first digest lists them once.
	NeedsDate []string
	// Ended is set once the plan's period has ended: Message is then the
	// short weekly notice that stands in for the digest, and Skip says it
	// is not the notice's day (the week's first working day).
	Ended, Skip bool
	// Queued is the message PostDigest queued: the post to the digest
	// channel, or the first e-mail when there is no channel.
	Queued *actionbot.Outgoing
	// QueuedAlso are the other copies it queued with it: the e-mails to
	// ACTIONBOT_DIGEST_EMAIL.
	QueuedAlso []*actionbot.Outgoing
}

// Quiet reports whether nothing is overdue and nothing is due soon.
func (d *Digest) Quiet() bool { return d.Overdue == 0 && d.DueSoon == 0 }

// digestFrom is where the digest of e.today starts: the end of the previous
// digest, or the previous working day at the same time of day.
func (s *Service) digestFrom(ctx context.Context, e *env) (time.Time, error) {
	last, err := s.Store.LastDigestBefore(ctx, e.today)
	if err != nil {
		return time.Time{}, err
	}
	if !last.IsZero() && last.Before(e.now) {
		return last.In(s.Rules.Location), nil
	}
	prev := s.Rules.Calendar.PreviousWorkingDay(e.today)
	return time.Date(prev.Year, prev.Month, prev.Day, e.now.Hour(), e.now.Minute(), 0, 0, s.Rules.Location), nil
}

// BuildDigest builds the digest for the tasking meeting at now. It opens
// with what changed since the previous digest, each change with who and
// when (from the audit), and how many actions became overdue; then the
// standing picture in counts, each with the command that lists it; then
// the few items the meeting must decide today (newly overdue, blocked,
// deadlines before the plan year to confirm or move), each once. The long
// form (the plan's first digest, and the week's first working day, when
// it stands in for the sweep's escalation post) adds the full lists:
// overdue (the six "confirm or move" among them, once), due in the next 14
// days, blocked, stale, and a RAG line per priority. It records and queues
// nothing.
func (s *Service) BuildDigest(ctx context.Context, now time.Time) (*Digest, error) {
	e, err := s.load(ctx, now)
	if err != nil {
		return nil, err
	}
	if e.today.After(e.plan.Period.End) {
		return &Digest{PlanID: e.plan.ID, Day: e.today, To: e.now, From: e.now, Ended: true, Skip: !s.Rules.IsWeekStart(e.today),
			Message: s.endedNotice(e)}, nil
	}
	from, err := s.digestFrom(ctx, e)
	if err != nil {
		return nil, err
	}
	actions, err := s.Store.FindActions(ctx, actionbot.ActionFilter{PlanID: e.plan.ID})
	if err != nil {
		return nil, err
	}
	changes, err := s.Store.AuditSince(ctx, e.plan.ID, from, e.now)
	if err != nil {
		return nil, err
	}
	// A change undone since the last digest is no change: neither it nor
	// its undo is reported or counted.
	changes = actionbot.SkipUndone(changes)
	confirmed, err := s.Store.ConfirmedDeadlines(ctx, e.plan.ID)
	if err != nil {
		return nil, err
	}
	previous, err := s.Store.PlanDigests(ctx, e.plan.ID)
	if err != nil {
		return nil, err
	}
	d := &Digest{PlanID: e.plan.ID, Day: e.today, From: from, To: e.now, Total: len(actions), Changes: len(changes)}
	d.Long = previous == 0 || s.Rules.IsWeekStart(e.today)
	ex := actionbot.ExamplesOf(e.plan, actions, e.dir) // the plan's own words for the hints
	fromDay := actionbot.Today(from, s.Rules.Location)

	var overdue, dueSoon, blocked, stale, newlyOverdue, prePlan, undated []*actionbot.Action
	staleFor := map[string]int{}
	for _, a := range actions {
		if a.IsDone() {
			continue
		}
		d.Open++
		if n, dated := a.DueIn(e.today); dated {
			switch {
			case n < 0:
				overdue = append(overdue, a)
				if was, _ := a.DueIn(fromDay); was >= 0 {
					newlyOverdue = append(newlyOverdue, a)
				}
			case n <= DueSoonDays:
				dueSoon = append(dueSoon, a)
				if n < WeekDays {
					d.DueThisWeek++
				}
			}
		} else if days, ok := s.rag().Stale(a, e.plan.Period.Start, e.today, e.now); ok { // the one definition of stale
			stale = append(stale, a)
			staleFor[a.Ref] = days
		}
		switch a.Status {
		case actionbot.StatusBlocked:
			blocked = append(blocked, a)
		case actionbot.StatusAtRisk:
			d.AtRisk++
		}
		if PrePlan(a, e.plan, confirmed[a.ID]) {
			prePlan = append(prePlan, a)
		}
		if a.Deadline.NeedsDate() {
			undated = append(undated, a)
		}
	}
	byDue := func(as []*actionbot.Action) {
		sort.SliceStable(as, func(i, j int) bool { return as[i].Deadline.Due.Before(as[j].Deadline.Due) })
	}
	byDue(overdue)
	byDue(dueSoon)
	byDue(newlyOverdue)
	sort.SliceStable(stale, func(i, j int) bool { return staleFor[stale[i].Ref] > staleFor[stale[j].Ref] })
	d.Overdue, d.DueSoon, d.Blocked, d.Stale, d.NoDate = len(overdue), len(dueSoon), len(blocked), len(stale), len(undated)
	for _, a := range newlyOverdue {
		d.NewlyOverdue = append(d.NewlyOverdue, a.Ref)
	}
	done := map[string]bool{}
	for _, c := range changes {
		if ch, ok := c.Changed("status"); ok && ch.To == string(actionbot.StatusDone) {
			done[c.Ref] = true
		}
	}
	d.DoneSince = len(done)
	// The plan's first digest lists, with the commands that settle them,
	// the deadlines before its year nobody has confirmed or moved, and
	// those the plan gave in words with no date.
	if previous == 0 {
		for _, a := range prePlan {
			d.PrePlan = append(d.PrePlan, a.Ref)
		}
		for _, a := range undated {
			d.NeedsDate = append(d.NeedsDate, a.Ref)
		}
	}

	loc := s.Rules.Location
	sinceText := from.In(loc).Format("Mon 2 Jan 15:04")
	blocks := []actionbot.Block{
		actionbot.Header("Daily tasking digest — " + dayText(e.today)),
		actionbot.Context(fmt.Sprintf("%s · changes since %s", e.plan.Name, sinceText)),
	}

	// 1. What changed.
	if len(changes) == 0 {
		quiet := "No changes since " + sinceText + "."
		if len(newlyOverdue) == 0 {
			quiet += " Nothing became overdue."
		} else {
			quiet += fmt.Sprintf(" %s became overdue: below.", actionbot.Plural(len(newlyOverdue), "action"))
		}
		blocks = append(blocks, actionbot.Section(quiet))
	} else {
		title := fmt.Sprintf("What changed since %s (%d)", sinceText, len(changes))
		if len(newlyOverdue) > 0 {
			title += fmt.Sprintf(", and %d newly overdue below", len(newlyOverdue))
		}
		blocks = append(blocks, listOf(title, len(changes), func(i int) actionbot.RichText {
			return changeLine(changes[i], loc)
		}, "/action <ref> history")...)
	}

	// 2. The standing picture, in counts.
	blocks = append(blocks, actionbot.Section(s.standing(d)...))
	if d.Quiet() {
		blocks = append(blocks, actionbot.Section(fmt.Sprintf("✅ Nothing overdue, nothing due in the next %d days.", DueSoonDays)))
	}

	// 3. What the meeting decides today, each action once. In the long
	// form the overdue list carries the newly overdue and those to confirm
	// or move, and the blocked list the blocked.
	named := map[string]bool{}
	var decide []actionbot.RichText
	if !d.Long {
		for _, a := range newlyOverdue {
			named[a.Ref] = true
			decide = append(decide, actionbot.Txt("🔴 ", actionbot.B(a.Ref), " "+actionbot.Clip(a.Text, 60)+" — "+leadLabel(e.dir, a)+" — newly overdue, due "+a.Deadline.String()))
		}
		for _, a := range blocked {
			if named[a.Ref] {
				continue
			}
			named[a.Ref] = true
			decide = append(decide, blockedLine(e.dir, a, 60))
		}
		var refs []string
		for _, a := range prePlan {
			if !named[a.Ref] {
				named[a.Ref] = true
				refs = append(refs, a.Ref)
			}
		}
		if len(refs) > 0 {
			decide = append(decide, actionbot.Txt(fmt.Sprintf("❓ Deadline before the plan year, to confirm or move (%d): ", len(refs)), actionbot.B(strings.Join(refs, ", ")), " — ",
				actionbot.C("/action "+refs[0]+" due "+ex.Deadline+" <reason>"), " or ", actionbot.C("/action "+refs[0]+" due confirm")))
		}
		if len(decide) > 0 {
			blocks = append(blocks, listBlocks(fmt.Sprintf("For today's meeting (%d)", len(decide)), decide, "/action list blocked")...)
		}
	}

	// 4. The long form: the full lists, once a week.
	if d.Long {
		blocks = append(blocks, s.longForm(e, d, ex, overdue, newlyOverdue, prePlan, undated, dueSoon, blocked, stale, staleFor, actions)...)
		blocks = append(blocks, actionbot.Context("Update an action with ", actionbot.C("/action "+ex.Ref+" progress 60"), " or ", actionbot.C("/action "+ex.Ref+" done"),
			"; ", actionbot.C("/action report"), " has the RAG detail."))
	}
	d.Message = actionbot.Message{
		Text: fmt.Sprintf("Daily tasking digest, %s: %d overdue, %d due in the next %d days, %d blocked, %s",
			dayText(e.today), d.Overdue, d.DueSoon, DueSoonDays, d.Blocked, actionbot.Plural(d.Changes, "change")),
		Blocks: blocks,
		Public: true,
	}
	return d, nil
}

// WeekDays is the window of the digest's "due this week": today and the
// six days after.
const WeekDays = 7

// standing is the digest's standing picture: counts, each with the command
// that lists the actions it counts.
func (s *Service) standing(d *Digest) []any {
	parts := []any{actionbot.B(fmt.Sprintf("%s, %d open:", actionbot.Plural(d.Total, "action"), d.Open))}
	for i, c := range []struct {
		n         int
		what, cmd string
	}{
		{d.Overdue, "overdue", "/action overdue"},
		{d.DueThisWeek, "due this week", fmt.Sprintf("/action list due %d", WeekDays)},
		{d.Blocked, "blocked", "/action list blocked"},
		{d.AtRisk, "at risk", "/action list at-risk"},
		{d.Stale, "stale", "/action list stale"},
		{d.NoDate, "with no date", "/action list open"},
		{d.DoneSince, "done since the last digest", "/action list done"},
	} {
		sep := " · "
		if i == 0 {
			sep = " "
		}
		parts = append(parts, fmt.Sprintf("%s%d %s", sep, c.n, c.what))
		if c.n > 0 {
			parts = append(parts, " ", actionbot.C(c.cmd))
		}
	}
	return parts
}

// blockedLine is "⛔ 5.7 Work with… — Kent Police (POLICE) — blocked:
// reason", the reason in a plain span of its own.
func blockedLine(dir *actionbot.Directory, a *actionbot.Action, clip int) actionbot.RichText {
	line := actionbot.Txt("⛔ ", actionbot.B(a.Ref), " "+actionbot.Clip(a.Text, clip)+" — "+leadLabel(dir, a)+" — blocked: ")
	return append(line, actionbot.Span{Text: actionbot.Clip(a.Reason, 200)})
}

// longForm is the weekly digest's full lists: every overdue action once,
// most overdue first, marked when it is newly overdue or its deadline falls
// before the plan year (with the commands that confirm or move it); those
// due in the next 14 days; the blocked with reasons; those with no date;
// the stale; a RAG line per priority. On the week's first working day the
// overdue list stands in for the sweep's escalation post.
func (s *Service) longForm(e *env, d *Digest, ex actionbot.Examples, overdue, newlyOverdue, prePlan, undated, dueSoon, blocked, stale []*actionbot.Action,
	staleFor map[string]int, actions []*actionbot.Action) []actionbot.Block {
	var blocks []actionbot.Block
	isNew, isPre := map[string]bool{}, map[string]bool{}
	for _, a := range newlyOverdue {
		isNew[a.Ref] = true
	}
	for _, a := range prePlan {
		isPre[a.Ref] = true
	}
	if len(overdue) > 0 {
		title := fmt.Sprintf("Overdue (%d), most overdue first", len(overdue))
		if s.Rules.IsWeekStart(e.today) && s.Rules.EscalateAfter > 0 {
			n := 0
			for _, a := range overdue {
				if days, _ := a.DueIn(e.today); -days >= s.Rules.EscalateAfter && !isPre[a.Ref] {
					n++
				}
			}
			title += fmt.Sprintf(" — 🚨 %d overdue %s or more escalated to this meeting", n, actionbot.Plural(s.Rules.EscalateAfter, "day"))
		}
		blocks = append(blocks, listOf(title, len(overdue), func(i int) actionbot.RichText {
			a := overdue[i]
			n, _ := a.DueIn(e.today)
			line := actionbot.Txt("🔴 ", actionbot.B(a.Ref), " "+actionbot.Clip(a.Text, 80)+" — "+leadLabel(e.dir, a)+" — "+actionbot.OverdueText(-n)+" ("+a.Deadline.String()+")")
			switch {
			case isPre[a.Ref]:
				line = append(line, actionbot.Span{Text: " ❓"})
			case isNew[a.Ref]:
				line = append(line, actionbot.Span{Text: " — new"})
			}
			return line
		}, "/action list overdue")...)
		if len(prePlan) > 0 {
			blocks = append(blocks, actionbot.Context(fmt.Sprintf("❓ %s before the plan year: no overdue reminders until a coordinator confirms or moves it: ", actionbot.Plural(len(prePlan), "deadline")),
				actionbot.C("/action "+prePlan[0].Ref+" due "+ex.Deadline+" <reason>"), " or ", actionbot.C("/action "+prePlan[0].Ref+" due confirm"), "."))
		}
	}
	if len(dueSoon) > 0 {
		blocks = append(blocks, listOf(fmt.Sprintf("Due in the next %d days (%d)", DueSoonDays, len(dueSoon)), len(dueSoon), func(i int) actionbot.RichText {
			a := dueSoon[i]
			n, _ := a.DueIn(e.today)
			when := "due today"
			switch {
			case n == 1:
				when = "due tomorrow"
			case n > 1:
				when = "due in " + actionbot.Plural(n, "day")
			}
			return actionbot.Txt("📅 ", actionbot.B(a.Ref), " "+actionbot.Clip(a.Text, 80)+" — "+leadLabel(e.dir, a)+" — "+when+", "+dayText(a.Deadline.Due)+fmt.Sprintf(" — %d%%", a.Progress))
		}, "/action due")...)
	}
	if len(blocked) > 0 {
		blocks = append(blocks, listOf(fmt.Sprintf("Blocked (%d)", len(blocked)), len(blocked), func(i int) actionbot.RichText {
			return blockedLine(e.dir, blocked[i], 80)
		}, "/action list blocked")...)
	}
	if len(undated) > 0 {
		blocks = append(blocks, listOf(fmt.Sprintf("No date yet (%d): set one. Until then these get no reminders.", len(undated)), len(undated), func(i int) actionbot.RichText {
			a := undated[i]
			says := "the plan gives no deadline"
			if a.Deadline.Written != "" {
				says = "the plan says “" + a.Deadline.Written + "”"
			}
			return actionbot.Txt("❔ ", actionbot.B(a.Ref), " "+actionbot.Clip(a.Text, 80)+" — "+leadLabel(e.dir, a)+" — "+says+": ",
				actionbot.C("/action "+a.Ref+" due <date> <reason>"))
		}, "/action list")...)
	}
	if len(stale) > 0 {
		blocks = append(blocks, listOf(fmt.Sprintf("Ongoing, no update for %d days or more (%d)", s.Rules.StaleDays, len(stale)), len(stale), func(i int) actionbot.RichText {
			a := stale[i]
			return actionbot.Txt("💤 ", actionbot.B(a.Ref), " "+actionbot.Clip(a.Text, 80)+" — "+leadLabel(e.dir, a)+fmt.Sprintf(" — no update for %d days", staleFor[a.Ref]))
		}, "/action list stale")...)
	}
	var rag []actionbot.RichText
	for _, ps := range actionbot.Summarize(s.rag(), e.plan, e.priorities, actions, e.today, e.now) {
		if ps.Total() == 0 {
			continue
		}
		var counts []string
		for _, r := range actionbot.RAGs {
			counts = append(counts, fmt.Sprintf("%s %d", r.Emoji(), ps.Counts[r]))
		}
		rag = append(rag, actionbot.Txt(actionbot.B(strconv.Itoa(ps.Priority.Number)), " "+actionbot.Clip(ps.Priority.Title, 60)+": "+strings.Join(counts, " · ")+
			" — "+actionbot.FormatPercent(ps.OnTargetPercent())+" on target"))
	}
	if len(rag) > 0 {
		blocks = append(blocks, listBlocks("RAG by priority (red · amber · green · complete)", rag, "/action report")...)
	}
	return blocks
}

// changeLine says who did what and when, from → to: "Fri 2 Nov 14:05
// @U123 3.2 progress 20% → 40%: “note”". The note is kept in a plain span.
func changeLine(c *actionbot.AuditEntry, loc *time.Location) actionbot.RichText {
	ref := actionbot.B(c.Ref)
	line := actionbot.Txt(c.At.In(loc).Format("Mon 2 Jan 15:04")+" ", actionbot.ActorSpan(c.Actor), " ", ref, " ")
	switch c.Verb {
	case actionbot.VerbDone:
		line = append(line, actionbot.Span{Text: "done"})
	case actionbot.VerbProgress:
		p, _ := c.Changed("progress")
		line = append(line, actionbot.Span{Text: "progress " + p.From + "% → " + p.To + "%"})
	case actionbot.VerbBlocked:
		line = append(line, actionbot.Span{Text: "blocked"})
	case actionbot.VerbAtRisk:
		line = append(line, actionbot.Span{Text: "flagged at risk"})
	case actionbot.VerbUnblock:
		line = append(line, actionbot.Span{Text: "unblocked, back on track"})
	case actionbot.VerbReopen:
		line = append(line, actionbot.Span{Text: "reopened"})
	case actionbot.VerbDue:
		dl, _ := c.Changed("deadline")
		line = append(line, actionbot.Span{Text: "deadline " + dl.From + " → " + dl.To})
	case actionbot.VerbSnooze:
		line = append(line, actionbot.Span{Text: "reminders snoozed"})
	case actionbot.VerbNote:
		line = append(line, actionbot.Span{Text: "note"})
	default:
		line = append(line, actionbot.Span{Text: string(c.Verb) + ": " + c.Summary()})
	}
	if c.Note != "" {
		line = append(line, actionbot.Span{Text: ": “"}, actionbot.Span{Text: actionbot.Clip(c.Note, 150)}, actionbot.Span{Text: "”"})
	}
	return line
}

// listBlocks renders a titled list as a divider and one section, cut to fit
// the message's budget (actionbot.SectionBudget), with "…and N more — <command>" after it when cut.
func listBlocks(title string, lines []actionbot.RichText, more string) []actionbot.Block {
	return listOf(title, len(lines), func(i int) actionbot.RichText { return lines[i] }, more)
}

// listOf is listBlocks for n lines built only when shown: a plan of
// 100,000 actions has tens of thousands overdue, and the digest shows 20.
func listOf(title string, count int, line func(i int) actionbot.RichText, more string) []actionbot.Block {
	text := actionbot.Txt(actionbot.B(title))
	size := text.Len()
	shown := 0
	for i := range count {
		l := line(i)
		n := l.Len() + 1
		if shown == maxItems || size+n > actionbot.SectionBudget {
			break
		}
		text = append(text, actionbot.Span{Text: "\n"})
		text = append(text, l...)
		size += n
		shown++
	}
	blocks := []actionbot.Block{actionbot.Divider(), {Kind: actionbot.BlockSection, Text: text}}
	if rest := count - shown; rest > 0 {
		blocks = append(blocks, actionbot.Context(fmt.Sprintf("…and %d more — ", rest), actionbot.C(more)))
	}
	return blocks
}

// DigestDay returns the day whose digest goes out at now, or, when that is
// not a working day, an EINVALID error saying so and naming the next: the
// one check of whether a digest is due, for the scheduler, the CLI and
// PostDigest alike.
func (s *Service) DigestDay(now time.Time) (actionbot.Date, error) {
	today := actionbot.Today(now, s.Rules.Location)
	if !s.Rules.Calendar.IsWorkingDay(today) {
		return today, actionbot.Errorf(actionbot.EINVALID, "%s is not a working day (a weekend or a bank holiday), so no digest is posted; the next is on %s.",
			dayText(today), dayText(s.Rules.Calendar.NextWorkingDay(today)))
	}
	return today, nil
}

// PostDigest queues the digest of the working day of now to the digest
// channel, once: it returns the digest and true when this call queued it,
// or nil and false when that day's digest was already queued (by an earlier
// run, a restart, or a concurrent one). On a day that is not a working day
// it posts nothing and returns an EINVALID error saying so.
func (s *Service) PostDigest(ctx context.Context, now time.Time) (*Digest, bool, error) {
	today, err := s.DigestDay(now)
	if err != nil {
		return nil, false, err
	}
	if s.DigestChannel == "" && len(s.DigestEmail) == 0 {
		return nil, false, actionbot.Errorf(actionbot.EINVALID, "There is no digest channel to post to: set ACTIONBOT_DIGEST_CHANNEL to a channel ID (or ACTIONBOT_DIGEST_EMAIL to addresses).")
	}
	posted, err := s.Store.DigestQueued(ctx, today)
	if err != nil || posted {
		return nil, false, err
	}
	d, err := s.BuildDigest(ctx, now)
	if err != nil {
		return nil, false, fmt.Errorf("digest of %s: %w", today, err)
	}
	if d.Skip {
		s.logger().Info("the plan has ended: no digest today; a short notice goes out on the week's first working day", "day", today.String())
		return d, false, nil
	}
	kind := "digest"
	if d.Ended {
		kind = "plan-ended"
	}
	var msgs []*actionbot.Outgoing
	if s.DigestChannel != "" {
		msgs = append(msgs, &actionbot.Outgoing{Key: "digest:" + today.String(), Kind: kind, To: s.DigestChannel, Message: d.Message})
	}
	for _, addr := range s.DigestEmail {
		msgs = append(msgs, &actionbot.Outgoing{Key: "digest:" + today.String() + ":" + addr, Kind: kind, To: addr, Message: d.Message})
	}
	msg := msgs[0]
	ok, err := s.Store.RecordDigest(ctx, d.PlanID, today, d.From, d.To, msg, msgs[1:]...)
	if err != nil {
		return nil, false, err
	}
	if !ok {
		return nil, false, nil
	}
	d.Queued, d.QueuedAlso = msg, msgs[1:]
	s.logger().Info("digest queued", "day", today.String(), "channel", s.DigestChannel, "emails", len(s.DigestEmail), "overdue", d.Overdue, "due_soon", d.DueSoon, "changes", d.Changes)
	return d, true, nil
}
