package report

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// This file is the board paper's reading of a quarter (issue 26): what
// moved in it, action by action; the exceptions the board is asked to act
// on; the direction of travel per priority; and each success measure's
// figures at each quarter's end.

// FieldChange is one thing about an action that changed in the quarter:
// ("Progress", "0%", "60%").
type FieldChange struct {
	Field, From, To string
}

// ChangedAction is an action that moved in the quarter, with the changes
// between the two quarters' ends, its lead and latest note (the row).
type ChangedAction struct {
	ActionRow
	Changes []FieldChange
}

// PriorityChanges are one priority's changed actions, in plan order.
type PriorityChanges struct {
	Number  int
	Title   string
	Actions []ChangedAction
}

// Exception is an action the board is asked to look at, with why and what
// is asked of it.
type Exception struct {
	ActionRow
	// Reasons say why it is an exception: "Blocked: awaiting funding",
	// "Overdue, no update for 95 days", "Deadline moved 2 times".
	Reasons []string
	// Ask is what the board is asked to do about it.
	Ask string
}

// Direction is a priority's (or the whole plan's) on-target share at the
// quarter's end against the previous quarter's end.
type Direction struct {
	Number int // -1 for the whole plan
	Title  string
	// Was and Now are the on-target shares in percent; WasText and NowText
	// them formatted with their counts, "5 of 7 (71%)".
	Was, Now         float64
	WasText, NowText string
	// Trend is "better", "same" or "worse", judged on the shares as shown
	// (rounded to whole percents).
	Trend string
	// Target is the priority's on-target target, "85%", or "".
	Target string
}

// Arrow is the direction as a sign that prints in any font: ▲ ▼ ▶.
func (d Direction) Arrow() string {
	switch d.Trend {
	case "better":
		return "▲"
	case "worse":
		return "▼"
	}
	return "▶"
}

// TrendPoint is a measure's standing at one quarter's end.
type TrendPoint struct {
	Quarter actionbot.Quarter
	End     actionbot.Date
	// Has is false when there was no figure by then.
	Has   bool
	Value float64 // in the measure's direction: higher is better
	Text  string  // "fell 2.5%", "71%", "yes"; "no data"
	AsOf  actionbot.Date
}

// MeasureTrend is a success measure's figures at each quarter's end of the
// plan year up to the paper's quarter, with its target and direction.
type MeasureTrend struct {
	Key    string // "3.1"
	Text   string
	Target string
	Live   bool
	// TargetValue is the target as a figure in the measure's direction;
	// nil when it has none (or it is met or not).
	TargetValue *float64
	Points      []TrendPoint
	// Direction is "better", "same" or "worse" between the last two
	// quarters with figures; "" with fewer than two.
	Direction string
	Status    actionbot.MeasureStatus
}

// HasTrend reports whether the measure has figures at two quarter ends or
// more: a chart is drawn only then.
func (m MeasureTrend) HasTrend() bool { return m.Direction != "" }

// trendOf judges a change in a measure's direction (higher is better).
func trendOf(was, now float64) string {
	switch {
	case now > was+1e-9:
		return "better"
	case now < was-1e-9:
		return "worse"
	}
	return "same"
}

