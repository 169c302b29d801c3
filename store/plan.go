package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
)

type planRow struct {
	ID          int64  `db:"id"`
	Name        string `db:"name"`
	PeriodStart string `db:"period_start"`
	PeriodEnd   string `db:"period_end"`
	IsCurrent   bool   `db:"is_current"`
	CreatedAt   string `db:"created_at"`
	UpdatedAt   string `db:"updated_at"`
}

func (r *planRow) plan() (*actionbot.Plan, error) {
	p := &actionbot.Plan{ID: r.ID, Name: r.Name, Current: r.IsCurrent}
	var err error
	if p.Period.Start, err = actionbot.ParseISODate(r.PeriodStart); err != nil {
		return nil, fmt.Errorf("plan %d: %w", r.ID, err)
	}
	if p.Period.End, err = actionbot.ParseISODate(r.PeriodEnd); err != nil {
		return nil, fmt.Errorf("plan %d: %w", r.ID, err)
	}
	if p.CreatedAt, err = parseTime(r.CreatedAt); err != nil {
		return nil, fmt.Errorf("plan %d: %w", r.ID, err)
	}
	if p.UpdatedAt, err = parseTime(r.UpdatedAt); err != nil {
		return nil, fmt.Errorf("plan %d: %w", r.ID, err)
	}
	return p, nil
}

const planColumns = `id, name, period_start, period_end, is_current, created_at, updated_at`

func currentPlan(ctx context.Context, q queryer) (*actionbot.Plan, error) {
	var r planRow
	err := q.GetContext(ctx, &r, `SELECT `+planColumns+` FROM plans WHERE is_current = 1`)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, actionbot.Errorf(actionbot.ENOTFOUND, "No plan has been loaded yet.")
	} else if err != nil {
		return nil, fmt.Errorf("current plan: %w", err)
	}
	return r.plan()
}

