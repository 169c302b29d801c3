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
	// Queued is the message PostDigest queued.
	Queued *actionbot.Outgoing
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

// BuildDigest builds the digest for the tasking meeting at now: headline
// counts, overdue actions (most overdue first), actions due in the next 14
// days, blocked actions with their reasons, what changed since the previous
// digest and who did it, ongoing actions nobody has updated, and a line of
// RAG counts per priority. It records and queues nothing.
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
	d := &Digest{PlanID: e.plan.ID, Day: e.today, From: from, To: e.now, Total: len(actions), Changes: len(changes)}
	ex := actionbot.ExamplesOf(e.plan, actions, e.dir) // the plan's own words for the hints

	var overdue, dueSoon, blocked, stale []*actionbot.Action
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
			case n <= DueSoonDays:
				dueSoon = append(dueSoon, a)
			}
		} else if days, ok := s.rag().Stale(a, e.plan.Period.Start, e.today, e.now); ok { // the one definition of stale
			stale = append(stale, a)
			staleFor[a.Ref] = days
		}
		if a.Status == actionbot.StatusBlocked {
			blocked = append(blocked, a)
		}
	}
	byDue := func(as []*actionbot.Action) {
		sort.SliceStable(as, func(i, j int) bool { return as[i].Deadline.Due.Before(as[j].Deadline.Due) })
	}
	byDue(overdue)
	byDue(dueSoon)
	sort.SliceStable(stale, func(i, j int) bool { return staleFor[stale[i].Ref] > staleFor[stale[j].Ref] })
	d.Overdue, d.DueSoon, d.Blocked, d.Stale = len(overdue), len(dueSoon), len(blocked), len(stale)
	done := map[string]bool{}
	for _, c := range changes {
		if ch, ok := c.Changed("status"); ok && ch.To == string(actionbot.StatusDone) {
			done[c.Ref] = true
		}
	}
	d.DoneSince = len(done)
	// The plan's first digest lists, once, the deadlines before its year
	// that nobody has confirmed or moved.
	var prePlan, undated []*actionbot.Action
	if n, err := s.Store.PlanDigests(ctx, e.plan.ID); err != nil {
		return nil, err
	} else if n == 0 {
		confirmed, err := s.Store.ConfirmedDeadlines(ctx, e.plan.ID)
		if err != nil {
			return nil, err
		}
		for _, a := range actions {
			if !a.IsDone() && PrePlan(a, e.plan, confirmed[a.ID]) {
				prePlan = append(prePlan, a)
				d.PrePlan = append(d.PrePlan, a.Ref)
			}
			if !a.IsDone() && a.Deadline.NeedsDate() {
				undated = append(undated, a)
				d.NeedsDate = append(d.NeedsDate, a.Ref)
			}
		}
	}

	loc := s.Rules.Location
	sinceText := from.In(loc).Format("Mon 2 Jan 15:04")
	blocks := []actionbot.Block{
		actionbot.Header("Daily tasking digest — " + dayText(e.today)),
		actionbot.Context(fmt.Sprintf("%s · changes since %s", e.plan.Name, sinceText)),
		actionbot.Section(actionbot.B(actionbot.Plural(d.Total, "action")+": "), fmt.Sprintf("%d open · %d overdue · %d due in the next %d days · %d blocked · %d done since the last digest",
			d.Open, d.Overdue, d.DueSoon, DueSoonDays, d.Blocked, d.DoneSince)),
	}
	if d.Quiet() {
		blocks = append(blocks, actionbot.Section(fmt.Sprintf("✅ Nothing overdue, nothing due in the next %d days.", DueSoonDays)))
	}
	if len(d.PrePlan) > 0 {
		blocks = append(blocks, listOf(fmt.Sprintf("Deadline before the plan year: confirm or move it (%d). Until then these get no overdue reminders.", len(prePlan)), len(prePlan), func(i int) actionbot.RichText {
			a := prePlan[i]
			return actionbot.Txt("❓ ", actionbot.B(a.Ref), " "+actionbot.Clip(a.Text, 80)+" — "+leadLabel(e.dir, a)+" — due "+
				actionbot.DescribeDeadline(a.Deadline)+": ", actionbot.C("/action "+a.Ref+" due "+ex.Deadline+" <reason>"), " or ", actionbot.C("/action "+a.Ref+" due confirm"))
		}, "/action list overdue")...)
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
	if len(overdue) > 0 {
		blocks = append(blocks, listOf(fmt.Sprintf("Overdue (%d), most overdue first", len(overdue)), len(overdue), func(i int) actionbot.RichText {
			a := overdue[i]
			n, _ := a.DueIn(e.today)
			return actionbot.Txt("🔴 ", actionbot.B(a.Ref), " "+actionbot.Clip(a.Text, 80)+" — "+leadLabel(e.dir, a)+" — "+actionbot.Plural(-n, "day")+" overdue ("+a.Deadline.String()+")")
		}, "/action list overdue")...)
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
			a := blocked[i]
			line := actionbot.Txt("⛔ ", actionbot.B(a.Ref), " "+actionbot.Clip(a.Text, 80)+" — "+leadLabel(e.dir, a)+" — blocked: ")
			return append(line, actionbot.Span{Text: actionbot.Clip(a.Reason, 200)})
		}, "/action list blocked")...)
	}
	if len(changes) == 0 {
		blocks = append(blocks, actionbot.Divider(), actionbot.Section("No changes since "+sinceText+"."))
	} else {
		blocks = append(blocks, listOf(fmt.Sprintf("What changed since %s (%d)", sinceText, len(changes)), len(changes), func(i int) actionbot.RichText {
			return changeLine(changes[i], loc)
		}, "/action <ref> history")...)
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
	blocks = append(blocks, actionbot.Context("Update an action with ", actionbot.C("/action "+ex.Ref+" progress 60"), " or ", actionbot.C("/action "+ex.Ref+" done"),
		"; ", actionbot.C("/action report"), " has the RAG detail."))
	d.Message = actionbot.Message{
		Text: fmt.Sprintf("Daily tasking digest, %s: %d overdue, %d due in the next %d days, %d blocked, %s",
			dayText(e.today), d.Overdue, d.DueSoon, DueSoonDays, d.Blocked, actionbot.Plural(d.Changes, "change")),
		Blocks: blocks,
		Public: true,
	}
	return d, nil
}

