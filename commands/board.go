package commands

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/report"
)

// reAsOf is "as of", "as at" or "asof" before a date.
var reAsOf = regexp.MustCompile(`(?i)^(?:as\s+(?:of|at)|asof|on)\s+(.+)$`)

// parseHistoryAsOf reads "as of 2012-12-31" after "/action 5.2 history":
// a date ("2012-12-31", "31/12/2012", "31 December 2012") or a month
// ("December 2012", its last day). Its refusals show a day of the current
// plan's year, ex's AsOf; with no examples given, the shipped plan's.
func parseHistoryAsOf(c *Command, rest string, ex ...actionbot.Examples) error {
	e := actionbot.ExamplesOf(nil, nil, nil)
	if len(ex) > 0 {
		e = ex[0]
	}
	m := reAsOf.FindStringSubmatch(strings.TrimSpace(rest))
	if m == nil {
		return invalid("`/action %s history` takes a date to show the action as it stood then: `/action %s history as of %s`.", c.Ref, c.Ref, e.AsOf)
	}
	d, err := actionbot.ParseDeadline(m[1])
	if err != nil || d.Ongoing {
		return invalid("%q is not a date: `/action %s history as of %s` (or %s, or %s for its last day).", m[1], c.Ref, e.AsOf, ukDate(e.AsOf), monthOf(e.AsOf))
	}
	c.AsOf = d.Due
	return nil
}

// ukDate writes an ISO date the way the plan's readers do, "31/12/2012";
// anything else as it is.
func ukDate(iso string) string {
	d, err := actionbot.ParseISODate(iso)
	if err != nil {
		return iso
	}
	return fmt.Sprintf("%02d/%02d/%04d", d.Day, int(d.Month), d.Year)
}

// monthOf names the month of an ISO date, "December 2012"; "" for anything
// else.
func monthOf(iso string) string {
	d, err := actionbot.ParseISODate(iso)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%s %d", d.Month, d.Year)
}

// parseReportQuarter reads what follows "/action report quarter": nothing
// (the latest quarter over) or a quarter, "2012-Q3". The quarter is read
// when the command runs (reportQuarter), where a refusal can show one of
// the current plan's own.
func parseReportQuarter(c *Command, rest string) error {
	rest = strings.TrimSpace(rest)
	if rest == "" || strings.EqualFold(rest, "last") {
		c.Quarter = "last"
		return nil
	}
	c.Quarter = rest
	return nil
}

// parseQuarter reads a quarter as "report quarter" takes it; its refusal
// shows ex's quarter, one of the current plan's year.
func parseQuarter(s string, ex actionbot.Examples) (actionbot.Quarter, error) {
	q, err := actionbot.ParseQuarter(s)
	if err == nil {
		return q, nil
	}
	eq, exErr := actionbot.ParseQuarter(ex.Quarter)
	if exErr != nil {
		return q, err
	}
	p := eq.Period()
	fy := actionbot.Period{Start: actionbot.D(eq.Year, time.April, 1), End: actionbot.D(eq.Year+1, time.March, 31)}.Label()
	return q, actionbot.Errorf(actionbot.EINVALID, "%q is not a quarter: write the financial year's first year and the quarter, for example %s (%s to %s %d; Q1 is April to June), or %s Q%d.",
		s, eq, p.Start.Month, p.End.Month, p.End.Year, fy, eq.N)
}

// reportQuarter gives the headline of a quarter: the latest one over, or
// the one asked for. A coordinator, where papers are made, is told the
// board paper follows.
func (h *Handler) reportQuarter(ctx context.Context, e *env, userID, which string) (actionbot.Message, error) {
	r, err := h.buildQuarter(ctx, e, which)
	if err != nil {
		return actionbot.Message{}, err
	}
	msg := report.QuarterMessage(r, "")
	if h.WantsPaper(ctx, userID, &Command{Verb: actionbot.VerbReport, Quarter: which}) {
		msg.Blocks = append(msg.Blocks, actionbot.Context("The board paper (PDF) follows in a direct message."))
	}
	return msg, nil
}

