package store

import (
	"context"
	"fmt"

	"github.com/sevenoaks-csp/actionbot"
)

// ConfirmedDeadlines returns, for the actions of a plan whose deadline a
// coordinator has confirmed, the confirmed deadlines (as the ledger keys
// them, "2012-03-31") by action ID.
func (db *DB) ConfirmedDeadlines(ctx context.Context, planID int64) (map[int64][]string, error) {
	var rows []struct {
		ActionID int64  `db:"action_id"`
		Deadline string `db:"deadline"`
	}
	if err := db.ro.SelectContext(ctx, &rows, `SELECT c.action_id, c.deadline FROM deadline_confirmations c
		JOIN actions a ON a.id = c.action_id WHERE a.plan_id = ?`, planID); err != nil {
		return nil, fmt.Errorf("confirmed deadlines: %w", err)
	}
	out := make(map[int64][]string, len(rows))
	for _, r := range rows {
		out[r.ActionID] = append(out[r.ActionID], r.Deadline)
	}
	return out, nil
}

// ConfirmDeadline records that a coordinator confirms an action's current
// deadline although it falls before the plan's year, so that its overdue
// reminders go out again; the action's history says so. EUNCHANGED when it
// is already confirmed; EUNAUTHORIZED when actor does not coordinate;
// ECONFLICT for an archived plan.
func (db *DB) ConfirmDeadline(ctx context.Context, planID int64, ref, actor string) (*actionbot.Action, error) {
	var a *actionbot.Action
	err := db.adminChange(ctx, actor, "deadline confirm", ref, "", func(tx execer, now string) (bool, error) {
		if err := db.mayCoordinate(ctx, tx, actor, "confirm a deadline before the plan year"); err != nil {
			return false, err
		}
		// An archived plan is read-only: its snapshot is never reloaded.
		if err := mustBeCurrent(ctx, tx, planID); err != nil {
			return false, err
		}
		var err error
		if a, err = findAction(ctx, tx, planID, ref); err != nil {
			return false, err
		}
		if a.Deadline.Ongoing || a.Deadline.Due.IsZero() {
			return false, actionbot.Errorf(actionbot.EINVALID, "%s has no due date to confirm (it is %s).", a.Ref, actionbot.DescribeDeadline(a.Deadline))
		}
		r, err := tx.ExecContext(ctx, `INSERT INTO deadline_confirmations (action_id, deadline, confirmed_by, confirmed_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (action_id, deadline) DO NOTHING`, a.ID, a.Deadline.Due.String(), actor, now)
		if err != nil {
			return false, fmt.Errorf("confirm the deadline of %s: %w", ref, err)
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return false, actionbot.Errorf(actionbot.EUNCHANGED, "%s's deadline, %s, is already confirmed.", a.Ref, actionbot.DescribeDeadline(a.Deadline))
		}
		e := &actionbot.AuditEntry{ActionID: a.ID, Ref: a.Ref, Actor: actor, Verb: actionbot.VerbNote,
			Note: "Deadline " + actionbot.DescribeDeadline(a.Deadline) + " confirmed, although it falls before the plan year."}
		if err := insertAudit(ctx, tx, e, now); err != nil {
			return false, err
		}
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	db.changed()
	return a, nil
}
