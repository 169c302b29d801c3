package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// Report rates the current plan's actions and pairs each priority's measures
// with their status: what "/action report", the board report and the digest
// are made from.
type Report struct {
	Plan      *actionbot.Plan
	Today     actionbot.Date
	Summaries []*actionbot.PrioritySummary
	Latest    map[string]*actionbot.MeasureValue
}

// BuildReport rates the plan's actions at e's instant.
func (h *Handler) buildReport(ctx context.Context, e *env) (*Report, error) {
	priorities, err := h.Store.Priorities(ctx, e.plan.ID)
	if err != nil {
		return nil, err
	}
	actions, err := h.Store.FindActions(ctx, actionbot.ActionFilter{PlanID: e.plan.ID})
	if err != nil {
		return nil, err
	}
	latest, err := h.Store.LatestMeasureValues(ctx, e.plan.ID, e.today)
	if err != nil {
		return nil, err
	}
	at := e.now
	if e.ended {
		// An ended plan is reported as it stood at the end of its last
		// day, the day its heading names: that day's board paper
		// (report.Build as of it), never today's statuses under that date.
		at = actionbot.EndOfDay(e.today, h.loc())
		since, err := h.Store.AuditSince(ctx, e.plan.ID, at, time.Date(9999, time.December, 31, 0, 0, 0, 0, time.UTC))
		if err != nil {
			return nil, err
		}
		actions = slices.DeleteFunc(actions, func(a *actionbot.Action) bool { return !actionbot.InPlanAt(e.plan, a, at) })
		for i, st := range actionbot.Replay(actions, since, at) {
			actions[i] = st.Action
		}
	}
	return &Report{Plan: e.plan, Today: e.today, Latest: latest,
		Summaries: actionbot.Summarize(h.rules(), e.plan, priorities, actions, e.today, at)}, nil
}

// ragCounts formats "🔴 2 🟠 1 🟢 3 🔵 0".
func ragCounts(counts map[actionbot.RAG]int) string {
	var parts []string
	for _, r := range actionbot.RAGs {
		parts = append(parts, fmt.Sprintf("%s %d", r.Emoji(), counts[r]))
	}
	return strings.Join(parts, "  ")
}

func (h *Handler) report(ctx context.Context, e *env, priority int) (actionbot.Message, error) {
	r, err := h.buildReport(ctx, e)
	if err != nil {
		return actionbot.Message{}, err
	}
	asOf := e.today.UK()
	if e.ended {
		asOf += ", when the plan ended"
	}
	blocks := []actionbot.Block{actionbot.Header(actionbot.Clip(e.plan.Name+" — where we stand", 150)),
		actionbot.Context(fmt.Sprintf("As of %s. 🔴 red, 🟠 amber, 🟢 green, 🔵 complete. On target means complete or green.", asOf))}
	found := false
	for _, s := range r.Summaries {
		if priority > 0 && s.Priority.Number != priority {
			continue
		}
		if priority == 0 && s.Total() == 0 && len(s.Priority.Measures) == 0 {
			continue
		}
		found = true
		blocks = append(blocks, h.prioritySection(s, r))
	}
	if priority > 0 && !found {
		return actionbot.Message{}, actionbot.Errorf(actionbot.ENOTFOUND, "There is no priority %d in %s.", priority, e.plan.Name)
	}
	if priority == 0 {
		all := actionbot.Overall(r.Summaries)
		blocks = append(blocks, actionbot.Context(fmt.Sprintf("Whole plan: %s — %s of %s on target. `/action report priority N` for one priority; `actionbot report` writes the board report.",
			ragCounts(all.Counts), actionbot.FormatPercent(all.OnTargetPercent()), actionbot.Plural(all.Total(), "action"))))
	}
	return actionbot.Message{Text: "Action plan report, " + e.today.UK(), Blocks: blocks}, nil
}

// prioritySection summarises one priority: counts, on-target share against
// the plan's target, measures, and the red actions.
func (h *Handler) prioritySection(s *actionbot.PrioritySummary, r *Report) actionbot.Block {
	p := s.Priority
	title := fmt.Sprintf("%d. %s", p.Number, p.Title)
	if p.Number == 0 {
		title = p.Title
	}
	rt := actionbot.Txt(actionbot.B(actionbot.Clip(title, 200)))
	if s.Total() > 0 {
		line := fmt.Sprintf("\n%s — %s on target (%d of %d)", ragCounts(s.Counts), actionbot.FormatPercent(s.OnTargetPercent()), s.OnTarget(), s.Total())
		if m := s.OnTargetMeasure(); m != nil && m.Target != nil {
			status, _ := s.Evaluate(*m, nil)
			line += fmt.Sprintf("; target %s: %s", actionbot.FormatPercent(*m.Target), status)
		}
		rt = append(rt, actionbot.Span{Text: line})
	}
	for _, m := range p.Measures {
		if m.Kind == actionbot.MeasureOnTarget && s.Total() > 0 {
			continue // on the line above
		}
		latest := r.Latest[actionbot.MeasureKey(m.Priority, m.N)]
		status, actual := s.Evaluate(m, latest)
		line := fmt.Sprintf("\nMeasure %d: %s — target %s", m.N, actionbot.Clip(m.Text, 160), m.TargetLabel())
		if latest != nil && m.Kind != actionbot.MeasureOnTarget {
			line += fmt.Sprintf(", actual %s (as of %s)", actual, latest.AsOf.UK())
		}
		rt = append(rt, actionbot.Span{Text: line + " — "}, actionbot.Span{Text: string(status), Style: actionbot.Bold})
	}
	reds := s.Red()
	for i, a := range reds {
		if i == 8 {
			rt = append(rt, actionbot.Span{Text: fmt.Sprintf("\n…and %d more red — `/action list priority %d overdue`", len(reds)-8, p.Number)})
			break
		}
		rt = append(rt, actionbot.Span{Text: "\n🔴 "}, actionbot.B(a.Ref), actionbot.Span{Text: " " + actionbot.Clip(a.Text, 70) + " — " + a.Why})
	}
	return actionbot.Block{Kind: actionbot.BlockSection, Text: rt}
}
