package report

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// QuarterStore is what a quarterly report reads besides a report's Store:
// every figure recorded for the measures.
type QuarterStore interface {
	Store
	MeasureValues(ctx context.Context, planID int64) ([]*actionbot.MeasureValue, error)
}

// QuarterSection is what changed in a quarter: the report as of the
// quarter's last day compared with the report as of the previous quarter's
// last day, and the deadlines moved and figures recorded in between.
type QuarterSection struct {
	Quarter actionbot.Quarter
	// Since is the previous quarter's last day (for Q1, the day before the
	// financial year starts).
	Since actionbot.Date
	// Completed, NewlyRed and NewlyBlocked are actions done, red or blocked
	// at the quarter's end that were not at the previous quarter's end.
	Completed, NewlyRed, NewlyBlocked []ActionRow
	// Moved are the deadline changes made in the quarter, oldest first.
	Moved []DeadlineMove
	// Measures are the figures dated in the quarter, by measure.
	Measures []MeasureFigure
	// Movements are the actions whose RAG rating changed between the two
	// quarters' ends, in plan order.
	Movements []ActionRow
	// WasOnTarget is the whole plan's share on target at the previous
	// quarter's end.
	WasOnTarget float64
	// Changed are the actions whose progress, status, RAG or deadline
	// differ between the two quarters' ends, by priority; Added are those
	// added to the plan in the quarter.
	Changed []PriorityChanges
	Added   []ActionRow
	// Exceptions are the actions the board is asked to look at, as they
	// stand at the quarter's end.
	Exceptions []Exception
	// Directions are each priority's on-target share against the previous
	// quarter's end, then the whole plan's.
	Directions []Direction
	// Trends are every success measure's figures at each quarter's end of
	// the plan year, up to this one.
	Trends []MeasureTrend
}

// DeadlineMove is a deadline changed in the quarter.
type DeadlineMove struct {
	Ref, Text string
	From, To  string
	At        time.Time
	Reason    string
}

// MeasureFigure is a figure recorded for a measure, with how it stands.
type MeasureFigure struct {
	Key    string // "3.1"
	Text   string
	Value  string // "fell 2.5%"
	AsOf   actionbot.Date
	Source string
	Status actionbot.MeasureStatus
	Target string
}

