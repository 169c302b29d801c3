package commands

import (
	"context"

	"github.com/sevenoaks-csp/actionbot"
)

// Undo: "/action 5.2 undo", or the Undo button on a change's confirmation,
// reverses the person's last change to the action (a coordinator's: the
// action's last change, whoever made it) within 24 hours. It is a change
// like any other: the same permission check (a lead's or a coordinator's),
// the same transaction, audited under the verb undo with the old values put
// back and a note naming what it reversed ("undo of progress 0% → 60% by
// @U1, 09:12"). The rules are actionbot.UndoTarget's: nothing to undo, more
// than 24 hours old, someone else's change since, an import, or an undo
// (an undo is not undone: the change is made again) are refused with the
// reason.

// withTrail gives an op what it needs of the action's audit trail: a
// reopen, the progress before the action was done; an undo, the entries it
// reverses (refused here with the reason when there are none it may).
func (h *Handler) withTrail(ctx context.Context, e *env, a *actionbot.Action, userID string, coordinator bool, op *actionbot.Op) error {
	if op.Verb != actionbot.VerbReopen && op.Verb != actionbot.VerbUndo {
		return nil
	}
	trail, err := h.Store.History(ctx, e.plan.ID, a.Ref, 0)
	if err != nil {
		return err
	}
	op.Trail = trail
	if op.Verb == actionbot.VerbUndo {
		targets, err := actionbot.UndoTarget(trail, a.Ref, userID, coordinator, e.now)
		if err != nil {
			return err
		}
		op.Undo = targets
	}
	return nil
}

// undoConfirmation says what an undo did: "Undone on 5.2: progress 0% →
// 60% by @U1, 09:12; it is now at 0%, …".
func undoConfirmation(a *actionbot.Action, entry *actionbot.AuditEntry, now string) actionbot.RichText {
	what := entry.Note
	if len(what) > len("undo of ") && what[:len("undo of ")] == "undo of " {
		what = what[len("undo of "):]
	}
	return actionbot.Txt("Undone on ", actionbot.B(a.Ref), ": ", what, now)
}

// addUndoButton puts an Undo button on the confirmation of a change that
// can be undone: beside the card's buttons for the action, or in a row of
// its own after the confirmation line. An undo's own confirmation has none.
func addUndoButton(msg *actionbot.Message, planID int64, ref string, entries []*actionbot.AuditEntry) {
	undoable := false
	for _, en := range entries {
		if en.Verb == actionbot.VerbUndo {
			return
		}
		for _, c := range en.Changes {
			undoable = undoable || c.Field != actionbot.FieldUndoes
		}
	}
	if !undoable {
		return // a note stays on the record
	}
	v := actionbot.ButtonValue(planID, ref)
	btn := actionbot.Button{Label: "Undo", Action: actionbot.ButtonUndo, Value: v}
	for i, bl := range msg.Blocks {
		if bl.Kind != actionbot.BlockActions {
			continue
		}
		for _, b := range bl.Buttons {
			if b.Value == v {
				msg.Blocks[i].Buttons = append(append([]actionbot.Button{}, bl.Buttons...), btn)
				return
			}
		}
	}
	at := min(1, len(msg.Blocks))
	msg.Blocks = append(msg.Blocks[:at], append([]actionbot.Block{actionbot.Buttons(btn)}, msg.Blocks[at:]...)...)
}
