// Package report produces the partnership board's quarterly monitoring
// report and the deadlines calendar.
//
// A Report is computed at an instant: the plan as it stood then, rebuilt
// from the audit trail by actionbot.Replay, rated at that instant with actionbot.RAGRules (the same ratings and
// figures as "/action report" and the daily digest, through
// actionbot.Summarize), with each measure's latest figure as of the report's
// date and each action's latest note made by then. It is written as
// Markdown, CSV (for Excel), a self-contained HTML page that prints on A4,
// or an iCalendar file of the deadlines.
package report

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// Store is what a report reads.
type Store interface {
	Priorities(ctx context.Context, planID int64) ([]*actionbot.Priority, error)
	Directory(ctx context.Context) (*actionbot.Directory, error)
	FindActions(ctx context.Context, f actionbot.ActionFilter) ([]*actionbot.Action, error)
	LatestMeasureValues(ctx context.Context, planID int64, asOf actionbot.Date) (map[string]*actionbot.MeasureValue, error)
	AuditSince(ctx context.Context, planID int64, from, to time.Time) ([]*actionbot.AuditEntry, error)
}

// Options say when and how a report is computed.
type Options struct {
	// At is the instant the report is computed at, in the plan's time zone;
	// its date is the report's as-of date. Instant chooses it for a date.
	At time.Time
	// Rules are the RAG thresholds; zero means actionbot.DefaultRAGRules.
	Rules actionbot.RAGRules
	// Produced is when the report was made, printed in its introduction;
	// zero leaves it out.
	Produced time.Time
	// Cover is the board paper's cover: the meeting it is for, its author
	// and the coordinator's recommendations; zero leaves them out.
	Cover Cover
}

// Cover is what the coordinator writes on the board paper.
type Cover struct {
	// Meeting is the meeting the paper is for: "CSP Board, 17 Jan 2013".
	Meeting string
	// Author is who presents it: "Community Safety Manager".
	Author string
	// Recommendations are the coordinator's notes for the board, as written
	// (Markdown paragraphs and lists are laid out; nothing else is read).
	Recommendations string
}

// Report is the quarterly monitoring report: per priority, in plan order,
// its measures and RAG summary and every action.
type Report struct {
	Plan     *actionbot.Plan
	AsOf     actionbot.Date
	At       time.Time
	Produced time.Time
	Rules    actionbot.RAGRules
	// Priorities are in plan order: priority 0 (the plan-wide measures)
	// first. Priorities with neither actions nor measures are left out.
	Priorities []*Priority
	// Overall is the whole plan's RAG summary.
	Overall *actionbot.PrioritySummary
	// Quarter is what changed in the quarter, for a quarterly report
	// (BuildQuarter); nil otherwise.
	Quarter *QuarterSection
	Cover   Cover
	// Version says which version of the plan the report reads: when it was
	// last imported by the report's instant.
	Version string
}

// Priority is one priority's part of the report.
type Priority struct {
	*actionbot.PrioritySummary
	Measures []MeasureRow
	Actions  []ActionRow // in plan order
}

// Number is the priority's number (0 for the plan-wide measures).
func (p *Priority) Number() int { return p.Priority.Number }

// Title is "5. Speeding vehicles including road safety", or the bare title
// of priority 0.
func (p *Priority) Title() string {
	if p.Priority.Number <= 0 {
		return p.Priority.Title
	}
	return fmt.Sprintf("%d. %s", p.Priority.Number, p.Priority.Title)
}

// Target is the priority's "N% on target" measure, or nil.
func (p *Priority) Target() *actionbot.Measure { return p.OnTargetMeasure() }

// MeasureRow is a success measure with where it stands.
type MeasureRow struct {
	actionbot.Measure
	// Live is true for measures worked out from the actions ("85% on
	// target"); the others are judged on the latest recorded figure.
	Live   bool
	Status actionbot.MeasureStatus
	// Actual is the live share or the latest figure, formatted; "" with no
	// data.
	Actual string
	// Latest is the latest figure recorded on or before the report's date;
	// nil for live measures and when there is none.
	Latest *actionbot.MeasureValue
	// Day is the report's date, which a live measure stands at.
	Day actionbot.Date
}

