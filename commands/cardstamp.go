package commands

import (
	"context"

	"github.com/sevenoaks-csp/actionbot"
)

// CardStamp is everything the answer to a look-up of one action
// ("/action 5.2") depends on, so that an adapter may keep the answer it
// encoded and give it again while the stamp is the same: two equal stamps
// (==) mean byte for byte the same card.
//
// The card shows the action (within one revision of the plan, an action
// is what its latest audit entry made it: the store puts a new version in
// place only for a new entry of it, with a higher id; its update time is
// kept as well), the plan's name, priorities and agency directory (the
// plan's revision: an import, a coordinator's change, a redaction), the
// day it is read on (overdue and days-left wording, an ended plan), and
// what the instant decides beyond the day: whether the snooze still holds,
// and the rating (an ongoing action dated by its last activity). The rules
// and the time zone are the Handler's own, fixed for its life. Who asks
// does not change a card. A stamp holds no pointer: a kept one keeps
// nothing of an earlier snapshot alive.
type CardStamp struct {
	// ActionID is the action shown.
	ActionID int64
	// Ref is the id of the action shown, as the plan writes it.
	Ref     string
	audit   int64 // the latest audit entry's id, 0 with none
	updated int64 // the action's UpdatedAt, in Unix nanoseconds
	planRev int64
	planID  int64
	today   actionbot.Date
	snoozed bool
	public  bool
	rag     actionbot.RAG
	why     string
}

// SamePlan reports whether t was taken on the same revision of the plan as
// s.
func (s CardStamp) SamePlan(t CardStamp) bool { return s.planRev == t.planRev && s.planID == t.planID }

// sharedStore gives the store's own plan and action, not copies, with the
// plan's revision they are of (store.DB.SharedPlan, SharedAction).
type sharedStore interface {
	SharedPlan(ctx context.Context) (*actionbot.Plan, int64, error)
	SharedAction(ctx context.Context, planID int64, ref string) (*actionbot.Action, int64, error)
}

// CardStamp returns the stamp of the card that Do would answer cmd with,
// when cmd looks up one action of the current plan and nothing else; ok is
// false for any other command, for an action not found (Do words the
// refusal), and for a card that reads more than the stamp holds (an action
// carried from an earlier plan shows that plan's action too).
func (h *Handler) CardStamp(ctx context.Context, cmd *Command) (CardStamp, bool) {
	if cmd.Verb != actionbot.VerbShow || cmd.Ref == "" || cmd.Plan != 0 {
		return CardStamp{}, false
	}
	ss, ok := h.Store.(sharedStore)
	if !ok {
		return CardStamp{}, false
	}
	plan, rev, err := ss.SharedPlan(ctx)
	if err != nil {
		return CardStamp{}, false
	}
	a, snapRev, err := ss.SharedAction(ctx, plan.ID, cmd.Ref)
	if err != nil || snapRev != rev || a.CarriedFrom != "" {
		// Not found (Do words it), the plan moved between the two reads,
		// or a card that reads an earlier plan too.
		return CardStamp{}, false
	}
	// The day as read, not as the card reads it (env: an ended plan reads
	// on its last day): a stamp that moves more often than the card is
	// only a card built again.
	now := h.now().In(h.loc())
	today := actionbot.DateOf(now)
	rating := h.rules().Assess(a, plan.Period.Start, today, now)
	s := CardStamp{ActionID: a.ID, Ref: a.Ref, updated: a.UpdatedAt.UnixNano(), planRev: rev, planID: plan.ID,
		today: today, snoozed: !a.IsDone() && a.SnoozedUntil.After(now), public: cmd.Share,
		rag: rating.RAG, why: rating.Why}
	if a.LastUpdate != nil {
		s.audit = a.LastUpdate.ID
	}
	return s, true
}