// Plans returns every plan, newest period first.
func (db *DB) Plans(ctx context.Context) ([]*actionbot.Plan, error) {
	var rows []planRow
	if err := db.ro.SelectContext(ctx, &rows, `SELECT `+planColumns+` FROM plans ORDER BY period_start DESC`); err != nil {
		return nil, fmt.Errorf("list plans: %w", err)
	}
	out := make([]*actionbot.Plan, 0, len(rows))
	for i := range rows {
		p, err := rows[i].plan()
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func priorities(ctx context.Context, q queryer, planID int64) ([]*actionbot.Priority, error) {
	var rows []struct {
		Number  int    `db:"number"`
		Title   string `db:"title"`
		Channel string `db:"channel"`
	}
	if err := q.SelectContext(ctx, &rows, `SELECT number, title, channel FROM priorities WHERE plan_id = ? ORDER BY number`, planID); err != nil {
		return nil, fmt.Errorf("list priorities of plan %d: %w", planID, err)
	}
	var ms []struct {
		Priority int             `db:"priority"`
		N        int             `db:"n"`
		Text     string          `db:"text"`
		Kind     string          `db:"kind"`
		Target   sql.NullFloat64 `db:"target"`
	}
	if err := q.SelectContext(ctx, &ms, `SELECT priority, n, text, kind, target FROM measures WHERE plan_id = ? ORDER BY priority, n`, planID); err != nil {
		return nil, fmt.Errorf("list measures of plan %d: %w", planID, err)
	}
	out := make([]*actionbot.Priority, 0, len(rows))
	byNum := map[int]*actionbot.Priority{}
	for _, r := range rows {
		p := &actionbot.Priority{Number: r.Number, Title: r.Title, Channel: r.Channel}
		out = append(out, p)
		byNum[r.Number] = p
	}
	for _, m := range ms {
		p := byNum[m.Priority]
		if p == nil {
			continue
		}
		meas := actionbot.Measure{Priority: m.Priority, N: m.N, Text: m.Text, Kind: actionbot.MeasureKind(m.Kind)}
		if m.Target.Valid {
			meas.Target = actionbot.Float(m.Target.Float64)
		}
		p.Measures = append(p.Measures, meas)
	}
	return out, nil
}

// SetPriorityChannel records where a priority's task group talks in the
// current plan; an empty channel clears it.
func (db *DB) SetPriorityChannel(ctx context.Context, number int, channel, actor string) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := db.mayCoordinate(ctx, tx, actor, "set a priority's channel"); err != nil {
		return err
	}
	plan, err := currentPlan(ctx, tx)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE priorities SET channel = ? WHERE plan_id = ? AND number = ? AND number > 0`, channel, plan.ID, number)
	if err != nil {
		return fmt.Errorf("set channel of priority %d: %w", number, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return actionbot.Errorf(actionbot.ENOTFOUND, "There is no priority %d in %s.", number, plan.Name)
	}
	if err := adminAudit(ctx, tx, db.now(), actor, "channel", "priority "+strconv.Itoa(number), channel); err != nil {
		return err
	}
	if err := bumpPlanRevision(ctx, tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("set channel of priority %d: commit: %w", number, err)
	}
	db.changed()
	return nil
}

// ImportPlan stores a plan in one transaction. A plan with the same period as
// the current one is updated in place: texts, parties, deadlines as agreed
// and funding are brought up to date (each change audited), statuses,
// progress and history are kept. A plan with a new period becomes current and
// the previous one is kept, read-only. Re-importing an archived plan is
// refused. With imp.DryRun it reports what it would do and changes nothing.
//
// An import replaces the plan's definition on its owner's word (the CLI's
// import, the shipped plan's first load); it is not a person's change to an
// action, so it is the one write that does not ask actionbot.CanChange.
func (db *DB) ImportPlan(ctx context.Context, imp *actionbot.PlanImport) (*actionbot.ImportResult, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	now := db.now()
	res := &actionbot.ImportResult{}

	var existing planRow
	err = tx.GetContext(ctx, &existing, `SELECT `+planColumns+` FROM plans WHERE period_start = ? AND period_end = ?`,
		imp.Period.Start.String(), imp.Period.End.String())
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if prev, err := currentPlan(ctx, tx); err == nil {
			res.Archived = prev
		} else if actionbot.ErrorCode(err) != actionbot.ENOTFOUND {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE plans SET is_current = 0, updated_at = ? WHERE is_current = 1`, now); err != nil {
			return nil, fmt.Errorf("import: archive current plan: %w", err)
		}
		if existing.ID, _, err = insertID(ctx, tx, `INSERT INTO plans (name, period_start, period_end, is_current, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)`,
			imp.Name, imp.Period.Start.String(), imp.Period.End.String(), now, now); err != nil {
			return nil, fmt.Errorf("import: create plan: %w", err)
		}
		res.Created = true
	case err != nil:
		return nil, fmt.Errorf("import: find plan for %s: %w", imp.Period, err)
	case !existing.IsCurrent:
		return nil, actionbot.Errorf(actionbot.ECONFLICT, "The plan for %s (%s) is archived and read-only; the current plan covers a later period.", imp.Period.Label(), existing.Name)
	default:
		if _, err := tx.ExecContext(ctx, `UPDATE plans SET name = ?, updated_at = ? WHERE id = ?`, imp.Name, now, existing.ID); err != nil {
			return nil, fmt.Errorf("import: rename plan: %w", err)
		}
	}
	planID := existing.ID

	if res.NewAgencies, err = ensureAgencies(ctx, tx, imp.Agencies, now); err != nil {
		return nil, err
	}
	if res.Retitled, err = upsertPriorities(ctx, tx, planID, imp.Priorities); err != nil {
		return nil, err
	}
	if err := upsertActions(ctx, tx, planID, imp, now, res); err != nil {
		return nil, err
	}
	summary := fmt.Sprintf("added %d, updated %d, unchanged %d, missing %d", len(res.Added), len(res.Updated), res.Unchanged, len(res.Missing))
	if _, err := tx.ExecContext(ctx, `INSERT INTO plan_imports (plan_id, at, actor, source, summary) VALUES (?, ?, ?, ?, ?)`,
		planID, now, imp.Actor, imp.Source, summary); err != nil {
		return nil, fmt.Errorf("import: record import: %w", err)
	}
	if err := bumpPlanRevision(ctx, tx); err != nil {
		return nil, err
	}
	var r planRow
	if err := tx.GetContext(ctx, &r, `SELECT `+planColumns+` FROM plans WHERE id = ?`, planID); err != nil {
		return nil, fmt.Errorf("import: reload plan: %w", err)
	}
	if res.Plan, err = r.plan(); err != nil {
		return nil, err
	}
	if imp.DryRun {
		return res, nil // rolled back: nothing changes
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("import: commit: %w", err)
	}
	db.changed()
	return res, nil
}