// ActionRow is an action with its rating and what the report says of it.
type ActionRow struct {
	actionbot.Rated
	// Lead and Partners name the agencies: "Kent Police – Training, Community
	// Safety Unit".
	Lead, Partners string
	// Note is the latest audit entry with a note made by a person on or
	// before the report's instant; nil when none.
	Note *actionbot.AuditEntry
	// Moves counts the times the deadline has been changed (by "due" or a
	// re-import) up to the report's instant.
	Moves int
	// Was is the rating at the previous quarter's end, in a quarterly
	// report; empty otherwise.
	Was actionbot.RAG
}

// Movement is "Amber → Red", "Red (no change)" in a quarterly report, or ""
// when the report is not quarterly.
func (a ActionRow) Movement() string {
	switch {
	case a.Was == "":
		return ""
	case a.Was == a.RAG:
		return a.RAG.Label() + " (no change)"
	}
	return a.Was.Label() + " → " + a.RAG.Label()
}

// Instant returns the instant a report as of asOf is computed at: now when
// asOf is today (in now's location, the plan's time zone), and the last
// moment of asOf for a past date, so that everything recorded that day
// counts. A future date is refused: a report says where things stand on a
// day that has come.
func Instant(asOf actionbot.Date, now time.Time) (time.Time, error) {
	today := actionbot.DateOf(now)
	switch {
	case asOf.IsZero() || asOf == today:
		return now, nil
	case asOf.After(today):
		return time.Time{}, actionbot.Errorf(actionbot.EINVALID, "%s is in the future (today is %s): a report states where the plan stands on a day that has come.", asOf.UK(), today.UK())
	}
	return asOf.AddDays(1).In(now.Location()).Add(-time.Microsecond), nil
}

// endOfTime is later than any audit entry.
var endOfTime = time.Date(9999, time.December, 31, 0, 0, 0, 0, time.UTC)

// Build computes the report for plan at opt.At.
func Build(ctx context.Context, st Store, plan *actionbot.Plan, opt Options) (*Report, error) {
	if opt.At.IsZero() {
		return nil, fmt.Errorf("build report for %s: no instant given", plan.Name)
	}
	rules := opt.Rules
	if rules == (actionbot.RAGRules{}) {
		rules = actionbot.DefaultRAGRules()
	}
	at := opt.At
	today := actionbot.DateOf(at)
	priorities, err := st.Priorities(ctx, plan.ID)
	if err != nil {
		return nil, fmt.Errorf("build report: %w", err)
	}
	dir, err := st.Directory(ctx)
	if err != nil {
		return nil, fmt.Errorf("build report: %w", err)
	}
	actions, err := st.FindActions(ctx, actionbot.ActionFilter{PlanID: plan.ID})
	if err != nil {
		return nil, fmt.Errorf("build report: %w", err)
	}
	// A paper as of a date leaves out the actions added to the plan since.
	actions = slices.DeleteFunc(actions, func(a *actionbot.Action) bool { return !actionbot.InPlanAt(plan, a, at) })
	latest, err := st.LatestMeasureValues(ctx, plan.ID, today)
	if err != nil {
		return nil, fmt.Errorf("build report: %w", err)
	}
	// The whole audit trail: changes made after the instant are undone to
	// rebuild the plan as it stood.
	entries, err := st.AuditSince(ctx, plan.ID, time.Unix(0, 0), endOfTime)
	if err != nil {
		return nil, fmt.Errorf("build report: %w", err)
	}
	standing := map[int64]actionbot.Standing{}
	rated := make([]*actionbot.Action, len(actions))
	for i, st := range actionbot.Replay(actions, entries, at) {
		rated[i] = st.Action
		standing[st.ID] = st
	}
	sums := actionbot.Summarize(rules, plan, priorities, rated, today, at)
	r := &Report{Plan: plan, AsOf: today, At: at, Produced: opt.Produced, Rules: rules, Overall: actionbot.Overall(sums), Cover: opt.Cover,
		Version: planVersion(plan, entries, at)}
	for _, s := range sums {
		if s.Total() == 0 && len(s.Priority.Measures) == 0 {
			continue
		}
		p := &Priority{PrioritySummary: s}
		for _, m := range s.Priority.Measures {
			row := MeasureRow{Measure: m, Live: m.Kind == actionbot.MeasureOnTarget, Day: today}
			if !row.Live {
				row.Latest = latest[actionbot.MeasureKey(m.Priority, m.N)]
			}
			row.Status, row.Actual = s.Evaluate(m, row.Latest)
			p.Measures = append(p.Measures, row)
		}
		for _, ra := range s.Actions {
			st := standing[ra.ID]
			row := ActionRow{Rated: ra, Lead: parties(dir, ra.Lead), Partners: parties(dir, ra.Partners), Note: st.Note, Moves: st.Moves}
			p.Actions = append(p.Actions, row)
		}
		r.Priorities = append(r.Priorities, p)
	}
	return r, nil
}