// exceptionsOf lists the actions that need the board's attention at the
// report's instant: red, blocked, at risk, overdue with no update for the
// stale period, or with a deadline moved more than once.
func exceptionsOf(r *Report) []Exception {
	var out []Exception
	stale := r.Rules.StaleDays
	for _, p := range r.Priorities {
		for _, a := range p.Actions {
			var reasons, asks []string
			switch {
			case a.Status == actionbot.StatusBlocked:
				reasons = append(reasons, "Blocked: "+oneLine(dashIfEmpty(a.Reason)))
				asks = append(asks, "Help remove the block, or agree it cannot be done this year.")
			case a.Status == actionbot.StatusAtRisk:
				reasons = append(reasons, "At risk: "+oneLine(dashIfEmpty(a.Reason)))
				asks = append(asks, "Note the risk; agree support if the lead asks for it.")
			}
			overdue := a.Overdue(r.AsOf)
			if overdue {
				days := 0
				if n, ok := a.DueIn(r.AsOf); ok {
					days = -n
				}
				since := a.TrackedFrom(r.Plan.Period.Start, r.Location())
				if !a.LastActivity.IsZero() {
					since = actionbot.DateOf(a.LastActivity.In(r.Location()))
				}
				quiet := since.DaysUntil(r.AsOf)
				if quiet >= stale {
					if a.LastActivity.IsZero() {
						reasons = append(reasons, fmt.Sprintf("%s overdue, no update since the plan began", actionbot.Plural(days, "day")))
					} else {
						reasons = append(reasons, fmt.Sprintf("%s overdue, no update for %s", actionbot.Plural(days, "day"), actionbot.Plural(quiet, "day")))
					}
					asks = append(asks, "Ask the lead for an update and a new date, or agree to close it.")
				} else if a.Status != actionbot.StatusBlocked {
					reasons = append(reasons, fmt.Sprintf("%s overdue", actionbot.Plural(days, "day")))
					asks = append(asks, "Agree a new deadline with the lead.")
				}
			} else if a.RAG == actionbot.RAGRed && a.Status != actionbot.StatusBlocked {
				reasons = append(reasons, "Red: "+a.Why)
			}
			if a.Moves > 1 && !a.IsDone() {
				reasons = append(reasons, fmt.Sprintf("Deadline moved %d times (plan: %s)", a.Moves, actionbot.DescribeDeadline(a.Original)))
				asks = append(asks, "Confirm the deadline now in force is realistic.")
			}
			if len(reasons) == 0 {
				continue
			}
			if len(asks) == 0 {
				asks = append(asks, "Note.")
			}
			out = append(out, Exception{ActionRow: a, Reasons: reasons, Ask: asks[0]})
		}
	}
	return out
}

func dashIfEmpty(s string) string {
	if strings.TrimSpace(s) == "" {
		return "no reason given"
	}
	return s
}

// changesOf compares every action at the quarter's end with the previous
// quarter's end: progress, status, RAG and deadline, grouped by priority.
// Actions added in the quarter are listed apart (added).
func changesOf(r, prev *Report, since time.Time) (changed []PriorityChanges, added []ActionRow) {
	before := map[string]ActionRow{}
	for _, p := range prev.Priorities {
		for _, a := range p.Actions {
			before[a.Ref] = a
		}
	}
	for _, p := range r.Priorities {
		pc := PriorityChanges{Number: p.Number(), Title: p.Title()}
		for _, a := range p.Actions {
			if a.CreatedAt.After(since) && !a.CreatedAt.After(r.At) {
				added = append(added, a)
				continue
			}
			was, ok := before[a.Ref]
			if !ok {
				continue
			}
			var cs []FieldChange
			if was.Progress != a.Progress {
				cs = append(cs, FieldChange{"Progress", fmt.Sprintf("%d%%", was.Progress), fmt.Sprintf("%d%%", a.Progress)})
			}
			if was.Status != a.Status || was.Reason != a.Reason && a.Reason != "" {
				cs = append(cs, FieldChange{"Status", statusText(was.Action), statusText(a.Action)})
			}
			if was.RAG != a.RAG {
				cs = append(cs, FieldChange{"RAG", was.RAG.Label(), a.RAG.Label()})
			}
			if was.Deadline != a.Deadline {
				cs = append(cs, FieldChange{"Deadline", actionbot.DescribeDeadline(was.Deadline), actionbot.DescribeDeadline(a.Deadline)})
			}
			if len(cs) > 0 {
				pc.Actions = append(pc.Actions, ChangedAction{ActionRow: a, Changes: cs})
			}
		}
		if len(pc.Actions) > 0 {
			changed = append(changed, pc)
		}
	}
	return changed, added
}

// statusText is "Open", "Blocked: awaiting funding".
func statusText(a *actionbot.Action) string {
	s := capitalise(a.Status.Label())
	if (a.Status == actionbot.StatusBlocked || a.Status == actionbot.StatusAtRisk) && strings.TrimSpace(a.Reason) != "" {
		s += ": " + oneLine(a.Reason)
	}
	return s
}

