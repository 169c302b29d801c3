package commands

import (
	"context"
	"fmt"
	"slices"

	"github.com/sevenoaks-csp/actionbot"
)

// Reminder modes.
const (
	RemindDaily  = "daily"
	RemindWeekly = "weekly"
)

// reminderStore is what the reminder commands need of the store beyond
// Store.
type reminderStore interface {
	ConfirmDeadline(ctx context.Context, planID int64, ref, actor string) (*actionbot.Action, error)
	SetReminderMode(ctx context.Context, userID, mode, actor string) error
	ConfirmedDeadlines(ctx context.Context, planID int64) (map[int64][]string, error)
}

func (h *Handler) reminderStore() (reminderStore, error) {
	rs, ok := h.Store.(reminderStore)
	if !ok {
		return nil, fmt.Errorf("the store does not keep reminder settings")
	}
	return rs, nil
}

// remind parses "remind daily|weekly".
func (p *parser) remind(c *Command, i int) error {
	switch w := p.word(i); {
	case (w == RemindDaily || w == RemindWeekly) && i+1 == len(p.toks):
		c.Mode = w
		return nil
	}
	return invalid("How often? `/action remind weekly` gets your reminders on Mondays only (what is overdue or due that week); `/action remind daily` gets each on its day.")
}

// remindMode sets how often a person gets their reminders.
func (h *Handler) remindMode(ctx context.Context, userID, mode string) (actionbot.Message, error) {
	rs, err := h.reminderStore()
	if err != nil {
		return actionbot.Message{}, err
	}
	if err := rs.SetReminderMode(ctx, userID, mode, userID); err != nil {
		return actionbot.Message{}, err
	}
	if mode == RemindWeekly {
		return actionbot.Simple("✅ Your reminders now come weekly: one message on the week's first working day with what is overdue or due that week. `/action remind daily` sends each on its day again."), nil
	}
	return actionbot.Simple("✅ Your reminders now come daily: one message on each working day something of yours is due or overdue. `/action remind weekly` sends them on Mondays only."), nil
}

// confirmDeadline is "/action 5.2 due confirm": a coordinator keeps a
// deadline that falls before the plan year, so that its overdue reminders
// go out again.
func (h *Handler) confirmDeadline(ctx context.Context, e *env, req Request, ref string) (actionbot.Message, error) {
	a, err := h.findAction(ctx, e, ref)
	if err != nil {
		return actionbot.Message{}, err
	}
	// Nothing to confirm is said to anyone, before who may confirm.
	if a.Deadline.Ongoing || a.Deadline.Due.IsZero() || !a.Deadline.Due.Before(e.plan.Period.Start) {
		return actionbot.Message{}, actionbot.Errorf(actionbot.EUNCHANGED, "%s is due %s, not before the plan year (from %s): there is nothing to confirm.",
			a.Ref, actionbot.DescribeDeadline(a.Deadline), e.plan.Period.Start.UK())
	}
	coord, err := h.isCoordinator(ctx, req.UserID)
	if err != nil {
		return actionbot.Message{}, err
	}
	if !coord {
		return actionbot.Message{}, actionbot.Errorf(actionbot.EUNAUTHORIZED, "Only a coordinator can confirm a deadline before the plan year. Ask %s, or move it to a date in the plan year: `/action %s due <date> <reason>`.",
			h.coordinatorsText(ctx).Plain(), a.Ref)
	}
	if a, err = h.reminderStoreConfirm(ctx, e, req.UserID, a.Ref); err != nil {
		return actionbot.Message{}, err
	}
	return actionbot.Simple(fmt.Sprintf("✅ %s's deadline, %s, is confirmed although it falls before the plan year: its weekly overdue reminders resume.",
		a.Ref, actionbot.DescribeDeadline(a.Deadline))), nil
}

func (h *Handler) reminderStoreConfirm(ctx context.Context, e *env, actor, ref string) (*actionbot.Action, error) {
	rs, err := h.reminderStore()
	if err != nil {
		return nil, err
	}
	return rs.ConfirmDeadline(ctx, e.plan.ID, ref, actor)
}

// homeConfirmOrMove lists, on a coordinator's App Home, the open actions
// whose deadline falls before the plan's year and that nobody has confirmed
// or moved: they get no overdue reminders until then.
func (h *Handler) homeConfirmOrMove(ctx context.Context, e *env, all []*actionbot.Action) []actionbot.Block {
	rs, err := h.reminderStore()
	if err != nil {
		return nil
	}
	confirmed, err := rs.ConfirmedDeadlines(ctx, e.plan.ID)
	if err != nil {
		h.logger().Error("home: confirmed deadlines", "err", err)
		return nil
	}
	var lines []actionbot.RichText
	for _, a := range all {
		if a.IsDone() || a.Deadline.Ongoing || a.Deadline.Due.IsZero() || !a.Deadline.Due.Before(e.plan.Period.Start) ||
			slices.Contains(confirmed[a.ID], a.Deadline.Due.String()) {
			continue
		}
		lines = append(lines, actionbot.Txt("❓ ", actionbot.B(a.Ref), " "+actionbot.Clip(a.Text, 60)+" — due "+actionbot.DescribeDeadline(a.Deadline)+": ",
			actionbot.C("/action "+a.Ref+" due "+e.ex.Deadline+" <reason>"), " or ", actionbot.C("/action "+a.Ref+" due confirm")))
	}
	if len(lines) == 0 {
		return nil
	}
	text := actionbot.Txt(actionbot.B(fmt.Sprintf("Deadline before the plan year: confirm or move it (%d)", len(lines))),
		"\nThese get no overdue reminders until their deadline is moved into the plan year or confirmed.")
	for i, l := range lines {
		if i == homeGroupItems {
			text = append(text, actionbot.Span{Text: fmt.Sprintf("\n…and %d more: ", len(lines)-i)}, actionbot.C("/action list overdue"))
			break
		}
		text = append(text, actionbot.Span{Text: "\n"})
		text = append(text, l...)
	}
	return []actionbot.Block{actionbot.Divider(), {Kind: actionbot.BlockSection, Text: text}}
}

// The help of the reminder commands, beside the others' (help.go).