// planVersion is "as imported on 1 Apr 2012": the day of the latest import
// of the plan's actions made by the instant (the plan's own creation when
// the trail has none), so a paper made later names the version it read.
func planVersion(plan *actionbot.Plan, entries []*actionbot.AuditEntry, at time.Time) string {
	var last time.Time
	for _, e := range entries {
		if e.Verb == actionbot.VerbImport && !e.At.After(at) && e.At.After(last) {
			last = e.At
		}
	}
	if last.IsZero() || last.Before(plan.CreatedAt) && !plan.CreatedAt.After(at) {
		last = plan.CreatedAt
	}
	if last.IsZero() {
		return ""
	}
	return "as imported on " + actionbot.DateOf(last.In(at.Location())).UK()
}

// parties names agencies with their roles: "Kent Police – Training, CSU".
func parties(dir *actionbot.Directory, ps []actionbot.Party) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = dir.Name(p.Agency)
		if p.Role != "" {
			out[i] += " – " + p.Role
		}
	}
	return strings.Join(out, ", ")
}

// DeadlineText is the deadline as the report writes it, with the plan's own
// beside a moved one: "June 2013 (30 Jun 2013); plan: March 2013 (31 Mar
// 2013)".
func (a ActionRow) DeadlineText() string {
	s := actionbot.DescribeDeadline(a.Deadline)
	if a.Moved() {
		s += "; plan: " + actionbot.DescribeDeadline(a.Original)
	}
	return s
}

// CurrentDeadline is the deadline in force: "June 2013 (30 Jun 2013)".
func (a ActionRow) CurrentDeadline() string { return actionbot.DescribeDeadline(a.Deadline) }

// PlanDeadline is the plan's own deadline when it has been moved, else "".
func (a ActionRow) PlanDeadline() string {
	if !a.Moved() {
		return ""
	}
	return actionbot.DescribeDeadline(a.Original)
}

// StatusText is the status with a capital: "Open", "At risk", "Done".
func (a ActionRow) StatusText() string { return capitalise(a.Status.Label()) }

// NoteText is the latest note with its date: "12 Sep 2012: 14 volunteers
// trained"; "" when none.
func (a ActionRow) NoteText(loc *time.Location) string {
	if a.Note == nil {
		return ""
	}
	return actionbot.DateOf(a.Note.At.In(loc)).UK() + ": " + oneLine(a.Note.Note)
}

// WasText is "was Amber" in a quarterly report when the rating has moved
// since the previous quarter; "" otherwise.
func (a ActionRow) WasText() string {
	if a.Was == "" || a.Was == a.RAG {
		return ""
	}
	return "was " + a.Was.Label()
}

// RAGText is "Red — 12 days overdue".
func (a ActionRow) RAGText() string { return a.RAG.Label() + " — " + a.Why }

// priorityCount is the number of priorities with actions.
func (r *Report) priorityCount() int {
	n := 0
	for _, p := range r.Priorities {
		if p.Total() > 0 {
			n++
		}
	}
	return n
}

// priorities formats "1 priority", "7 priorities".
func priorities(n int) string {
	if n == 1 {
		return "1 priority"
	}
	return fmt.Sprintf("%d priorities", n)
}

// Location is the plan's time zone, the instant's.
func (r *Report) Location() *time.Location { return r.At.Location() }

// Title is the report's title.
func (r *Report) Title() string {
	if r.Quarter != nil {
		return r.Plan.Name + " — quarterly monitoring report, " + r.Quarter.Quarter.Label()
	}
	return r.Plan.Name + " — monitoring report"
}

