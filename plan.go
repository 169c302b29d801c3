package actionbot

import (
	"strconv"
	"strings"
	"time"
)

// Plan is a partnership's action plan for a period, normally a UK financial
// year. A database has one current plan; earlier plans are kept read-only
// for their history.
type Plan struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Period    Period    `json:"period"`
	Current   bool      `json:"current"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Priority is one of the plan's priority issues, such as "Speeding vehicles
// including road safety", with the success measures the plan sets for it.
// Priority 0 holds the plan-wide measures ("All recorded crime").
type Priority struct {
	Number   int       `json:"number"`
	Title    string    `json:"title"`
	Measures []Measure `json:"measures,omitempty"`
	// Channel is where the priority's task group talks (a Slack channel ID);
	// empty when none is set.
	Channel string `json:"channel,omitempty"`
}

// MeasureKind says how a success measure is judged.
type MeasureKind string

const (
	// MeasureOnTarget is about the action plan itself ("Substance Misuse
	// Action Plan to be 85% on target"): computed live from the actions.
	MeasureOnTarget MeasureKind = "on_target"
	// MeasureReduction is met when the recorded reduction, in percent, reaches
	// the target ("reduced by 2%"); with no target any reduction meets it.
	MeasureReduction MeasureKind = "reduction"
	// MeasureIncrease is met when the recorded increase, in percent, reaches
	// the target ("increased by 10%").
	MeasureIncrease MeasureKind = "increase"
	// MeasurePercentage is met when the recorded rate, in percent, reaches the
	// target ("75% of victims satisfied").
	MeasurePercentage MeasureKind = "percentage"
	// MeasureYesNo is met when recorded as achieved ("projects maintained").
	MeasureYesNo MeasureKind = "yes_no"
)

// ParseMeasureKind validates a measure kind.
func ParseMeasureKind(s string) (MeasureKind, error) {
	switch k := MeasureKind(strings.ToLower(strings.TrimSpace(s))); k {
	case MeasureOnTarget, MeasureReduction, MeasureIncrease, MeasurePercentage, MeasureYesNo:
		return k, nil
	}
	return "", Errorf(EINVALID, "%q is not a kind of measure: use on_target, reduction, increase, percentage or yes_no.", s)
}

// Measure is one of the plan's success measures, stored as written.
type Measure struct {
	Priority int         `json:"priority"`
	N        int         `json:"n"`
	Text     string      `json:"text"`
	Kind     MeasureKind `json:"kind"`
	// Target is the numeric target the plan states (85 for "85% on target",
	// 2 for "reduced by 2%"); nil when it states none.
	Target *float64 `json:"target,omitempty"`
}

// TargetString formats the target: "85%", "any", "yes".
func (m Measure) TargetString() string {
	if m.Kind == MeasureYesNo {
		return "yes"
	}
	if m.Target == nil {
		return "any"
	}
	return strconv.FormatFloat(*m.Target, 'f', -1, 64) + "%"
}

// Float returns a pointer to v, for Measure.Target.
func Float(v float64) *float64 { return &v }

// PlanImport is a whole plan read from a file and validated, ready to store.
type PlanImport struct {
	Name       string
	Period     Period
	Priorities []Priority // titles, and measures where the source has them
	Actions    []*Action  // Ref, Priority, Text, Lead, Partners, Deadline, Funding, Review
	// Agencies are created when missing, with their aliases; existing
	// agencies are left as they are.
	Agencies []*Agency
	Source   string // the file it came from, for the record
	Actor    string // who imported it
	// DryRun works out what importing would do and changes nothing.
	DryRun bool
	// ApplyState applies the file's states (Action.Imported) to actions the
	// plan has already; without it they are only reported (ImportResult.States).
	// New actions always start from the file's state.
	ApplyState bool
}

// ActionState is an action's state as a plan file gives it: an export's
// status, reason, progress, current deadline, last update and latest note,
// or a plan's own Status, RAG, Complete and progress columns. A zero field
// is one the file does not give.
type ActionState struct {
	Status   Status    // "" when the file does not say
	Reason   string    // why it is blocked or at risk
	Progress *int      // percent; nil when the file does not say
	Deadline *Deadline // the current deadline, when it is not the one agreed
	Note     string    // the latest note
	Updated  time.Time // when a person last updated it
	// Created is when the action first came into the bot (an export's
	// created column), kept by a plan moved to a new database: staleness
	// counts from it (Action.TrackedFrom), not from the move.
	Created time.Time
}

// ImportResult says what an import did.
type ImportResult struct {
	Plan    *Plan
	Created bool // the plan is new (and now current)
	// Archived is the plan that was current before a new plan replaced it.
	Archived  *Plan
	Added     []string
	Updated   []ActionDiff
	Unchanged int
	// Missing are actions in the database that the file does not have; they
	// are kept as they are.
	Missing     []string
	NewAgencies []string
	// Retitled lists priorities whose title changed.
	Retitled []int
	// States are where the file's states differ from the actions' as
	// stored (status, reason, progress, deadline, note): applied only with
	// PlanImport.ApplyState.
	States []ActionDiff
}

// ActionDiff is what an import changed in one action.
type ActionDiff struct {
	Ref     string
	Changes []Change
}