// changeLine says who did what: "Fri 2 Nov 14:05 @U123 updated 4.5 to 60%:
// “note”". The note is kept in a plain span.
func changeLine(c *actionbot.AuditEntry, loc *time.Location) actionbot.RichText {
	ref := actionbot.B(c.Ref)
	line := actionbot.Txt(c.At.In(loc).Format("Mon 2 Jan 15:04")+" ", actionbot.ActorSpan(c.Actor), " ")
	switch c.Verb {
	case actionbot.VerbDone:
		line = append(line, actionbot.Txt("marked ", ref, " done")...)
	case actionbot.VerbProgress:
		p, _ := c.Changed("progress")
		line = append(line, actionbot.Txt("updated ", ref, " from "+p.From+"% to "+p.To+"%")...)
	case actionbot.VerbBlocked:
		line = append(line, actionbot.Txt("marked ", ref, " blocked")...)
	case actionbot.VerbAtRisk:
		line = append(line, actionbot.Txt("flagged ", ref, " at risk")...)
	case actionbot.VerbUnblock:
		line = append(line, actionbot.Txt("put ", ref, " back on track")...)
	case actionbot.VerbReopen:
		line = append(line, actionbot.Txt("reopened ", ref)...)
	case actionbot.VerbDue:
		dl, _ := c.Changed("deadline")
		line = append(line, actionbot.Txt("moved ", ref, " from "+dl.From+" to "+dl.To)...)
	case actionbot.VerbSnooze:
		line = append(line, actionbot.Txt("snoozed the reminders of ", ref)...)
	case actionbot.VerbNote:
		line = append(line, actionbot.Txt("added a note to ", ref)...)
	default:
		line = append(line, actionbot.Txt(string(c.Verb)+" changed ", ref, ": "+c.Summary())...)
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
	if s.DigestChannel == "" {
		return nil, false, actionbot.Errorf(actionbot.EINVALID, "There is no digest channel to post to: set ACTIONBOT_DIGEST_CHANNEL to a channel ID.")
	}
	posted, err := s.Store.DigestPosted(ctx, today)
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
	msg := &actionbot.Outgoing{Key: "digest:" + today.String(), Kind: kind, To: s.DigestChannel, Message: d.Message}
	ok, err := s.Store.RecordDigest(ctx, d.PlanID, today, d.From, d.To, msg)
	if err != nil {
		return nil, false, err
	}
	if !ok {
		return nil, false, nil
	}
	d.Queued = msg
	s.logger().Info("digest queued", "day", today.String(), "channel", s.DigestChannel, "overdue", d.Overdue, "due_soon", d.DueSoon, "changes", d.Changes)
	return d, true, nil
}