// Subtitle says when the report stands.
func (r *Report) Subtitle() string {
	return "As of " + r.AsOf.UK() + ", for the partnership board"
}

// Intro says what the report is and when it was produced: "Plan year 1
// Apr 2012 to 31 Mar 2013. As recorded by the partners on 31 Dec 2012;
// produced on 8 Jan 2013. ..."
func (r *Report) Intro() string {
	return fmt.Sprintf("Plan year %s to %s. %s. %s", r.Plan.Period.Start.UK(), r.Plan.Period.End.UK(), r.Recorded(), r.Basis())
}

// Basis says what the report's figures are: the plan as it stood that day.
func (r *Report) Basis() string {
	return fmt.Sprintf("Every action's status, progress, deadline and latest note are as the partners had recorded them on %s, and it is rated on that day.", r.AsOf.UK())
}

// Recorded is "As recorded by the partners on 31 Dec 2012; produced on 8
// Jan 2013", without the production date when none is given.
func (r *Report) Recorded() string {
	s := "As recorded by the partners on " + r.AsOf.UK()
	if !r.Produced.IsZero() {
		s += "; produced on " + actionbot.DateOf(r.Produced.In(r.Location())).UK()
	}
	return s
}

// KeyItem is one line of the key to the ratings.
type KeyItem struct {
	RAG  actionbot.RAG
	Rule string
}

// Key explains the ratings, with the thresholds in force.
func (r *Report) Key() []KeyItem {
	ru := r.Rules
	return []KeyItem{
		{actionbot.RAGRed, "past its deadline and not done, or blocked."},
		{actionbot.RAGAmber, fmt.Sprintf("flagged at risk by its lead; behind schedule (progress below %s of the share of the time gone between the plan's start and the deadline, once %s of that time has passed); due within %s at under %d%%; or, for ongoing work, no update for more than %s.",
			actionbot.FormatPercent(100*ru.BehindRatio), actionbot.FormatPercent(100*ru.MinElapsed), actionbot.Plural(ru.DueSoonDays, "day"), ru.DueSoonProgress, actionbot.Plural(ru.StaleDays, "day"))},
		{actionbot.RAGGreen, "on schedule, or ongoing and updated recently."},
		{actionbot.RAGComplete, "done."},
	}
}

// TargetText is the priority's on-target target and whether it is met:
// ("85%", "not met"), or ("", "") when it has none.
func (p *Priority) TargetText() (target, result string) {
	m := p.Target()
	if m == nil || m.Target == nil {
		return "", ""
	}
	status, _ := p.Evaluate(*m, nil)
	return actionbot.FormatPercent(*m.Target), string(status)
}

// TargetPercentText is the on-target target, "85%", or "" when the
// priority has none.
func (p *Priority) TargetPercentText() string {
	t, _ := p.TargetText()
	return t
}

// TargetResult is "met" or "not met" against the on-target target, or ""
// when the priority has none.
func (p *Priority) TargetResult() string {
	_, r := p.TargetText()
	return r
}

// CountsText is "Red 1 · Amber 2 · Green 3 · Complete 1".
func CountsText(s *actionbot.PrioritySummary) string {
	parts := make([]string, len(actionbot.RAGs))
	for i, g := range actionbot.RAGs {
		parts[i] = fmt.Sprintf("%s %d", g.Label(), s.Counts[g])
	}
	return strings.Join(parts, " · ")
}

// OnTargetText is "4 of 7 actions on target (57.1%)".
func OnTargetText(s *actionbot.PrioritySummary) string {
	return fmt.Sprintf("%d of %s on target (%s)", s.OnTarget(), actionbot.Plural(s.Total(), "action"), actionbot.FormatPercent(s.OnTargetPercent()))
}

// AsOfText is the date the latest figure stands at: "30 Sep 2012"; "" when
// there is none.
func (m MeasureRow) AsOfText() string {
	if m.Latest == nil {
		return ""
	}
	return m.Latest.AsOf.UK()
}

// SourceText is where the latest figure comes from, on one line.
func (m MeasureRow) SourceText() string {
	if m.Latest == nil {
		return ""
	}
	return oneLine(m.Latest.Source)
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// oneLine folds runs of white space, line breaks included, into single
// spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
