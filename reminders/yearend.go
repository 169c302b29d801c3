package reminders

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// YearEndWindow is how many days after a plan's period ends its year-end
// review may still go out: a bot first started long after (to look at an
// old plan) does not post a review of a year long gone.
const YearEndWindow = 14

// yearEndDay is the first working day after a plan's period ends.
func (s *Service) yearEndDay(plan *actionbot.Plan) actionbot.Date {
	return s.Rules.Calendar.NextWorkingDay(plan.Period.End)
}

// PlanEndedText is the console's one line that says a plan has ended and
// how to try it as it was: within a first screen's width (160 columns)
// for the shipped plan's name. The weekly notice says how to load the
// next plan (endedNotice).
func PlanEndedText(plan *actionbot.Plan) string {
	return fmt.Sprintf("%s ended on %s: it gets no more reminders. Try it as it was with `actionbot -as-of %sT08:29`.",
		plan.Name, dayText(plan.Period.End), TryAsOf(plan))
}

// ClockNote is the line under the console's banner: the clock it runs on
// when it is an -as-of clock (asOf), which starts at now and runs
// forward; else, when the plan's year is over at now, that it has ended
// and how to try it as it was (PlanEndedText); "" otherwise.
func ClockNote(now time.Time, plan *actionbot.Plan, asOf bool) string {
	switch {
	case asOf:
		return "The clock starts at " + WhenText(now) + " and runs forward: the digest and the reminders go out on that day's timetable, from the plan as it is now."
	case actionbot.DateOf(now).After(plan.Period.End):
		return PlanEndedText(plan)
	}
	return ""
}

// TryAsOf is a morning in the middle of a plan's year to try it as it was:
// a Monday about seven months in (5 November 2012 for the 2012-13 plan).
func TryAsOf(plan *actionbot.Plan) actionbot.Date {
	d := plan.Period.Start.AddDays(7 * 31)
	for d.Weekday() != time.Monday {
		d = d.AddDays(1)
	}
	return d
}

// yearEnd sends, on the first working day after the plan's period ends
// (or a sweep within YearEndWindow days of it), once: the year-end review
// to the tasking channel, and to each member of each lead agency one
// message listing their incomplete actions. All in one transaction with
// the record that it went.
func (s *Service) yearEnd(ctx context.Context, run *Run) error {
	e, err := s.load(ctx, run.At)
	if err != nil {
		return err
	}
	first := s.yearEndDay(e.plan)
	if e.today.Before(first) || first.DaysUntil(e.today) > YearEndWindow {
		s.logger().Info("reminder sweep: the plan has ended; nothing sent", "day", e.today.String(), "plan_ended", e.plan.Period.End.String())
		return nil
	}
	if done, err := s.Store.NoticeRecorded(ctx, e.plan.ID, "year-end"); err != nil || done {
		return err
	}
	msgs, err := s.YearEndMessages(ctx, e)
	if err != nil {
		return err
	}
	ok, err := s.Store.RecordNotice(ctx, e.plan.ID, "year-end", e.today, msgs)
	if err != nil {
		return fmt.Errorf("year-end review: %w", err)
	}
	if ok {
		run.YearEnd = msgs
		s.logger().Info("year-end review queued", "plan", e.plan.Name, "messages", len(msgs))
	}
	return nil
}