// BuildQuarter computes the quarterly monitoring report: the report as of
// the quarter's last day (opt.At is set to its last instant, in opt.At's
// time zone, or Europe/London's when opt.At is zero), with a "this
// quarter" section. A quarter not yet over is refused (EINVALID) when now
// is before its end.
func BuildQuarter(ctx context.Context, st QuarterStore, plan *actionbot.Plan, q actionbot.Quarter, now time.Time, opt Options) (*Report, error) {
	loc := now.Location()
	period := q.Period()
	if !actionbot.DateOf(now).After(period.End) {
		return nil, actionbot.Errorf(actionbot.EINVALID, "%s ends on %s, which is still to come (today is %s): the quarterly report is made once the quarter is over; `report --as-of` gives where things stand today.", q.Label(), period.End.UK(), actionbot.DateOf(now).UK())
	}
	if period.End.Before(plan.Period.Start) || period.Start.After(plan.Period.End) {
		return nil, actionbot.Errorf(actionbot.EINVALID, "%s is outside %s, which runs from %s to %s.", q.Label(), plan.Name, plan.Period.Start.UK(), plan.Period.End.UK())
	}
	opt.At = actionbot.EndOfDay(period.End, loc)
	r, err := Build(ctx, st, plan, opt)
	if err != nil {
		return nil, err
	}
	since := period.Start.AddDays(-1)
	prevOpt := opt
	prevOpt.At = actionbot.EndOfDay(since, loc)
	if since.Before(plan.Period.Start) {
		// The first quarter starts from the plan's first morning, not the
		// evening before: a deadline on the eve of the plan reads "due
		// today" then, and would count as newly red, though it was
		// already missed when the plan was adopted.
		prevOpt.At = plan.Period.Start.At(0, 0, loc)
	}
	prev, err := Build(ctx, st, plan, prevOpt)
	if err != nil {
		return nil, err
	}
	entries, err := st.AuditSince(ctx, plan.ID, prevOpt.At.Add(time.Microsecond), opt.At.Add(time.Microsecond))
	if err != nil {
		return nil, fmt.Errorf("build quarterly report: %w", err)
	}
	// The board is told what happened: a change undone in the quarter, and
	// its undo, are left out.
	entries = actionbot.SkipUndone(entries)
	values, err := st.MeasureValues(ctx, plan.ID)
	if err != nil {
		return nil, fmt.Errorf("build quarterly report: %w", err)
	}
	r.Quarter = quarterSection(q, since, r, prev, entries, values)
	r.Quarter.Changed, r.Quarter.Added = changesOf(r, prev, prevOpt.At)
	r.Quarter.Exceptions = exceptionsOf(r)
	r.Quarter.Directions = directionsOf(r, prev)
	// The measures' figures at each earlier quarter's end of the plan year,
	// each rebuilt as the report as of that day.
	var ends []*Report
	for e := q; !e.Period().End.Before(plan.Period.Start); e = e.Previous() {
		if e == q {
			ends = append([]*Report{r}, ends...)
			continue
		}
		eOpt := opt
		eOpt.At = actionbot.EndOfDay(e.Period().End, loc)
		er := prev
		if e.Period().End != since {
			if er, err = Build(ctx, st, plan, eOpt); err != nil {
				return nil, err
			}
		}
		ends = append([]*Report{er}, ends...)
	}
	r.Quarter.Trends = trendsOf(r, ends, values)
	return r, nil
}

func quarterSection(q actionbot.Quarter, since actionbot.Date, r, prev *Report, entries []*actionbot.AuditEntry, values []*actionbot.MeasureValue) *QuarterSection {
	s := &QuarterSection{Quarter: q, Since: since, WasOnTarget: prev.Overall.OnTargetPercent()}
	before := map[string]ActionRow{}
	for _, p := range prev.Priorities {
		for _, a := range p.Actions {
			before[a.Ref] = a
		}
	}
	for _, p := range r.Priorities {
		for i := range p.Actions {
			a := &p.Actions[i]
			was, ok := before[a.Ref]
			if !ok {
				continue
			}
			a.Was = was.RAG
			if a.IsDone() && !was.IsDone() {
				s.Completed = append(s.Completed, *a)
			}
			if a.RAG == actionbot.RAGRed && was.RAG != actionbot.RAGRed {
				s.NewlyRed = append(s.NewlyRed, *a)
			}
			if a.Status == actionbot.StatusBlocked && was.Status != actionbot.StatusBlocked {
				s.NewlyBlocked = append(s.NewlyBlocked, *a)
			}
			if a.RAG != was.RAG {
				s.Movements = append(s.Movements, *a)
			}
		}
	}
	texts := map[string]string{}
	for _, p := range r.Priorities {
		for _, a := range p.Actions {
			texts[a.Ref] = a.Text
		}
	}
	for _, e := range entries {
		if c, ok := e.Changed("deadline"); ok {
			s.Moved = append(s.Moved, DeadlineMove{Ref: e.Ref, Text: texts[e.Ref], From: c.From, To: c.To, At: e.At, Reason: oneLine(e.Note)})
		}
	}
	measures := map[string]MeasureRow{}
	for _, p := range r.Priorities {
		for _, m := range p.Measures {
			measures[actionbot.MeasureKey(m.Priority, m.N)] = m
		}
	}
	period := q.Period()
	for _, v := range values {
		m, ok := measures[actionbot.MeasureKey(v.Priority, v.N)]
		if !ok || !period.Contains(v.AsOf) {
			continue
		}
		status, actual := m.Measure.Evaluate(0, v)
		s.Measures = append(s.Measures, MeasureFigure{Key: actionbot.MeasureKey(v.Priority, v.N), Text: m.Text, Value: actual,
			AsOf: v.AsOf, Source: oneLine(v.Source), Status: status, Target: m.TargetLabel()})
	}
	sort.SliceStable(s.Measures, func(i, j int) bool {
		if s.Measures[i].Key != s.Measures[j].Key {
			return actionbot.CompareRefs(s.Measures[i].Key, s.Measures[j].Key) < 0
		}
		return s.Measures[i].AsOf.Before(s.Measures[j].AsOf)
	})
	return s
}