func upsertPriorities(ctx context.Context, tx execer, planID int64, ps []actionbot.Priority) ([]int, error) {
	var retitled []int
	hasMeasures := false
	for _, p := range ps {
		hasMeasures = hasMeasures || len(p.Measures) > 0
	}
	for _, p := range ps {
		var title string
		err := tx.GetContext(ctx, &title, `SELECT title FROM priorities WHERE plan_id = ? AND number = ?`, planID, p.Number)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if _, err := tx.ExecContext(ctx, `INSERT INTO priorities (plan_id, number, title) VALUES (?, ?, ?)`, planID, p.Number, p.Title); err != nil {
				return nil, fmt.Errorf("import: add priority %d: %w", p.Number, err)
			}
		case err != nil:
			return nil, fmt.Errorf("import: find priority %d: %w", p.Number, err)
		case title != p.Title:
			if _, err := tx.ExecContext(ctx, `UPDATE priorities SET title = ? WHERE plan_id = ? AND number = ?`, p.Title, planID, p.Number); err != nil {
				return nil, fmt.Errorf("import: retitle priority %d: %w", p.Number, err)
			}
			retitled = append(retitled, p.Number)
		}
	}
	// A CSV carries no measures: keep the ones stored. A source that has
	// measures replaces them.
	if hasMeasures {
		if _, err := tx.ExecContext(ctx, `DELETE FROM measures WHERE plan_id = ?`, planID); err != nil {
			return nil, fmt.Errorf("import: replace measures: %w", err)
		}
		for _, p := range ps {
			for _, m := range p.Measures {
				var target sql.NullFloat64
				if m.Target != nil {
					target = sql.NullFloat64{Float64: *m.Target, Valid: true}
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO measures (plan_id, priority, n, text, kind, target) VALUES (?, ?, ?, ?, ?, ?)`,
					planID, p.Number, m.N, m.Text, string(m.Kind), target); err != nil {
					return nil, fmt.Errorf("import: add measure %d.%d: %w", p.Number, m.N, err)
				}
			}
		}
	}
	return retitled, nil
}

func upsertActions(ctx context.Context, tx execer, planID int64, imp *actionbot.PlanImport, now string, res *actionbot.ImportResult) error {
	current, err := loadActions(ctx, tx, `a.plan_id = ?`, planID)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	byRef := make(map[string]*actionbot.Action, len(current))
	for _, a := range current {
		byRef[a.Ref] = a
	}
	seen := map[string]bool{}
	for _, in := range imp.Actions {
		seen[in.Ref] = true
		old, ok := byRef[in.Ref]
		if !ok {
			if err := insertAction(ctx, tx, planID, in, now); err != nil {
				return err
			}
			res.Added = append(res.Added, in.Ref)
			continue
		}
		changes := diffImported(old, in)
		if len(changes) == 0 {
			res.Unchanged++
			continue
		}
		if err := updateImported(ctx, tx, old, in, now); err != nil {
			return err
		}
		e := &actionbot.AuditEntry{ActionID: old.ID, Actor: imp.Actor, Verb: actionbot.VerbImport, Changes: changes, Note: "from " + imp.Source}
		if err := insertAudit(ctx, tx, e, now); err != nil {
			return err
		}
		res.Updated = append(res.Updated, actionbot.ActionDiff{Ref: in.Ref, Changes: changes})
	}
	if err := fileStates(ctx, tx, planID, byRef, imp, now, res); err != nil {
		return err
	}
	for _, a := range current {
		if !seen[a.Ref] {
			res.Missing = append(res.Missing, a.Ref)
		}
	}
	return nil
}

// fromThePlan is the note of the audit entry that gives an action the state
// the imported file gives it.
const fromThePlan = "from the plan"

// fileStates applies the states the file gives its actions (Imported),
// after their definitions are stored. A new action starts from its state:
// status, reason, progress, current deadline and when a person last updated
// it, recorded in its history as an import "from the plan", and its latest
// note as a note. An action the plan had already keeps its state unless
// imp.ApplyState: where the file differs it is listed in res.States, and
// applied and audited only when asked.
func fileStates(ctx context.Context, tx execer, planID int64, old map[string]*actionbot.Action, imp *actionbot.PlanImport, now string, res *actionbot.ImportResult) error {
	stated := false
	for _, in := range imp.Actions {
		stated = stated || in.Imported != nil
	}
	if !stated {
		return nil
	}
	var rows []struct {
		ID  int64  `db:"id"`
		Ref string `db:"ref"`
	}
	if err := tx.SelectContext(ctx, &rows, `SELECT id, ref FROM actions WHERE plan_id = ?`, planID); err != nil {
		return fmt.Errorf("import: find the actions' ids: %w", err)
	}
	ids := make(map[string]int64, len(rows))
	for _, r := range rows {
		ids[r.Ref] = r.ID
	}
	latest, err := latestNotes(ctx, tx, planID)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	for _, in := range imp.Actions {
		s := in.Imported
		if s == nil {
			continue
		}
		was, existed := old[in.Ref]
		if !existed {
			// As insertAction stored it: open, at the deadline agreed.
			was = &actionbot.Action{Ref: in.Ref, Status: in.Status, Progress: in.Progress, Deadline: in.Deadline}
			if was.Status == "" {
				was.Status = actionbot.StatusOpen
			}
		}
		was.ID = ids[in.Ref]
		// The deadline as the import left it: it follows the agreed one
		// unless it had been moved (updateImported).
		cur := in.Deadline
		if existed && was.Moved() {
			cur = was.Deadline
		}
		changes := stateChanges(was, s, cur, latest[was.ID])
		if existed && len(changes) > 0 {
			res.States = append(res.States, actionbot.ActionDiff{Ref: in.Ref, Changes: changes})
		}
		if existed && (!imp.ApplyState || len(changes) == 0) {
			continue
		}
		if err := applyState(ctx, tx, was, s, cur, changes, !existed, imp.Actor, now); err != nil {
			return err
		}
	}
	return nil
}

// stateChanges lists how a file's state differs from the action's: status,
// reason, progress, deadline (cur being the action's now) and note (latest
// being its latest note). A file that gives progress under 100% but no
// status reopens a done action.
func stateChanges(a *actionbot.Action, s *actionbot.ActionState, cur actionbot.Deadline, latest string) []actionbot.Change {
	var cs []actionbot.Change
	add := func(field, from, to string) {
		if from != to {
			cs = append(cs, actionbot.Change{Field: field, From: from, To: to})
		}
	}
	status, reason := s.Status, s.Reason
	if status == "" {
		status, reason = a.Status, a.Reason
		if a.IsDone() && s.Progress != nil && *s.Progress < 100 {
			status, reason = actionbot.StatusOpen, ""
		}
	}
	add("status", string(a.Status), string(status))
	add("reason", a.Reason, reason)
	if s.Progress != nil {
		add("progress", strconv.Itoa(a.Progress), strconv.Itoa(*s.Progress))
	}
	if s.Deadline != nil && *s.Deadline != cur {
		add("deadline", cur.String(), s.Deadline.String())
	}
	if s.Note != "" {
		add("note", latest, s.Note)
	}
	return cs
}

// applyState stores the changes stateChanges found, audited as an import
// from the plan, the note as a note; a new action also takes the time a
// person last updated it.
func applyState(ctx context.Context, tx execer, a *actionbot.Action, s *actionbot.ActionState, cur actionbot.Deadline, changes []actionbot.Change, isNew bool, actor, now string) error {
	status, reason, progress, deadline := a.Status, a.Reason, a.Progress, cur
	var audited []actionbot.Change
	note := ""
	for _, c := range changes {
		switch c.Field {
		case "status":
			status = actionbot.Status(c.To)
		case "reason":
			reason = c.To
		case "progress":
			progress, _ = strconv.Atoi(c.To)
		case "deadline":
			deadline = *s.Deadline
		case "note":
			note = c.To
			continue
		}
		audited = append(audited, c)
	}
	activity := nullTime(a.LastActivity)
	if isNew {
		activity = nullTime(s.Updated)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE actions SET status = ?, reason = ?, progress = ?, by_when = ?, due = ?, ongoing = ?,
		last_activity = ?, updated_at = ? WHERE id = ?`,
		string(status), reason, progress, deadline.Written, nullDate(deadline.Due), boolInt(deadline.Ongoing),
		activity, now, a.ID); err != nil {
		return fmt.Errorf("import: set the state of %s from the plan: %w", a.Ref, err)
	}
	if isNew && !s.Created.IsZero() {
		// A plan moved from another database: the action is as old as it was there.
		if _, err := tx.ExecContext(ctx, `UPDATE actions SET created_at = ? WHERE id = ?`, formatTime(s.Created), a.ID); err != nil {
			return fmt.Errorf("import: date %s as the plan does: %w", a.Ref, err)
		}
	}
	if len(audited) > 0 {
		why := fromThePlan
		if reason != "" && reason != a.Reason {
			why += ": " + reason // the reason is shown as the entry's note
		}
		e := &actionbot.AuditEntry{ActionID: a.ID, Ref: a.Ref, Actor: actor, Verb: actionbot.VerbImport, Changes: audited, Note: why}
		if err := insertAudit(ctx, tx, e, now); err != nil {
			return err
		}
	}
	if note != "" {
		e := &actionbot.AuditEntry{ActionID: a.ID, Ref: a.Ref, Actor: actor, Verb: actionbot.VerbNote, Note: note}
		if err := insertAudit(ctx, tx, e, now); err != nil {
			return err
		}
	}
	return nil
}

// diffImported lists what an import changes in an action: the plan's own
// fields, never its status, progress or a deadline moved since.
func diffImported(old, in *actionbot.Action) []actionbot.Change {
	var cs []actionbot.Change
	add := func(field, from, to string) {
		if from != to {
			cs = append(cs, actionbot.Change{Field: field, From: from, To: to})
		}
	}
	add("priority", strconv.Itoa(old.Priority), strconv.Itoa(in.Priority))
	add("text", old.Text, in.Text)
	add("lead", actionbot.PartiesText(old.Lead), actionbot.PartiesText(in.Lead))
	add("partners", actionbot.PartiesText(old.Partners), actionbot.PartiesText(in.Partners))
	add("by_when", old.Original.Written, in.Deadline.Written)
	if old.Original.Written == in.Deadline.Written && (old.Original.Due != in.Deadline.Due || old.Original.Ongoing != in.Deadline.Ongoing) {
		add("due", old.Original.Due.String(), in.Deadline.Due.String())
	}
	add("funding", old.Funding, in.Funding)
	if in.Review != "" {
		add("review", old.Review, in.Review)
	}
	if in.Notes != "" {
		add("notes", old.Notes, in.Notes)
	}
	return cs
}

func insertAction(ctx context.Context, tx execer, planID int64, a *actionbot.Action, now string) error {
	status := a.Status
	if status == "" {
		status = actionbot.StatusOpen
	}
	id, _, err := insertID(ctx, tx, `INSERT INTO actions (plan_id, ref, sort_key, priority, text,
		by_when, due, ongoing, original_by_when, original_due, original_ongoing,
		funding, status, reason, progress, review, notes, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		planID, a.Ref, sortKey(a), a.Priority, a.Text,
		a.Deadline.Written, nullDate(a.Deadline.Due), boolInt(a.Deadline.Ongoing),
		a.Deadline.Written, nullDate(a.Deadline.Due), boolInt(a.Deadline.Ongoing),
		a.Funding, string(status), a.Reason, a.Progress, a.Review, a.Notes, now, now)
	if err != nil {
		return fmt.Errorf("import: add action %s: %w", a.Ref, err)
	}
	return writeParties(ctx, tx, id, a)
}

func updateImported(ctx context.Context, tx execer, old, in *actionbot.Action, now string) error {
	review, notes := old.Review, old.Notes
	if in.Review != "" {
		review = in.Review
	}
	if in.Notes != "" {
		notes = in.Notes
	}
	// The current deadline follows the agreed one unless it has been moved.
	cur := in.Deadline
	if old.Moved() {
		cur = old.Deadline
	}
	_, err := tx.ExecContext(ctx, `UPDATE actions SET sort_key = ?, priority = ?, text = ?,
		by_when = ?, due = ?, ongoing = ?, original_by_when = ?, original_due = ?, original_ongoing = ?,
		funding = ?, review = ?, notes = ?, updated_at = ? WHERE id = ?`,
		sortKey(in), in.Priority, in.Text,
		cur.Written, nullDate(cur.Due), boolInt(cur.Ongoing),
		in.Deadline.Written, nullDate(in.Deadline.Due), boolInt(in.Deadline.Ongoing),
		in.Funding, review, notes, now, old.ID)
	if err != nil {
		return fmt.Errorf("import: update action %s: %w", in.Ref, err)
	}
	if slices.Equal(old.Lead, in.Lead) && slices.Equal(old.Partners, in.Partners) {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM action_parties WHERE action_id = ?`, old.ID); err != nil {
		return fmt.Errorf("import: update parties of %s: %w", in.Ref, err)
	}
	return writeParties(ctx, tx, old.ID, in)
}

func writeParties(ctx context.Context, tx execer, actionID int64, a *actionbot.Action) error {
	for kind, ps := range map[string][]actionbot.Party{"lead": a.Lead, "partner": a.Partners} {
		for i, p := range ps {
			if _, err := tx.ExecContext(ctx, `INSERT INTO action_parties (action_id, kind, position, agency, role) VALUES (?, ?, ?, ?, ?)`,
				actionID, kind, i, p.Agency, p.Role); err != nil {
				return fmt.Errorf("add %s %s to action %s: %w", kind, p.Agency, a.Ref, err)
			}
		}
	}
	return nil
}

// sortKey orders a plan's actions as the plan does: by their place in the
// file (Seq) when the importer gave one, else by id with numbers compared as
// numbers (1.2 before 1.10, DAB 2 before DAB 10).
func sortKey(a *actionbot.Action) string {
	if a.Seq > 0 {
		return fmt.Sprintf("%05d.%06d", a.Priority, a.Seq)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%05d.", a.Priority)
	for i, n := range actionbot.RefKey(a.Ref) {
		if i > 0 {
			b.WriteByte('.')
		}
		fmt.Fprintf(&b, "%05d", n)
	}
	return b.String()
}
