package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
)

// noLeadReview begins the review flag an import gives an action whose plan
// names no lead (planfile): setting a lead answers it.
const noLeadReview = "No lead:"

// SetLead replaces the lead agencies of action ref of the current plan, on
// a coordinator's word: the plans of other partnerships often name none.
// The change is audited (verb lead, field "lead" from → to); an action
// flagged for having no lead loses the flag, audited with it. EINVALID for
// no lead or for All Partners as one, ENOTFOUND for an agency the database
// does not have, EUNCHANGED when those already lead it, EUNAUTHORIZED
// unless actor coordinates. It returns the action as changed and the entry.
func (db *DB) SetLead(ctx context.Context, planID int64, ref string, lead []actionbot.Party, actor string) (*actionbot.Action, *actionbot.AuditEntry, error) {
	if len(lead) == 0 {
		return nil, nil, actionbot.Errorf(actionbot.EINVALID, "Name the agency that leads %s.", ref)
	}
	for _, p := range lead {
		if p.Agency == actionbot.AllPartners {
			return nil, nil, actionbot.Errorf(actionbot.EINVALID, "“All Partners” cannot lead an action: name the agency that leads it, and add All Partners as a partner.")
		}
	}
	return db.changeParties(ctx, planID, ref, actor, actionbot.VerbLead, "set an action's lead agencies", func(a *actionbot.Action) ([]actionbot.Party, error) {
		return dedupeParties(lead), nil
	})
}

// AddPartners adds agencies to the partners of action ref of the current
// plan (a coordinator's change, audited as partners from → to); a partner
// already named keeps its place, taking the role given if one is.
// EUNCHANGED when all are partners already; EINVALID for one that leads
// the action.
func (db *DB) AddPartners(ctx context.Context, planID int64, ref string, ps []actionbot.Party, actor string) (*actionbot.Action, *actionbot.AuditEntry, error) {
	return db.changeParties(ctx, planID, ref, actor, actionbot.VerbPartners, "change an action's partners", func(a *actionbot.Action) ([]actionbot.Party, error) {
		out := slices.Clone(a.Partners)
		for _, p := range dedupeParties(ps) {
			if hasAgency(a.Lead, p.Agency) {
				return nil, actionbot.Errorf(actionbot.EINVALID, "%s leads %s: a lead is not also a partner.", p.Agency, a.Ref)
			}
			i := slices.IndexFunc(out, func(q actionbot.Party) bool { return q.Agency == p.Agency })
			switch {
			case i < 0:
				out = append(out, p)
			case p.Role != "":
				out[i].Role = p.Role
			}
		}
		if slices.Equal(out, a.Partners) {
			return nil, actionbot.Errorf(actionbot.EUNCHANGED, "Already partners on %s: %s.", a.Ref, actionbot.PartiesText(ps))
		}
		return out, nil
	})
}

// RemovePartners removes agencies (codes) from the partners of action ref
// of the current plan (a coordinator's change, audited). EUNCHANGED when
// none of them is a partner; EINVALID naming one that is not, when others
// are.
func (db *DB) RemovePartners(ctx context.Context, planID int64, ref string, codes []string, actor string) (*actionbot.Action, *actionbot.AuditEntry, error) {
	return db.changeParties(ctx, planID, ref, actor, actionbot.VerbPartners, "change an action's partners", func(a *actionbot.Action) ([]actionbot.Party, error) {
		var missing []string
		for _, c := range codes {
			if !hasAgency(a.Partners, c) {
				missing = append(missing, c)
			}
		}
		if len(missing) == len(codes) {
			return nil, actionbot.Errorf(actionbot.EUNCHANGED, "%s is not a partner on %s (its partners: %s).", actionbot.JoinAnd(missing), a.Ref, orNone(actionbot.PartiesText(a.Partners)))
		}
		if len(missing) > 0 {
			return nil, actionbot.Errorf(actionbot.EINVALID, "%s is not a partner on %s (its partners are %s): nothing was changed.",
				actionbot.JoinAnd(missing), a.Ref, orNone(actionbot.PartiesText(a.Partners)))
		}
		return slices.DeleteFunc(slices.Clone(a.Partners), func(q actionbot.Party) bool { return slices.Contains(codes, q.Agency) }), nil
	})
}

