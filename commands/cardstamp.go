package commands

import (
	"context"
	"weak"

	"github.com/sevenoaks-csp/actionbot"
)

// CardStamp is everything the answer to a look-up of one action
// ("/action 5.2") depends on, so that an adapter may keep the answer it
// encoded and give it again while the stamp is the same: two equal stamps
// (==) mean byte for byte the same card.
//
// The card shows the action (the store's snapshot never changes an action
// it holds: a change, a snooze, a note's redaction or an import puts a new
// *Action in its place, so the stamp holds which one, weakly; its latest
// audit entry and update time are kept as well), the plan's name,
// priorities and agency directory (a new *Directory whenever the plan's
// revision moves: an import, a coordinator's change, a redaction), the day
// it is read on (overdue and days-left wording, an ended plan), and what
// the instant decides beyond the day: whether the snooze still holds, and
// the rating (an ongoing action dated by its last activity). The rules and
// the time zone are the Handler's own, fixed for its life. Who asks does
// not change a card.
type CardStamp struct {
	// ActionID is the action shown.
	ActionID int64
	// Ref is the id of the action shown, as the plan writes it.
	Ref string
	// The action and the directory are held weakly: a kept stamp does not
	// keep an earlier snapshot's action alive (an import lets go of the
	// old snapshot before it builds the new one), and a weak pointer is
	// never equal to one made from another object, even at the same
	// address once the first is gone.
	action  weak.Pointer[actionbot.Action]
	audit   int64 // the latest audit entry's id, 0 with none
	updated int64 // the action's UpdatedAt, in Unix nanoseconds
	dir     weak.Pointer[actionbot.Directory]
	planID  int64
	today   actionbot.Date
	snoozed bool
	public  bool
	rag     actionbot.RAG
	why     string
}

// SamePlan reports whether t was taken on the same revision of the plan as
// s (the same directory).
func (s CardStamp) SamePlan(t CardStamp) bool { return s.dir == t.dir }

// sharedStore gives the store's own action, not a copy: its pointer is its
// revision (store.DB.SharedAction).
type sharedStore interface {
	SharedPlan(ctx context.Context) (*actionbot.Plan, *actionbot.Directory, error)
	SharedAction(ctx context.Context, planID int64, ref string) (*actionbot.Action, error)
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
	plan, dir, err := ss.SharedPlan(ctx)
	if err != nil {
		return CardStamp{}, false
	}
	a, err := ss.SharedAction(ctx, plan.ID, cmd.Ref)
	if err != nil || a.CarriedFrom != "" {
		return CardStamp{}, false
	}
	// The day as read, not as the card reads it (env: an ended plan reads
	// on its last day): a stamp that moves more often than the card is
	// only a card built again.
	now := h.now().In(h.loc())
	today := actionbot.DateOf(now)
	rating := h.rules().Assess(a, plan.Period.Start, today, now)
	s := CardStamp{ActionID: a.ID, Ref: a.Ref, action: weak.Make(a), updated: a.UpdatedAt.UnixNano(), dir: weak.Make(dir), planID: plan.ID,
		today: today, snoozed: !a.IsDone() && a.SnoozedUntil.After(now), public: cmd.Share,
		rag: rating.RAG, why: rating.Why}
	if a.LastUpdate != nil {
		s.audit = a.LastUpdate.ID
	}
	return s, true
}
