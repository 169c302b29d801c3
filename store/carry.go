package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
)

// CarryAction records that action ref of the current plan carries on the
// incomplete action fromRef of the earlier plan whose year is fromPlan
// ("2012-13", its period's label) or whose name it is. The action's history
// says so; the earlier plan is not changed (it stays read-only). ENOTFOUND
// for an unknown plan or action, EINVALID when the earlier action was done
// or is in the current plan, EUNCHANGED when ref already carries one. It
// returns where the action came from as people write it ("2012-13/1.3"),
// and that earlier action. Only a coordinator may (EUNAUTHORIZED).
func (db *DB) CarryAction(ctx context.Context, planID int64, ref, fromPlan, fromRef, actor string) (string, *actionbot.Action, error) {
	plans, err := db.Plans(ctx)
	if err != nil {
		return "", nil, err
	}
	var src *actionbot.Plan
	var labels []string
	for _, p := range plans {
		if p.ID == planID {
			continue
		}
		labels = append(labels, p.Period.Label())
		if strings.EqualFold(p.Period.Label(), fromPlan) || strings.EqualFold(p.Name, fromPlan) {
			src = p
		}
	}
	if src == nil {
		if len(labels) == 0 {
			return "", nil, actionbot.Errorf(actionbot.ENOTFOUND, "There is no earlier plan to carry an action from: import the next plan first (`actionbot import next-plan.csv`).")
		}
		return "", nil, actionbot.Errorf(actionbot.ENOTFOUND, "There is no earlier plan %q: the earlier plans are %s.", fromPlan, actionbot.JoinAnd(labels))
	}
	var from string
	var old *actionbot.Action
	err = db.adminChange(ctx, actor, "carry", ref, src.Period.Label()+"/"+fromRef, func(tx execer, now string) (bool, error) {
		if err := db.mayCoordinate(ctx, tx, actor, "carry an action on from an earlier plan"); err != nil {
			return false, err
		}
		var err error
		if old, err = findAction(ctx, tx, src.ID, fromRef); err != nil {
			return false, err
		}
		if old.IsDone() {
			return false, actionbot.Errorf(actionbot.EINVALID, "%s was done in %s: there is nothing to carry.", old.Ref, src.Name)
		}
		a, err := findAction(ctx, tx, planID, ref)
		if err != nil {
			return false, err
		}
		from = src.Period.Label() + "/" + old.Ref
		r, err := tx.ExecContext(ctx, `UPDATE actions SET carried_from = ?, carried_from_id = ? WHERE id = ? AND carried_from = ''`, from, old.ID, a.ID)
		if err != nil {
			return false, fmt.Errorf("carry %s into %s: %w", from, ref, err)
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return false, actionbot.Errorf(actionbot.EUNCHANGED, "%s already carries on an earlier action.", a.Ref)
		}
		e := &actionbot.AuditEntry{ActionID: a.ID, Ref: a.Ref, Actor: actor, Verb: actionbot.VerbNote,
			Note: fmt.Sprintf("Carried from %s, where it was %s at %d%%: its history there is in /action %s history.", from, old.Status.Label(), old.Progress, a.Ref)}
		if err := insertAudit(ctx, tx, e, now); err != nil {
			return false, err
		}
		return true, nil
	})
	if err != nil {
		return "", nil, err
	}
	db.changed()
	return from, old, nil
}

// CarriedFrom returns where an action was carried from ("2012-13/1.3") and
// that earlier action; "" and nil when it was not carried.
func (db *DB) CarriedFrom(ctx context.Context, actionID int64) (string, *actionbot.Action, error) {
	var row struct {
		From   string        `db:"carried_from"`
		FromID sql.NullInt64 `db:"carried_from_id"`
	}
	err := db.ro.GetContext(ctx, &row, `SELECT carried_from, carried_from_id FROM actions WHERE id = ?`, actionID)
	if errors.Is(err, sql.ErrNoRows) || err == nil && (row.From == "" || !row.FromID.Valid) {
		return "", nil, nil
	} else if err != nil {
		return "", nil, fmt.Errorf("carried from: %w", err)
	}
	var src struct {
		PlanID int64  `db:"plan_id"`
		Ref    string `db:"ref"`
	}
	if err := db.ro.GetContext(ctx, &src, `SELECT plan_id, ref FROM actions WHERE id = ?`, row.FromID.Int64); err != nil {
		return "", nil, fmt.Errorf("carried from %s: %w", row.From, err)
	}
	old, err := findAction(ctx, db.ro, src.PlanID, src.Ref)
	if err != nil {
		return "", nil, err
	}
	return row.From, old, nil
}