// YearEndMessages builds the year-end review and the lead agencies'
// members' lists of incomplete actions.
func (s *Service) YearEndMessages(ctx context.Context, e *env) ([]*actionbot.Outgoing, error) {
	actions, err := s.Store.FindActions(ctx, actionbot.ActionFilter{PlanID: e.plan.ID})
	if err != nil {
		return nil, err
	}
	latest, err := s.Store.LatestMeasureValues(ctx, e.plan.ID, e.plan.Period.End)
	if err != nil {
		return nil, err
	}
	ppl, err := s.people(ctx)
	if err != nil {
		return nil, err
	}
	end := e.plan.Period.End
	endAt := end.AddDays(1).In(s.Rules.Location)
	sums := actionbot.Summarize(s.rag(), e.plan, e.priorities, actions, end, endAt)
	done, incomplete := 0, 0
	rag := map[actionbot.RAG]int{}
	var lines, prio []actionbot.RichText
	rating := map[int64]actionbot.RAG{}
	for _, ps := range sums {
		met, notMet, noData := 0, 0, 0
		for _, m := range ps.Priority.Measures {
			switch st, _ := ps.Evaluate(m, latest[actionbot.MeasureKey(m.Priority, m.N)]); st {
			case actionbot.MeasureMet:
				met++
			case actionbot.MeasureNotMet:
				notMet++
			default:
				noData++
			}
		}
		for _, r := range ps.Actions {
			rating[r.ID] = r.RAG
			if r.IsDone() {
				done++
				continue
			}
			incomplete++
			rag[r.RAG]++
			lines = append(lines, actionbot.Txt(r.RAG.Emoji()+" ", actionbot.B(r.Ref), " "+actionbot.Clip(r.Text, 80)+" — "+leadLabel(e.dir, r.Action)+
				fmt.Sprintf(" — %s, %d%%", r.Status.Label(), r.Progress)+afterYear(r.Action, end)))
		}
		if ps.Total() == 0 && len(ps.Priority.Measures) == 0 {
			continue
		}
		var parts []string
		if ps.Total() > 0 {
			parts = append(parts, fmt.Sprintf("%d of %d done", ps.Counts[actionbot.RAGComplete], ps.Total()))
		}
		if len(ps.Priority.Measures) > 0 {
			parts = append(parts, fmt.Sprintf("measures: %d met, %d not met, %d with no figure", met, notMet, noData))
		}
		line := actionbot.Txt(actionbot.B(strconv.Itoa(ps.Priority.Number)), " "+actionbot.Clip(ps.Priority.Title, 60)+": "+strings.Join(parts, " — "))
		prio = append(prio, line)
	}
	var counts []string
	for _, r := range []actionbot.RAG{actionbot.RAGRed, actionbot.RAGAmber, actionbot.RAGGreen} {
		counts = append(counts, fmt.Sprintf("%s %d %s", r.Emoji(), rag[r], r.Label()))
	}
	blocks := []actionbot.Block{
		actionbot.Header("Year-end review — " + e.plan.Name),
		actionbot.Section(fmt.Sprintf("The plan's year ended on %s. Of its %s, %d %s done and %d %s not: %s.", dayText(end),
			actionbot.Plural(len(actions), "action"), done, isAre(done), incomplete, isAre(incomplete), strings.Join(counts, " · "))),
	}
	if len(prio) > 0 {
		blocks = append(blocks, listBlocks("By priority", prio, "/action report")...)
	}
	if len(lines) > 0 {
		blocks = append(blocks, listBlocks(fmt.Sprintf("Incomplete (%d)", len(lines)), lines, "/action list open")...)
	}
	blocks = append(blocks, actionbot.Context("Reminders for this plan have stopped. Load the next plan with ", actionbot.C("actionbot import next-plan.csv"),
		"; a coordinator can then carry an incomplete action into it: ", actionbot.C("/action admin carry "+e.plan.Period.Label()+"/1.3 to 1.3"), "."))
	review := &actionbot.Outgoing{Key: fmt.Sprintf("year-end:%d:%s", e.plan.ID, s.TaskingChannel), Kind: "year-end", To: s.TaskingChannel,
		Message: actionbot.Message{Text: fmt.Sprintf("Year-end review of %s: %d done, %d incomplete", e.plan.Name, done, incomplete), Blocks: blocks, Public: true}}
	var out []*actionbot.Outgoing
	if s.TaskingChannel != "" {
		out = append(out, review)
	} else {
		s.logger().Warn("the year-end review has no tasking channel to go to: set ACTIONBOT_TASKING_CHANNEL")
	}

	mine := map[string][]actionbot.RichText{}
	firstRef := map[string]string{}
	var order []string
	for _, a := range actions {
		if a.IsDone() {
			continue
		}
		_, ids, _, _ := leadsOf(a, ppl)
		for _, id := range ids {
			if _, seen := mine[id]; !seen {
				order = append(order, id)
				firstRef[id] = a.Ref
			}
			mine[id] = append(mine[id], actionbot.Txt(rating[a.ID].Emoji()+" ", actionbot.B(a.Ref), " "+actionbot.Clip(a.Text, 80)+
				fmt.Sprintf(" — %s, %d%%", a.Status.Label(), a.Progress)+afterYear(a, end)))
		}
	}
	slices.Sort(order)
	for _, id := range order {
		ls := mine[id]
		blocks := []actionbot.Block{
			actionbot.Header("Your incomplete actions — " + e.plan.Name),
			actionbot.Section(fmt.Sprintf("The plan's year ended on %s with %s of yours incomplete. Those due within the year get no more reminders; say where each stands with a note (`/action %s note <where it got to>`) so the next plan can pick it up.",
				dayText(end), actionbot.Plural(len(ls), "action"), firstRef[id])),
		}
		blocks = append(blocks, listBlocks("Incomplete", ls, "/action mine")...)
		out = append(out, &actionbot.Outgoing{Key: fmt.Sprintf("year-end:%d:%s", e.plan.ID, id), Kind: "year-end", To: id,
			Message: actionbot.Message{Text: fmt.Sprintf("%s has ended with %s of yours incomplete", e.plan.Name, actionbot.Plural(len(ls), "action"))}})
		out[len(out)-1].Message.Blocks = blocks
	}
	return out, nil
}

// afterYear flags an action due after the plan's year for carry-over:
// " — due Sun 30 Jun 2013, after the year: still reminded; carry it over".
func afterYear(a *actionbot.Action, end actionbot.Date) string {
	if a.Deadline.Ongoing || !a.Deadline.Due.After(end) {
		return ""
	}
	return " — due " + dayText(a.Deadline.Due) + ", after the year: still reminded; carry it over"
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// endedNotice is the short weekly notice that replaces the digest once the
// plan has ended.
func (s *Service) endedNotice(e *env) actionbot.Message {
	text := fmt.Sprintf("%s ended on %s: it gets no more reminders. Load the next plan with `actionbot import next-plan.csv`.", e.plan.Name, dayText(e.plan.Period.End))
	return actionbot.Message{Text: text, Public: true, Blocks: []actionbot.Block{
		actionbot.Section("🏁 ", actionbot.B(e.plan.Name), fmt.Sprintf(" ended on %s: its actions get no more reminders, and this weekly notice stands in for the daily digest until the next plan is loaded.", dayText(e.plan.Period.End))),
		actionbot.Context("Load the next plan with ", actionbot.C("actionbot import next-plan.csv"), "; ", actionbot.C("/action report"), " still shows how the year ended."),
	}}
}
