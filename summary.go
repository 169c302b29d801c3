package actionbot

import (
	"sort"
	"strconv"
	"strings"
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

// ParseMeasureValue reads a figure for a measure of kind k: a number
// ("2.5", "2.5%", "-1") or, for yes/no measures, yes or no.
func ParseMeasureValue(k MeasureKind, s string) (float64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if k == MeasureYesNo {
		switch t {
		case "yes", "y", "met", "true", "1", "achieved":
			return 1, nil
		case "no", "n", "not", "false", "0":
			return 0, nil
		}
		return 0, Errorf(EINVALID, "This measure is met or not: record yes or no, not %q.", s)
	}
	if k == MeasureOnTarget {
		return 0, Errorf(EINVALID, "This measure is worked out from the actions themselves; there is nothing to record.")
	}
	v, err := strconv.ParseFloat(strings.TrimSuffix(t, "%"), 64)
	if err != nil || v != v || v > 1e6 || v < -1e6 {
		return 0, Errorf(EINVALID, "%q is not a figure: give a number, as a percentage (for example 2.5).", s)
	}
	return v, nil
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
// value (nil when none). It returns the status and the actual, formatted.
func (m Measure) Evaluate(onTargetPercent float64, latest *MeasureValue) (MeasureStatus, string) {
	if m.Kind == MeasureOnTarget {
		actual := strconv.FormatFloat(onTargetPercent, 'f', 0, 64) + "%"
		if m.Target == nil || onTargetPercent >= *m.Target {
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
	actual := strconv.FormatFloat(latest.Value, 'f', -1, 64) + "%"
	met := false
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

// MeasureKey names a measure as "priority.n": "3.1".
func MeasureKey(priority, n int) string { return strconv.Itoa(priority) + "." + strconv.Itoa(n) }