// SinceText is "since 30 Sep 2012" or, for the first quarter, "since the
// plan started".
func (s *QuarterSection) SinceText(plan *actionbot.Plan) string {
	if s.Since.Before(plan.Period.Start) {
		return "since the plan started"
	}
	return "since " + s.Since.UK()
}

// Headline sums up the quarter in a sentence: "Q3 2012-13 (October to
// December 2012): 7 of 42 actions on target (17%, was 12% on 30 Sep 2012);
// 2 completed, 1 newly red, 1 newly blocked, 1 deadline moved, 2 measure
// figures recorded."
func (r *Report) Headline() string {
	s := r.Quarter
	if s == nil {
		return fmt.Sprintf("%s, as of %s: %s.", r.Plan.Name, r.AsOf.UK(), OnTargetText(r.Overall))
	}
	var was string
	if s.Since.Before(r.Plan.Period.Start) {
		was = "was " + actionbot.FormatPercent(s.WasOnTarget) + " when the plan started"
	} else {
		was = "was " + actionbot.FormatPercent(s.WasOnTarget) + " on " + s.Since.UK()
	}
	return fmt.Sprintf("%s: %d of %s on target (%s, %s); %d completed, %d newly red, %d newly blocked, %s moved, %s recorded.",
		s.Quarter.Label(), r.Overall.OnTarget(), actionbot.Plural(r.Overall.Total(), "action"), actionbot.FormatPercent(r.Overall.OnTargetPercent()), was,
		len(s.Completed), len(s.NewlyRed), len(s.NewlyBlocked), actionbot.Plural(len(s.Moved), "deadline"), actionbot.Plural(len(s.Measures), "measure figure"))
}

// Refs lists the actions' references: "1.7, 6.5".
func Refs(rows []ActionRow) string {
	out := make([]string, len(rows))
	for i, a := range rows {
		out[i] = a.Ref
	}
	return strings.Join(out, ", ")
}

// QuarterMessage is the quarter's headline for a chat channel: what the
// scheduled post and "/action report quarter" say.
func QuarterMessage(r *Report, file string) actionbot.Message {
	s := r.Quarter
	blocks := []actionbot.Block{actionbot.Header(actionbot.Clip("Quarterly monitoring — "+s.Quarter.Label(), 150)),
		actionbot.Section(r.Headline())}
	lines := []string{}
	add := func(what string, rows []ActionRow) {
		if len(rows) > 0 {
			lines = append(lines, what+": "+Refs(rows))
		}
	}
	add("Completed", s.Completed)
	add("Newly red", s.NewlyRed)
	add("Newly blocked", s.NewlyBlocked)
	for _, m := range s.Moved {
		lines = append(lines, fmt.Sprintf("Deadline moved: %s from %s to %s", m.Ref, m.From, m.To))
	}
	if len(lines) > 0 {
		blocks = append(blocks, actionbot.Section(actionbot.Clip(strings.Join(lines, "\n"), 2900)))
	}
	ctx := r.Recorded() + ". `actionbot report --quarter " + s.Quarter.String() + " --format html` writes the board paper."
	if file != "" {
		ctx = r.Recorded() + ". The board paper is " + file + "."
	}
	blocks = append(blocks, actionbot.Context(ctx))
	return actionbot.Message{Text: r.Headline(), Blocks: blocks}
}