// buildQuarter builds the quarterly report of the quarter asked for: the
// latest one over ("last"), or one written as 2012-Q3.
func (h *Handler) buildQuarter(ctx context.Context, e *env, which string) (*report.Report, error) {
	st, ok := h.Store.(report.QuarterStore)
	if !ok {
		return nil, fmt.Errorf("quarterly report: the store cannot read the audit trail and the measures' figures")
	}
	q := actionbot.QuarterOf(e.today).Previous()
	if which != "last" {
		var err error
		if q, err = parseQuarter(which, e.ex); err != nil {
			return nil, err
		}
	}
	return report.BuildQuarter(ctx, st, e.plan, q, e.now, report.Options{Rules: h.rules(), Produced: e.now})
}

// historyAsOf shows an action as it stood at the end of a day (or now,
// for today), rebuilt from its audit trail by actionbot.ReplayAction, with
// the changes made up to then.
func (h *Handler) historyAsOf(ctx context.Context, e *env, ref string, day actionbot.Date) (actionbot.Message, error) {
	a, err := h.findAction(ctx, e, ref)
	if err != nil {
		return actionbot.Message{}, err
	}
	at, err := report.Instant(day, e.now)
	if err != nil {
		return actionbot.Message{}, err
	}
	if !actionbot.InPlanAt(e.plan, a, at) {
		return actionbot.Message{}, actionbot.Errorf(actionbot.ENOTFOUND, "%s was not in the plan on %s: it was added on %s.",
			a.Ref, day.UK(), actionbot.DateOf(a.CreatedAt.In(e.now.Location())).UK())
	}
	entries, err := h.Store.History(ctx, e.plan.ID, a.Ref, 0)
	if err != nil {
		return actionbot.Message{}, err
	}
	st := actionbot.ReplayAction(a, entries, at)
	as := h.rules().Assess(st.Action, e.plan.Period.Start, day, at)
	loc := e.now.Location()
	status := capitalise(st.Status.Label())
	if st.Reason != "" {
		status += ": " + st.Reason
	}
	deadline := actionbot.DescribeDeadline(st.Deadline)
	if st.Moved() {
		deadline += " (moved; plan: " + actionbot.DescribeDeadline(st.Original) + ")"
	}
	body := actionbot.Txt(actionbot.B("Status"), " "+actionbot.Clip(status, 300),
		"\n", actionbot.B("Progress"), fmt.Sprintf(" %d%%", st.Progress),
		"\n", actionbot.B("Deadline"), " "+deadline,
		"\n", actionbot.B("RAG"), " "+as.RAG.Emoji()+" "+as.RAG.Label()+" — "+actionbot.Clip(as.Why, 200))
	if st.Note != nil {
		body = append(body, actionbot.Txt("\n", actionbot.B("Latest note"), " ("+actionbot.DateOf(st.Note.At.In(loc)).UK()+") “"+actionbot.Clip(st.Note.Note, 300)+"”")...)
	}
	blocks := []actionbot.Block{actionbot.Header(fmt.Sprintf("%s as it stood on %s", a.Ref, day.UK())), actionbot.Context(actionbot.Clip(st.Text, 200)),
		{Kind: actionbot.BlockSection, Text: body}}
	var lines []actionbot.RichText
	for _, en := range entries { // newest first
		if en.At.After(at) {
			continue
		}
		if len(lines) == 10 {
			break
		}
		line := actionbot.Txt(actionbot.B(en.At.In(loc).Format("2 Jan 2006 15:04")), " ", actionbot.ActorSpan(en.Actor), " — ", en.SummaryIn(loc))
		if en.Note != "" {
			line = append(line, actionbot.Txt(": “", actionbot.Clip(en.Note, 300), "”")...)
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		blocks = append(blocks, actionbot.Section("No changes by then: it stood as the plan agreed it."))
	}
	blocks = append(blocks, linesBlocks(lines)...)
	blocks = append(blocks, actionbot.Context(fmt.Sprintf("As recorded by the partners on %s. `/action %s history` lists every change since.", day.UK(), a.Ref)))
	return actionbot.Message{Text: fmt.Sprintf("%s as it stood on %s", a.Ref, day.UK()), Blocks: blocks}, nil
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
