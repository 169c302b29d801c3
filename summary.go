package actionbot

import (
	"sort"
	"strconv"
	"time"
)

// Rated is an action with its rating at an instant.
type Rated struct {
	*Action
	Assessment
}

// PrioritySummary is where a priority's actions stand at an instant.
type PrioritySummary struct {
	Priority *Priority
	Actions  []Rated // in plan order
	Counts   map[RAG]int
}

// Total is the number of actions.
func (s *PrioritySummary) Total() int { return len(s.Actions) }

// OnTarget is the number of actions complete or green.
func (s *PrioritySummary) OnTarget() int { return s.Counts[RAGComplete] + s.Counts[RAGGreen] }

// OnTargetPercent is the share of actions on target, 0-100; 0 with no actions.
func (s *PrioritySummary) OnTargetPercent() float64 {
	if s.Total() == 0 {
		return 0
	}
	return 100 * float64(s.OnTarget()) / float64(s.Total())
}

// OnTargetMeasure returns the priority's "N% on target" measure, or nil
// when it has none.
func (s *PrioritySummary) OnTargetMeasure() *Measure {
	for i := range s.Priority.Measures {
		if s.Priority.Measures[i].Kind == MeasureOnTarget {
			return &s.Priority.Measures[i]
		}
	}
	return nil
}

// Evaluate judges one of the priority's measures: an on-target measure
// against the priority's actions (no data when it has none), any other
// against its latest recorded value (nil when none).
func (s *PrioritySummary) Evaluate(m Measure, latest *MeasureValue) (MeasureStatus, string) {
	if m.Kind == MeasureOnTarget && s.Total() == 0 {
		return MeasureNoData, ""
	}
	return m.Evaluate(s.OnTargetPercent(), latest)
}

// Red returns the red actions, in plan order.
func (s *PrioritySummary) Red() []Rated {
	var out []Rated
	for _, r := range s.Actions {
		if r.RAG == RAGRed {
			out = append(out, r)
		}
	}
	return out
}

// Summarize rates every action at now (today in the plan's time zone) and
// groups them by priority, in priority order. Priorities with no actions
// (priority 0, the plan-wide measures) are included with empty counts.
func Summarize(rules RAGRules, plan *Plan, priorities []*Priority, actions []*Action, today Date, now time.Time) []*PrioritySummary {
	byNum := map[int]*PrioritySummary{}
	var out []*PrioritySummary
	for _, p := range priorities {
		s := &PrioritySummary{Priority: p, Counts: map[RAG]int{}}
		byNum[p.Number] = s
		out = append(out, s)
	}
	sorted := append([]*Action(nil), actions...)
	sort.SliceStable(sorted, func(i, j int) bool { return CompareRefs(sorted[i].Ref, sorted[j].Ref) < 0 })
	for _, a := range sorted {
		s := byNum[a.Priority]
		if s == nil {
			s = &PrioritySummary{Priority: &Priority{Number: a.Priority, Title: "Priority " + strconv.Itoa(a.Priority)}, Counts: map[RAG]int{}}
			byNum[a.Priority] = s
			out = append(out, s)
		}
		as := rules.Assess(a, plan.Period.Start, today, now)
		s.Actions = append(s.Actions, Rated{a, as})
		s.Counts[as.RAG]++
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Priority.Number < out[j].Priority.Number })
	return out
}

// Overall adds up the priorities' summaries: the whole plan, in plan order,
// titled "Whole plan" (priority number -1).
func Overall(ss []*PrioritySummary) *PrioritySummary {
	all := &PrioritySummary{Priority: &Priority{Number: -1, Title: "Whole plan"}, Counts: map[RAG]int{}}
	for _, s := range ss {
		all.Actions = append(all.Actions, s.Actions...)
		for k, v := range s.Counts {
			all.Counts[k] += v
		}
	}
	return all
}

// MeasureValue is a figure recorded for a success measure: the actual
// against the target, as of a date, with its source.
type MeasureValue struct {
	Priority int       `json:"priority"`
	N        int       `json:"n"`
	Value    float64   `json:"value"` // percent; for yes/no measures 1 or 0
	AsOf     Date      `json:"as_of"`
	Source   string    `json:"source,omitempty"`
	Actor    string    `json:"actor"`
	At       time.Time `json:"at"`
}

// MeasureStatus is whether a measure is met.
type MeasureStatus string

const (
	MeasureMet    MeasureStatus = "met"
	MeasureNotMet MeasureStatus = "not met"
	MeasureNoData MeasureStatus = "no data"
)

// Evaluate judges a measure: on-target measures against the live share of
// the priority's actions on target, the others against the latest recorded
// value (nil when none). It returns the status and the actual as a board
// report writes it: "83%", "fell 2.5%", "rose 1%", "yes".
func (m Measure) Evaluate(onTargetPercent float64, latest *MeasureValue) (MeasureStatus, string) {
	if m.Kind == MeasureOnTarget {
		// Judged on the share as shown, rounded to a whole percent, so that
		// a share shown as meeting its target meets it.
		actual := FormatPercent(onTargetPercent)
		if m.Target == nil || RoundPercent(onTargetPercent) >= *m.Target {
			return MeasureMet, actual
		}
		return MeasureNotMet, actual
	}
	if latest == nil {
		return MeasureNoData, ""
	}
	if m.Kind == MeasureYesNo {
		if latest.Value >= 1 {
			return MeasureMet, "yes"
		}
		return MeasureNotMet, "no"
	}
	actual := m.FormatValue(latest.Value)
	var met bool
	if m.Target == nil {
		met = latest.Value > 0 // "reduced", "increased": any change in the right direction
	} else {
		met = latest.Value >= *m.Target
	}
	if met {
		return MeasureMet, actual
	}
	return MeasureNotMet, actual
}

// TargetLabel is the target as a board report writes it: "85% on target",
// "2% reduction", "any reduction", "10% increase", "75%", "achieved".
func (m Measure) TargetLabel() string {
	if m.Kind == MeasureYesNo {
		return "achieved"
	}
	if m.Target == nil {
		switch m.Kind {
		case MeasureReduction:
			return "any reduction"
		case MeasureIncrease:
			return "any increase"
		}
		return "—"
	}
	t := strconv.FormatFloat(*m.Target, 'f', -1, 64) + "%"
	switch m.Kind {
	case MeasureOnTarget:
		return t + " on target"
	case MeasureReduction:
		return t + " reduction"
	case MeasureIncrease:
		return t + " increase"
	}
	return t
}

// MeasureKey names a measure as "priority.n": "3.1".
func MeasureKey(priority, n int) string { return strconv.Itoa(priority) + "." + strconv.Itoa(n) }
