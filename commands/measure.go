package commands

import (
	"context"
	"fmt"

	"github.com/sevenoaks-csp/actionbot"
)

// measure records a success measure's figure for a quarter (coordinators
// only): /action measure, and the CLI's measure.
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
	// A figure is dated the day it is typed (not the ended plan's last day,
	// which e.today is once the year is over): it is asked to be dated.
	today := actionbot.DateOf(e.now)
	day := today
	if !args.AsOf.IsZero() {
		day = args.AsOf
	}
	switch {
	case day.After(today):
		return actionbot.Message{}, actionbot.Errorf(actionbot.EINVALID, "A figure as of %s is in the future: record a figure as of the date it stands at, on or before today (%s).", day.UK(), today.UK())
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
	if end := e.plan.Period.End; !end.IsZero() && day.After(end) {
		// Most often a figure for the year, recorded after it ended,
		// dated the day it was typed.
		note := fmt.Sprintf("⚠️ %s is after %s ended (%s). If the figure stands at the year's end, record it again as of that day: `/action measure %d %d %s as of %s`.",
			day.UK(), e.plan.Name, end.UK(), m.Priority, m.N, args.Value, end.String())
		text += "\n" + note
		blocks = append(blocks, actionbot.Section(inlineCode(note)...))
	}
	return actionbot.Message{Text: text, Blocks: blocks}, nil
}