// changeParties replaces one kind of an action's parties (verb lead: its
// lead agencies, verb partners: its partners) with what next makes of the
// action as the transaction reads it, in one transaction: who may (what, in
// the refusal), the agencies exist, the parties, the review flag a lead
// answers, the audit entry, and the plan's revision, since the snapshot
// indexes the actions' parties only when it reloads whole (snapshot.go).
// An error from next refuses the change as it is; the parties unchanged
// are EUNCHANGED.
func (db *DB) changeParties(ctx context.Context, planID int64, ref, actor string, verb actionbot.Verb, what string,
	next func(*actionbot.Action) ([]actionbot.Party, error),
) (*actionbot.Action, *actionbot.AuditEntry, error) {
	kind, field := "lead", "lead"
	if verb == actionbot.VerbPartners {
		kind, field = "partner", "partners"
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback()
	if err := mustBeCurrent(ctx, tx, planID); err != nil {
		return nil, nil, err
	}
	if err := db.mayCoordinate(ctx, tx, actor, what); err != nil {
		return nil, nil, err
	}
	a, err := findAction(ctx, tx, planID, ref)
	if err != nil {
		return nil, nil, err
	}
	was := a.Lead
	if verb == actionbot.VerbPartners {
		was = a.Partners
	}
	now, err := next(a)
	if err != nil {
		return nil, nil, err
	}
	if slices.Equal(was, now) {
		if verb == actionbot.VerbLead {
			return nil, nil, actionbot.Errorf(actionbot.EUNCHANGED, "%s is led by %s already.", a.Ref, actionbot.PartiesText(was))
		}
		return nil, nil, actionbot.Errorf(actionbot.EUNCHANGED, "%s's partners are already %s.", a.Ref, orNone(actionbot.PartiesText(was)))
	}
	for _, p := range now {
		var n int
		if err := tx.GetContext(ctx, &n, `SELECT COUNT(*) FROM agencies WHERE code = ?`, p.Agency); err != nil {
			return nil, nil, fmt.Errorf("%s of %s: find agency %s: %w", field, a.Ref, p.Agency, err)
		} else if n == 0 {
			return nil, nil, actionbot.Errorf(actionbot.ENOTFOUND, "There is no agency %s.", p.Agency)
		}
	}
	e := &actionbot.AuditEntry{ActionID: a.ID, Ref: a.Ref, Actor: actor, Verb: verb,
		Changes: []actionbot.Change{{Field: field, From: actionbot.PartiesText(was), To: actionbot.PartiesText(now)}}}
	review := a.Review
	if verb == actionbot.VerbLead && strings.HasPrefix(a.Review, noLeadReview) {
		review = ""
		// Named in short: the flag's sentence would fill the history line.
		e.Changes = append(e.Changes, actionbot.Change{Field: "review", From: "No lead", To: ""})
	}
	stamp := db.now()
	if _, err := tx.ExecContext(ctx, `DELETE FROM action_parties WHERE action_id = ? AND kind = ?`, a.ID, kind); err != nil {
		return nil, nil, fmt.Errorf("%s of %s: %w", field, a.Ref, err)
	}
	for i, p := range now {
		if _, err := tx.ExecContext(ctx, `INSERT INTO action_parties (action_id, kind, position, agency, role) VALUES (?, ?, ?, ?, ?)`,
			a.ID, kind, i, p.Agency, p.Role); err != nil {
			return nil, nil, fmt.Errorf("%s of %s: add %s: %w", field, a.Ref, p.Agency, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE actions SET review = ?, updated_at = ? WHERE id = ?`, review, stamp, a.ID); err != nil {
		return nil, nil, fmt.Errorf("%s of %s: %w", field, a.Ref, err)
	}
	if err := insertAudit(ctx, tx, e, stamp); err != nil {
		return nil, nil, err
	}
	// The snapshot reloads an action's parties only with the whole plan:
	// the revision tells every process to, as an import does.
	if err := bumpPlanRevision(ctx, tx); err != nil {
		return nil, nil, err
	}
	changed, err := findAction(ctx, tx, planID, a.Ref)
	if err != nil {
		return nil, nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, nil, fmt.Errorf("%s of %s: commit: %w", field, a.Ref, err)
	}
	db.changed()
	changed.LastUpdate = e
	return changed, e, nil
}

// dedupeParties keeps the first of each agency.
func dedupeParties(ps []actionbot.Party) []actionbot.Party {
	var out []actionbot.Party
	for _, p := range ps {
		if !hasAgency(out, p.Agency) {
			out = append(out, p)
		}
	}
	return out
}

func hasAgency(ps []actionbot.Party, code string) bool {
	return slices.ContainsFunc(ps, func(p actionbot.Party) bool { return p.Agency == code })
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