// directionsOf compares each priority's on-target share, and the whole
// plan's, with the previous quarter's end.
func directionsOf(r, prev *Report) []Direction {
	was := map[int]*Priority{}
	for _, p := range prev.Priorities {
		was[p.Number()] = p
	}
	share := func(s *actionbot.PrioritySummary) string {
		return fmt.Sprintf("%d of %d (%s)", s.OnTarget(), s.Total(), actionbot.FormatPercent(s.OnTargetPercent()))
	}
	var out []Direction
	for _, p := range r.Priorities {
		w, ok := was[p.Number()]
		if p.Total() == 0 || !ok || w.Total() == 0 {
			continue
		}
		out = append(out, Direction{Number: p.Number(), Title: p.Title(), Was: w.OnTargetPercent(), Now: p.OnTargetPercent(),
			WasText: share(w.PrioritySummary), NowText: share(p.PrioritySummary),
			Trend: trendOf(actionbot.RoundPercent(w.OnTargetPercent()), actionbot.RoundPercent(p.OnTargetPercent())), Target: p.TargetPercentText()})
	}
	out = append(out, Direction{Number: -1, Title: "Whole plan", Was: prev.Overall.OnTargetPercent(), Now: r.Overall.OnTargetPercent(),
		WasText: share(prev.Overall), NowText: share(r.Overall),
		Trend: trendOf(actionbot.RoundPercent(prev.Overall.OnTargetPercent()), actionbot.RoundPercent(r.Overall.OnTargetPercent()))})
	return out
}

// trendsOf gives every success measure's standing at the end of each
// quarter of the plan year up to the paper's: a recorded measure's latest
// figure dated by then, a live one's on-target share in the report as of
// then (ends).
func trendsOf(r *Report, ends []*Report, values []*actionbot.MeasureValue) []MeasureTrend {
	byKey := map[string][]*actionbot.MeasureValue{}
	for _, v := range values {
		k := actionbot.MeasureKey(v.Priority, v.N)
		byKey[k] = append(byKey[k], v)
	}
	for _, vs := range byKey {
		sort.SliceStable(vs, func(i, j int) bool {
			if vs[i].AsOf != vs[j].AsOf {
				return vs[i].AsOf.Before(vs[j].AsOf)
			}
			return vs[i].At.Before(vs[j].At)
		})
	}
	var out []MeasureTrend
	for pi, p := range r.Priorities {
		for _, m := range p.Measures {
			key := actionbot.MeasureKey(m.Priority, m.N)
			t := MeasureTrend{Key: key, Text: m.Text, Target: m.TargetLabel(), Live: m.Live, Status: m.Status}
			if m.Kind != actionbot.MeasureYesNo {
				t.TargetValue = m.Measure.Target
			}
			for _, e := range ends {
				pt := TrendPoint{Quarter: actionbot.QuarterOf(e.AsOf), End: e.AsOf, Text: "no data"}
				if m.Live {
					if pi < len(e.Priorities) && e.Priorities[pi].Number() == p.Number() && e.Priorities[pi].Total() > 0 {
						s := e.Priorities[pi]
						pt.Has, pt.Value, pt.Text, pt.AsOf = true, actionbot.RoundPercent(s.OnTargetPercent()), actionbot.FormatPercent(s.OnTargetPercent()), e.AsOf
					}
				} else {
					var latest *actionbot.MeasureValue
					for _, v := range byKey[key] {
						if !v.AsOf.After(e.AsOf) && !v.AsOf.Before(r.Plan.Period.Start) {
							latest = v
						}
					}
					if latest != nil {
						_, text := m.Measure.Evaluate(0, latest)
						pt.Has, pt.Value, pt.Text, pt.AsOf = true, latest.Value, text, latest.AsOf
					}
				}
				t.Points = append(t.Points, pt)
			}
			var had []TrendPoint
			for _, pt := range t.Points {
				if pt.Has {
					had = append(had, pt)
				}
			}
			if n := len(had); n >= 2 {
				t.Direction = trendOf(had[n-2].Value, had[n-1].Value)
			}
			out = append(out, t)
		}
	}
	return out
}

// NoteBy is the lead's latest commentary's author and date: "ULEAD, 14 Nov
// 2012"; "" when there is none.
func (a ActionRow) NoteBy(loc *time.Location) string {
	if a.Note == nil {
		return ""
	}
	return a.Note.Actor + ", " + actionbot.DateOf(a.Note.At.In(loc)).UK()
}

// NoteLine is the latest note's text on one line; "" when there is none.
func (a ActionRow) NoteLine() string {
	if a.Note == nil {
		return ""
	}
	return oneLine(a.Note.Note)
}

