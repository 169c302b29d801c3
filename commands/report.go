package commands

import (
	"context"
	"fmt"
	"strings"

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
	return &Report{Plan: e.plan, Today: e.today, Latest: latest,
		Summaries: actionbot.Summarize(h.rules(), e.plan, priorities, actions, e.today, e.now)}, nil
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
	blocks := []actionbot.Block{actionbot.Header(actionbot.Clip(e.plan.Name+" — where we stand", 150)),
		actionbot.Context(fmt.Sprintf("As of %s. 🔴 red, 🟠 amber, 🟢 green, 🔵 complete. On target means complete or green.", e.today.UK()))}
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

func (h *Handler) measure(ctx context.Context, e *env, userID string, cmd *Command) (actionbot.Message, error) {
	if ok, err := h.isCoordinator(ctx, userID); err != nil {
		return actionbot.Message{}, err
	} else if !ok {
		return actionbot.Message{}, actionbot.Errorf(actionbot.EUNAUTHORIZED, "Only a coordinator can record success measures. Ask %s.", h.coordinatorsText(ctx).Plain())
	}
	source := actionbot.CleanText(cmd.Text)
	if err := h.CheckText(source); err != nil {
		return actionbot.Message{}, err
	}
	args := cmd.Measure
	day := e.today
	if !args.AsOf.IsZero() {
		day = args.AsOf
	}
	switch {
	case day.After(e.today):
		return actionbot.Message{}, actionbot.Errorf(actionbot.EINVALID, "A figure as of %s is in the future: record a figure as of the date it stands at, on or before today (%s).", day.UK(), e.today.UK())
	case day.Before(e.plan.Period.Start):
		return actionbot.Message{}, actionbot.Errorf(actionbot.EINVALID, "A figure as of %s is before %s starts (%s): that figure belongs to an earlier plan.", day.UK(), e.plan.Name, e.plan.Period.Start.UK())
	}
	r, err := h.buildReport(ctx, e)
	if err != nil {
		return actionbot.Message{}, err
	}
	var m *actionbot.Measure
	var sum *actionbot.PrioritySummary
	for _, s := range r.Summaries {
		if s.Priority.Number != args.Priority {
			continue
		}
		sum = s
		for i := range s.Priority.Measures {
			if s.Priority.Measures[i].N == args.N {
				m = &s.Priority.Measures[i]
			}
		}
	}
	if m == nil {
		return actionbot.Message{}, actionbot.Errorf(actionbot.ENOTFOUND, "Priority %d has no measure %d. `/action report priority %d` lists its measures.", args.Priority, args.N, max(args.Priority, 1))
	}
	value, err := actionbot.ParseMeasureValue(m.Kind, args.Value)
	if err != nil {
		return actionbot.Message{}, err
	}
	latest, err := h.Store.LatestMeasureValues(ctx, e.plan.ID, e.today)
	if err != nil {
		return actionbot.Message{}, err
	}
	before := latest[fmt.Sprintf("%d.%d", m.Priority, m.N)] // the latest figure until now
	v := &actionbot.MeasureValue{Priority: m.Priority, N: m.N, Value: value, AsOf: day, Source: source, Actor: userID, At: e.now}
	if err := h.Store.RecordMeasure(ctx, v); err != nil {
		return actionbot.Message{}, err
	}
	status, actual := sum.Evaluate(*m, v)
	text := fmt.Sprintf("Recorded %s as of %s for measure %d.%d (“%s”): target %s — %s.", actual, v.AsOf.UK(), m.Priority, m.N, actionbot.Clip(m.Text, 120), m.TargetLabel(), status)
	blocks := []actionbot.Block{actionbot.Section("✅ " + text)}
	if before != nil && before.AsOf.After(day) {
		_, later := sum.Evaluate(*m, before)
		note := fmt.Sprintf("A later figure, %s as of %s, stays the latest: reports as of %s or after show that one.", later, before.AsOf.UK(), before.AsOf.UK())
		text += "\n" + note
		blocks = append(blocks, actionbot.Section(note))
	}
	return actionbot.Message{Text: text, Blocks: blocks}, nil
}