// TextBlock is a paragraph or a list of the coordinator's notes.
type TextBlock struct {
	Paragraph string
	Items     []string
	Ordered   bool
}

var reListItem = regexp.MustCompile(`^\s*(?:([-*+•])|(\d+)[.)])\s+(.*)$`)

// NoteBlocks reads the coordinator's notes as written: paragraphs split by
// blank lines, and lines starting "- ", "* " or "1. " as list items.
// Nothing else is interpreted: the text is shown as typed, escaped.
func NoteBlocks(s string) []TextBlock {
	var out []TextBlock
	var para []string
	flush := func() {
		if len(para) > 0 {
			out = append(out, TextBlock{Paragraph: strings.Join(para, " ")})
			para = nil
		}
	}
	list := func(item string, ordered bool) {
		flush()
		if n := len(out); n > 0 && out[n-1].Items != nil && out[n-1].Ordered == ordered {
			out[n-1].Items = append(out[n-1].Items, item)
			return
		}
		out = append(out, TextBlock{Items: []string{item}, Ordered: ordered})
	}
	lastItem := false
	for _, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		t := strings.TrimSpace(line)
		switch m := reListItem.FindStringSubmatch(line); {
		case t == "":
			flush()
			lastItem = false
		case m != nil:
			list(strings.TrimSpace(m[3]), m[2] != "")
			lastItem = true
		case lastItem && (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")):
			items := out[len(out)-1].Items
			items[len(items)-1] += " " + t
		default:
			lastItem = false
			para = append(para, t)
		}
	}
	flush()
	return out
}

// Partnership names the partnership a plan is of: "Sevenoaks District
// Community Safety Partnership" for "Sevenoaks District CSP Action Plan
// 2012-13".
func Partnership(plan string) string {
	name := plan
	for _, cut := range []string{" Action Plan", " action plan", " Plan", " plan"} {
		if i := strings.Index(name, cut); i > 0 {
			name = name[:i]
			break
		}
	}
	words := strings.Fields(name)
	for i, w := range words {
		if w == "CSP" {
			words[i] = "Community Safety Partnership"
		}
	}
	return strings.Join(words, " ")
}

// HasCover says whether the paper opens with its cover table: a quarter's
// paper always does; a report as of a day when it is given a meeting or an
// author.
func (r *Report) HasCover() bool {
	return r.Quarter != nil || r.Cover.Meeting != "" || r.Cover.Author != ""
}

// PeriodText is the period the paper covers: its quarter, or the plan year
// up to the day the report stands at ("1 Apr 2012 to 30 Nov 2012").
func (r *Report) PeriodText() string {
	if r.Quarter != nil {
		return r.Quarter.Quarter.Label()
	}
	end := r.AsOf
	if r.Plan.Period.End.Before(end) {
		end = r.Plan.Period.End
	}
	return r.Plan.Period.Start.UK() + " to " + end.UK()
}

// ProducedText is the day the paper was produced: "2 Jan 2013"; "" when not
// given.
func (r *Report) ProducedText() string {
	if r.Produced.IsZero() {
		return ""
	}
	return actionbot.DateOf(r.Produced.In(r.Location())).UK()
}

// NoteDate is the day a note was made, in the plan's time zone.
func (r *Report) NoteDate(e *actionbot.AuditEntry) string {
	return actionbot.DateOf(e.At.In(r.Location())).UK()
}

// PreviousLabel heads the column of the previous quarter's end: "30 Sep
// 2012", or "Plan start" for the first quarter.
func (s *QuarterSection) PreviousLabel(plan *actionbot.Plan) string {
	if s.Since.Before(plan.Period.Start) {
		return "Plan start"
	}
	return s.Since.UK()
}

// EndLabel heads the column of the quarter's end: "31 Dec 2012".
func (s *QuarterSection) EndLabel() string { return s.Quarter.Period().End.UK() }

// Figures reports whether the measure had a figure at any quarter's end.
func (m MeasureTrend) Figures() bool {
	for _, p := range m.Points {
		if p.Has {
			return true
		}
	}
	return false
}

// NoFigures are the measures with no figure at any quarter's end of the
// year so far.
func (s *QuarterSection) NoFigures() []MeasureTrend {
	var out []MeasureTrend
	for _, t := range s.Trends {
		if !t.Figures() {
			out = append(out, t)
		}
	}
	return out
}
