package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

type actionRow struct {
	ID              int64          `db:"id"`
	PlanID          int64          `db:"plan_id"`
	Ref             string         `db:"ref"`
	Priority        int            `db:"priority"`
	Text            string         `db:"text"`
	ByWhen          string         `db:"by_when"`
	Due             sql.NullString `db:"due"`
	Ongoing         bool           `db:"ongoing"`
	OriginalByWhen  string         `db:"original_by_when"`
	OriginalDue     sql.NullString `db:"original_due"`
	OriginalOngoing bool           `db:"original_ongoing"`
	Funding         string         `db:"funding"`
	Status          string         `db:"status"`
	Reason          string         `db:"reason"`
	Progress        int            `db:"progress"`
	Review          string         `db:"review"`
	Notes           string         `db:"notes"`
	CarriedFrom     string         `db:"carried_from"`
	SnoozedUntil    sql.NullString `db:"snoozed_until"`
	LastActivity    sql.NullString `db:"last_activity"`
	CreatedAt       string         `db:"created_at"`
	UpdatedAt       string         `db:"updated_at"`
}

const actionColumns = `a.id, a.plan_id, a.ref, a.priority, a.text, a.by_when, a.due, a.ongoing,
	a.original_by_when, a.original_due, a.original_ongoing, a.funding, a.status, a.reason,
	a.progress, a.review, a.notes, a.carried_from, a.snoozed_until, a.last_activity, a.created_at, a.updated_at`

func (r *actionRow) action() (*actionbot.Action, error) {
	a := &actionbot.Action{
		ID: r.ID, PlanID: r.PlanID, Ref: r.Ref, Priority: r.Priority, Text: r.Text,
		Deadline: actionbot.Deadline{Written: r.ByWhen, Ongoing: r.Ongoing},
		Original: actionbot.Deadline{Written: r.OriginalByWhen, Ongoing: r.OriginalOngoing},
		Funding:  r.Funding, Status: actionbot.Status(r.Status), Reason: r.Reason,
		Progress: r.Progress, Review: r.Review, Notes: r.Notes, CarriedFrom: r.CarriedFrom,
	}
	var err error
	if a.Deadline.Due, err = parseNullDate(r.Due); err != nil {
		return nil, fmt.Errorf("action %s: %w", r.Ref, err)
	}
	if a.Original.Due, err = parseNullDate(r.OriginalDue); err != nil {
		return nil, fmt.Errorf("action %s: %w", r.Ref, err)
	}
	if a.SnoozedUntil, err = parseTime(r.SnoozedUntil.String); err != nil {
		return nil, fmt.Errorf("action %s: %w", r.Ref, err)
	}
	if a.LastActivity, err = parseTime(r.LastActivity.String); err != nil {
		return nil, fmt.Errorf("action %s: %w", r.Ref, err)
	}
	if a.CreatedAt, err = parseTime(r.CreatedAt); err != nil {
		return nil, fmt.Errorf("action %s: %w", r.Ref, err)
	}
	if a.UpdatedAt, err = parseTime(r.UpdatedAt); err != nil {
		return nil, fmt.Errorf("action %s: %w", r.Ref, err)
	}
	return a, nil
}

// loadActions returns the actions matching where (on alias a), in plan order,
// with their parties.
func loadActions(ctx context.Context, q queryer, where string, args ...any) ([]*actionbot.Action, error) {
	// Row by row into one reused row: a whole plan of 100,000 actions
	// would otherwise sit in memory twice, as rows and as actions.
	query := `SELECT ` + actionColumns + ` FROM actions a WHERE ` + where + ` ORDER BY a.plan_id, a.sort_key`
	rows, err := q.QueryxContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("load actions: %w", err)
	}
	defer rows.Close()
	var out []*actionbot.Action
	byID := map[int64]*actionbot.Action{}
	var row actionRow
	for rows.Next() {
		row = actionRow{}
		if err := rows.StructScan(&row); err != nil {
			return nil, fmt.Errorf("load actions: %w", err)
		}
		a, err := row.action()
		if err != nil {
			return nil, err
		}
		out = append(out, a)
		byID[a.ID] = a
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load actions: %w", err)
	}
	rows.Close()
	if out == nil {
		out = []*actionbot.Action{}
	}
	if len(out) == 0 {
		return out, nil
	}
	if err := loadParties(ctx, q, out, byID); err != nil {
		return nil, err
	}
	return out, nil
}

// loadParties fills in lead and partner agencies, by id for a few actions and
// by plan for many.
func loadParties(ctx context.Context, q queryer, as []*actionbot.Action, byID map[int64]*actionbot.Action) error {
	var rows []struct {
		ActionID int64  `db:"action_id"`
		Kind     string `db:"kind"`
		Agency   string `db:"agency"`
		Role     string `db:"role"`
	}
	const cols = `p.action_id, p.kind, p.agency, p.role`
	if len(as) > 2000 { // most of a plan: one pass over its parties, row by row
		rs, err := q.QueryxContext(ctx, `SELECT `+cols+` FROM action_parties p JOIN actions a ON a.id = p.action_id WHERE a.plan_id = ? ORDER BY p.action_id, p.kind, p.position`, as[0].PlanID)
		if err != nil {
			return fmt.Errorf("load action parties: %w", err)
		}
		defer rs.Close()
		for rs.Next() {
			var actionID int64
			var kind, agency, role string
			if err := rs.Scan(&actionID, &kind, &agency, &role); err != nil {
				return fmt.Errorf("load action parties: %w", err)
			}
			if a := byID[actionID]; a != nil {
				if kind == "lead" {
					a.Lead = append(a.Lead, actionbot.Party{Agency: agency, Role: role})
				} else {
					a.Partners = append(a.Partners, actionbot.Party{Agency: agency, Role: role})
				}
			}
		}
		if err := rs.Err(); err != nil {
			return fmt.Errorf("load action parties: %w", err)
		}
		return nil
	} else if len(as) == 1 { // a card: a fixed statement, prepared once per connection
		if err := q.SelectContext(ctx, &rows, `SELECT `+cols+` FROM action_parties p WHERE p.action_id = ? ORDER BY p.kind, p.position`, as[0].ID); err != nil {
			return fmt.Errorf("load action parties: %w", err)
		}
	} else {
		for start := 0; start < len(as); start += 500 {
			ids := make([]string, 0, 500)
			for _, a := range as[start:min(start+500, len(as))] {
				ids = append(ids, strconv.FormatInt(a.ID, 10))
			}
			var chunk = rows[:0:0]
			if err := q.SelectContext(ctx, &chunk, `SELECT `+cols+` FROM action_parties p WHERE p.action_id IN (`+strings.Join(ids, ",")+`) ORDER BY p.action_id, p.kind, p.position`); err != nil {
				return fmt.Errorf("load action parties: %w", err)
			}
			rows = append(rows, chunk...)
		}
	}
	for _, r := range rows {
		a := byID[r.ActionID]
		if a == nil {
			continue
		}
		p := actionbot.Party{Agency: r.Agency, Role: r.Role}
		if r.Kind == "lead" {
			a.Lead = append(a.Lead, p)
		} else {
			a.Partners = append(a.Partners, p)
		}
	}
	return nil
}

// FindAction returns one action of a plan with its latest audit entry, or
// ENOTFOUND.
func (db *DB) FindAction(ctx context.Context, planID int64, ref string) (*actionbot.Action, error) {
	s, err := db.snapshotFor(ctx, planID)
	if err != nil {
		return nil, err
	}
	a, ok := s.find(ref)
	if !ok {
		return nil, actionbot.Errorf(actionbot.ENOTFOUND, "No action %s.", ref)
	}
	return a, nil
}

func findAction(ctx context.Context, q queryer, planID int64, ref string) (*actionbot.Action, error) {
	as, err := loadActions(ctx, q, `a.plan_id = ? AND a.ref = ?`, planID, ref)
	if err != nil {
		return nil, fmt.Errorf("find action %s: %w", ref, err)
	}
	if len(as) == 0 {
		return nil, actionbot.Errorf(actionbot.ENOTFOUND, "No action %s.", ref)
	}
	return as[0], nil
}

// Refs returns every action reference of a plan, in plan order.
func (db *DB) Refs(ctx context.Context, planID int64) ([]string, error) {
	s, err := db.snapshotFor(ctx, planID)
	if err != nil {
		return nil, err
	}
	refs := make([]string, s.size())
	for i := range refs {
		refs[i] = s.at(i).Ref
	}
	return refs, nil
}

// RefIndex finds a plan's actions by the ids people type ("DAB 1",
// "1a", "1.1.1"), made once per import and shared.
func (db *DB) RefIndex(ctx context.Context, planID int64) (*actionbot.RefIndex, error) {
	s, err := db.snapshotFor(ctx, planID)
	if err != nil {
		return nil, err
	}
	if s.refs == nil {
		return actionbot.NewRefIndex(nil), nil
	}
	return s.refs, nil
}

// FindActions returns the actions matching f, in plan order (or, with
// ByDue, earliest deadline first, then plan order).
//
// The actions come from memory and are shared: callers must not modify
// them.
func (db *DB) FindActions(ctx context.Context, f actionbot.ActionFilter) ([]*actionbot.Action, error) {
	s, err := db.snapshotFor(ctx, f.PlanID)
	if err != nil {
		return nil, err
	}
	as, _ := s.filter(f)
	return as, nil
}

// PageActions returns the actions matching f (at most f.Limit) and how many
// match in all: a page of a list and its length, in one pass.
func (db *DB) PageActions(ctx context.Context, f actionbot.ActionFilter) ([]*actionbot.Action, int, error) {
	s, err := db.snapshotFor(ctx, f.PlanID)
	if err != nil {
		return nil, 0, err
	}
	as, total := s.filter(f)
	return as, total, nil
}

// CountActions returns how many actions match f (ignoring its Limit).
func (db *DB) CountActions(ctx context.Context, f actionbot.ActionFilter) (int, error) {
	s, err := db.snapshotFor(ctx, f.PlanID)
	if err != nil {
		return 0, err
	}
	f.Limit = 0
	_, n := s.filter(f)
	return n, nil
}

// UpdateAction changes one action of the current plan in a transaction: it
// loads the action, lets change modify it and describe the change as an
// audit entry, writes the action and the entry, queues the messages then
// returns, and commits. If change returns an error nothing is written and the
// error is returned as it is (EUNCHANGED, ECONFLICT...). The entries' actor
// must be allowed the change (actionbot.CanChange, as the store knows them:
// authz.go); EUNAUTHORIZED and nothing written otherwise.
func (db *DB) UpdateAction(ctx context.Context, planID int64, ref string,
	change func(*actionbot.Action) (*actionbot.AuditEntry, error),
	then func(*actionbot.Action, *actionbot.AuditEntry) []*actionbot.Outgoing,
) (*actionbot.Action, *actionbot.AuditEntry, error) {
	var thenAll func(*actionbot.Action, []*actionbot.AuditEntry) []*actionbot.Outgoing
	if then != nil {
		thenAll = func(a *actionbot.Action, es []*actionbot.AuditEntry) []*actionbot.Outgoing { return then(a, es[0]) }
	}
	a, es, err := db.UpdateActionSteps(ctx, planID, ref, 0, func(a *actionbot.Action) ([]*actionbot.AuditEntry, error) {
		e, err := change(a)
		if err != nil {
			return nil, err
		}
		return []*actionbot.AuditEntry{e}, nil
	}, thenAll)
	if err != nil {
		return nil, nil, err
	}
	return a, es[0], nil
}

// UpdateActionSteps is UpdateAction for a change made of several steps (a
// form that sets the status and the progress and adds a note): change
// returns an audit entry per step, and all of them, the action and the
// messages are written in one transaction, or nothing is. A non-zero inbox
// is the recorded command asking for the change (Receive): it is completed
// in the same transaction, so the change is made once even if the command
// is run again after a crash (ECONFLICT then).
func (db *DB) UpdateActionSteps(ctx context.Context, planID int64, ref string, inbox int64,
	change func(*actionbot.Action) ([]*actionbot.AuditEntry, error),
	then func(*actionbot.Action, []*actionbot.AuditEntry) []*actionbot.Outgoing,
) (*actionbot.Action, []*actionbot.AuditEntry, error) {
	a, es, _, err := db.updateAction(ctx, &actionUpdate{planID: planID, ref: ref, inbox: inbox, change: change, then: then})
	return a, es, err
}

// UpdateActionChecked is the one pass of a change to an action: actor's
// permission to make each of verbs, checked in the write's transaction
// before change runs (a refusal is a *RefusedError); the change, its audit
// entries and the messages then returns; reply, when given, built inside
// the transaction from the changed action and returned; a recorded request
// (inbox) completed, as UpdateActionSteps does, or a new one recorded: rec,
// a request made before its ack, is recorded in the inbox in the same
// transaction (by its delivery id) as done and confirmed, with reply's
// message as its answer, so that a replay is answered from the record. A
// delivery recorded already is not changed again: rec.ID stays 0 and the
// error is ECONFLICT. On success rec.ID is the new item's.
func (db *DB) UpdateActionChecked(ctx context.Context, planID int64, ref, actor string, verbs []actionbot.Verb, inbox int64, rec *actionbot.InboxItem,
	change func(*actionbot.Action) ([]*actionbot.AuditEntry, error),
	then func(*actionbot.Action, []*actionbot.AuditEntry) []*actionbot.Outgoing,
	reply func(*actionbot.Action, []*actionbot.AuditEntry) actionbot.Message,
) (*actionbot.Action, []*actionbot.AuditEntry, actionbot.Message, error) {
	if rec != nil && reply == nil {
		return nil, nil, actionbot.Message{}, fmt.Errorf("update action %s: a recorded request needs its reply", ref)
	}
	if verbs == nil {
		verbs = []actionbot.Verb{} // checked, if only by the entries
	}
	return db.updateAction(ctx, &actionUpdate{planID: planID, ref: ref, actor: actor, verbs: verbs, inbox: inbox, rec: rec,
		change: change, then: then, reply: reply})
}

// actionUpdate is one change to an action, as the update methods ask it.
type actionUpdate struct {
	planID int64
	ref    string
	// inbox is a recorded request to complete with the change.
	inbox int64
	// actor, with verbs, is checked before change runs.
	actor string
	verbs []actionbot.Verb
	// rec is a request to record with the change, answered by reply.
	rec    *actionbot.InboxItem
	reply  func(*actionbot.Action, []*actionbot.AuditEntry) actionbot.Message
	change func(*actionbot.Action) ([]*actionbot.AuditEntry, error)
	then   func(*actionbot.Action, []*actionbot.AuditEntry) []*actionbot.Outgoing
}

// writeState is what a write transaction reads first: whether the plan is
// current, and the change counters, so that the in-memory snapshot can
// stand for the database inside the write and take its change after; and
// who the actor is (their agencies, joined by unitSep, and whether the
// database makes them a coordinator), all in one statement.
type writeState struct {
	Current     bool           `db:"is_current"`
	Rev         int64          `db:"rev"`
	AuditMax    sql.NullInt64  `db:"audit_max"`
	Agencies    sql.NullString `db:"agencies"`
	Coordinator bool           `db:"coordinator"`
}

// unitSep joins an actor's agencies in writeState (no agency code holds it).
const unitSep = "\x1f"

// On SQLite the agencies are joined straight from the members' key, not
// from an ordered subquery in FROM: with the actor bound inside that
// subquery, SQLite prepared the statement again on every run
// (sqlite3Reprepare; its parser was the top of the statement's profile),
// 25-30 µs a change against 4 µs now. actorOf puts them in order.
const writeStateQuery = `SELECT is_current, (SELECT n FROM revisions WHERE name = 'plan') AS rev, (SELECT MAX(id) FROM audit) AS audit_max,
	(SELECT group_concat(agency, char(31)) FROM members WHERE user_id = ?) AS agencies,
	EXISTS (SELECT 1 FROM coordinators WHERE user_id = ?) AS coordinator
	FROM plans WHERE id = ?`

const writeStateQueryPG = `SELECT is_current <> 0 AS is_current, (SELECT n FROM revisions WHERE name = 'plan') AS rev, (SELECT MAX(id) FROM audit) AS audit_max,
	(SELECT string_agg(agency, chr(31) ORDER BY agency) FROM members WHERE user_id = ?) AS agencies,
	EXISTS (SELECT 1 FROM coordinators WHERE user_id = ?) AS coordinator
	FROM plans WHERE id = ?`

// actor is who ws says the actor id is, as DB.actor reads them.
func (db *DB) actorOf(id string, ws writeState) actionbot.Actor {
	act := actionbot.Actor{ID: id}
	if id == "" {
		return act
	}
	if ws.Agencies.Valid && ws.Agencies.String != "" {
		act.Agencies = strings.Split(ws.Agencies.String, unitSep)
		slices.Sort(act.Agencies) // as DB.actor reads them
	}
	act.Coordinator = slices.Contains(db.ConfiguredCoordinators, id) || ws.Coordinator
	return act
}

func (db *DB) updateAction(ctx context.Context, u *actionUpdate) (*actionbot.Action, []*actionbot.AuditEntry, actionbot.Message, error) {
	// Made with whatever other changes are waiting, in one transaction
	// (group.go; on PostgreSQL pggroup.go).
	return db.group.change(ctx, db, u)
}

// madeChange is a change made in a write transaction, not yet committed:
// what its answer and the snapshot (took) need once it is.
type madeChange struct {
	a      *actionbot.Action
	es     []*actionbot.AuditEntry
	msg    actionbot.Message
	ws     writeState
	now    string
	queued int
	// first counts the messages queued that are the first waiting for
	// their conversation: only those wake the sender.
	first int
	// msgs are the messages the change queues: written by makeChange on
	// SQLite, by commitChangesPG on PostgreSQL.
	msgs []*actionbot.Outgoing
}

// makeChange makes u in tx. g, on SQLite, is the group of changes the
// transaction makes (group.go): the snapshot stands for the database only
// for an action no earlier change of the group touched, while the counters
// are as they were before the group's first change.
func (db *DB) makeChange(ctx context.Context, tx *Tx, u *actionUpdate, g *groupTx, st *writeState) (*madeChange, error) {
	ref := u.ref
	d := &madeChange{}
	// mustBeCurrent and the counters, in one statement.
	if st != nil {
		d.ws = *st // read by the transaction's first round trip (PostgreSQL)
	} else if err := tx.QueryRowContext(ctx, writeStateQuery, u.actor, u.actor, u.planID).Scan(&d.ws.Current, &d.ws.Rev, &d.ws.AuditMax, &d.ws.Agencies, &d.ws.Coordinator); errors.Is(err, sql.ErrNoRows) {
		return nil, actionbot.Errorf(actionbot.ENOTFOUND, "No such plan.")
	} else if err != nil {
		return nil, fmt.Errorf("update action %s: check the plan is current: %w", ref, err)
	}
	ws := &d.ws
	if !ws.Current {
		return nil, actionbot.Errorf(actionbot.ECONFLICT, "That plan is archived and read-only.")
	}
	// Writers are serialised, so while the counters are the snapshot's,
	// the snapshot's action is the database's: no need to read it again.
	snap := db.snap.cur.Load()
	auditMax := ws.AuditMax.Int64
	if g != nil {
		auditMax = g.auditMax(ws.AuditMax.Int64)
	}
	if snap != nil && (snap.planID != u.planID || snap.planRev != ws.Rev || snap.auditMax != auditMax) {
		snap = nil
	}
	var a *actionbot.Action
	var err error
	if snap != nil {
		var ok bool
		if a, ok = snap.find(ref); !ok {
			return nil, actionbot.Errorf(actionbot.ENOTFOUND, "No action %s.", ref)
		}
	}
	if a == nil || (g != nil && g.touched[a.ID]) {
		if a, err = findAction(ctx, tx, u.planID, ref); err != nil {
			return nil, err
		}
	}
	// The actor as the write's own first statement found them.
	actors := map[string]actionbot.Actor{u.actor: db.actorOf(u.actor, *ws)}
	if u.verbs != nil {
		act := actors[u.actor]
		for _, v := range u.verbs {
			if err := refusal(act, a, v); err != nil {
				return nil, err
			}
		}
	}
	deadline := a.Deadline
	es, err := u.change(a)
	if err != nil {
		return nil, err
	}
	if len(es) == 0 {
		return nil, fmt.Errorf("update action %s: the change described no step", ref)
	}
	if err := db.mayChangeAs(ctx, tx, a, es, actors); err != nil {
		return nil, err
	}
	now := db.now()
	if err := refuseRetyped(ctx, tx, a, es, now); err != nil {
		return nil, err
	}
	if g != nil {
		// Whatever happens next, this action may be written in the
		// transaction: a later change of the group reads it afresh.
		g.touched[a.ID] = true
	}
	// The entries' ids are known before they are written: writers are
	// serialised and SQLite gives a new row the highest id plus one (on
	// PostgreSQL they are given so), so the reply (an undo button names
	// its entry) is made first and everything is written together
	// (writeAll; on PostgreSQL one round trip with the commit,
	// commitChangesPG).
	next := ws.AuditMax.Int64 + 1
	for _, e := range es {
		e.ID, e.ActionID, e.Ref = next, a.ID, a.Ref
		next++
	}
	a.LastUpdate = es[len(es)-1]
	queued := 0
	if u.then != nil {
		d.msgs = u.then(a, es)
	}
	if db.dialect == sqliteDialect && len(d.msgs) > 0 {
		if queued, d.first, err = db.enqueueChange(ctx, tx, now, d.msgs); err != nil {
			return nil, err
		}
	}
	if u.inbox != 0 {
		if fresh, err := db.completeInbox(ctx, tx, u.inbox, now); err != nil {
			return nil, err
		} else if !fresh {
			return nil, actionbot.Errorf(actionbot.ECONFLICT, "That change was made already.")
		}
	}
	var msg actionbot.Message
	if u.reply != nil {
		msg = u.reply(a, es)
	}
	if db.dialect == sqliteDialect {
		if err := db.writeAll(ctx, tx, a, a.Deadline != deadline, es, now, u.rec, msg); err != nil {
			return nil, err
		}
	}
	d.a, d.es, d.msg, d.now, d.queued = a, es, msg, now, queued
	return d, nil
}

// writeAll writes, on SQLite, the request's inbox record (rec, answered by
// reply) first, so that a second delivery of a request is found before
// anything else is written, then the changed action and its audit entries
// (their ids given) and changes. Each is its own statement, of a text that
// does not change from one change to the next: go-sqlite3 keeps a prepared
// statement only for a call of one statement, and preparing the statements
// of one call of several cost more than running them.
//
// The deadline's columns are written only when the change moved it
// (deadline): SQLite rewrites the entry of every index on a column the
// UPDATE sets, changed or not, and actions_plan_due's entry for an action
// is a page of its own, one more page in the WAL for each action a group
// changes (3.7 of a group's 34 pages, issue 25).
func (db *DB) writeAll(ctx context.Context, tx *Tx, a *actionbot.Action, deadline bool, es []*actionbot.AuditEntry, now string, rec *actionbot.InboxItem, reply actionbot.Message) error {
	if rec != nil {
		if rec.Kind == "" {
			rec.Kind = InboxCommand
		}
		body := encodeMessage(&reply)
		r, err := tx.ExecContext(ctx, `INSERT INTO inbox (delivery, kind, user_id, channel_id, text, payload, response_url, received_at, state, done_at, reply, confirmed_at, changed)
		VALUES (?, ?, ?, ?, '', '', ?, ?, 'done', ?, ?, ?, 1) ON CONFLICT (delivery) WHERE delivery <> '' DO NOTHING`,
			rec.Delivery, rec.Kind, rec.UserID, rec.ChannelID, rec.ResponseURL, now, now, body, now)
		if err != nil {
			return fmt.Errorf("record a %s: %w", rec.Kind, err)
		}
		if n, err := r.RowsAffected(); err != nil {
			return fmt.Errorf("record a %s: %w", rec.Kind, err)
		} else if n == 0 {
			rec.ID = 0
			return actionbot.Errorf(actionbot.ECONFLICT, "That change was made already.")
		}
		id, err := r.LastInsertId()
		if err != nil {
			return fmt.Errorf("record a %s: %w", rec.Kind, err)
		}
		if err := db.recorded(ctx, tx, rec, id, reply, now); err != nil {
			return err
		}
	}
	var err error
	if deadline {
		_, err = tx.ExecContext(ctx, `UPDATE actions SET status = ?, reason = ?, progress = ?,
		by_when = ?, due = ?, ongoing = ?, snoozed_until = ?, last_activity = ?, updated_at = ? WHERE id = ?`,
			string(a.Status), a.Reason, a.Progress,
			a.Deadline.Written, nullDate(a.Deadline.Due), boolInt(a.Deadline.Ongoing),
			nullTime(a.SnoozedUntil), nullTime(a.LastActivity), now, a.ID)
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE actions SET status = ?, reason = ?, progress = ?,
		snoozed_until = ?, last_activity = ?, updated_at = ? WHERE id = ?`,
			string(a.Status), a.Reason, a.Progress,
			nullTime(a.SnoozedUntil), nullTime(a.LastActivity), now, a.ID)
	}
	if err != nil {
		return fmt.Errorf("update action %s: %w", a.Ref, err)
	}
	for _, e := range es {
		at := now
		if !e.At.IsZero() {
			at = formatTime(e.At)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit (id, action_id, at, actor, verb, note) VALUES (?, ?, ?, ?, ?, ?)`,
			e.ID, a.ID, at, e.Actor, string(e.Verb), e.Note); err != nil {
			return fmt.Errorf("update action %s: %w", a.Ref, err)
		}
		if len(e.Changes) == 0 {
			continue
		}
		args := make([]any, 0, 5*len(e.Changes))
		for i, c := range e.Changes {
			args = append(args, e.ID, i, c.Field, c.From, c.To)
		}
		if _, err := tx.ExecContext(ctx, changesInsert(len(e.Changes)), args...); err != nil {
			return fmt.Errorf("update action %s: %w", a.Ref, err)
		}
	}
	return nil
}

// changesInserts are the statements inserting an entry's changes, by how
// many (an entry has a few): the same text each time, so prepared once.
var changesInserts [8]string

func init() {
	for n := range changesInserts {
		changesInserts[n] = changesInsertOf(n)
	}
}

func changesInsert(n int) string {
	if n < len(changesInserts) {
		return changesInserts[n]
	}
	return changesInsertOf(n)
}

func changesInsertOf(n int) string {
	var q strings.Builder
	q.WriteString(`INSERT INTO audit_changes (audit_id, position, field, from_value, to_value) VALUES `)
	for i := range n {
		if i > 0 {
			q.WriteString(`, `)
		}
		q.WriteString(`(?, ?, ?, ?, ?)`)
	}
	return q.String()
}

// refuseRetyped refuses, inside a write, a note that its writer's last
// note on the action says already, within minutes (actionbot.Retyped): the
// same note typed again, most often after Slack showed an error although
// the first was made. Nothing is written and the person is told when the
// first was added.
func refuseRetyped(ctx context.Context, q queryer, a *actionbot.Action, es []*actionbot.AuditEntry, now string) error {
	if len(es) != 1 || es[0].Verb != actionbot.VerbNote {
		return nil
	}
	next := *es[0]
	if next.At.IsZero() {
		t, err := parseTime(now)
		if err != nil {
			return err
		}
		next.At = t
	}
	var rows []struct {
		Note string `db:"note"`
		At   string `db:"at"`
	}
	if err := q.SelectContext(ctx, &rows, `SELECT note, at FROM audit WHERE action_id = ? AND actor = ? AND verb = ? ORDER BY id DESC LIMIT 1`,
		a.ID, next.Actor, string(actionbot.VerbNote)); err != nil {
		return fmt.Errorf("find the last note on %s: %w", a.Ref, err)
	}
	if len(rows) == 0 {
		return nil
	}
	at, err := parseTime(rows[0].At)
	if err != nil {
		return err
	}
	last := &actionbot.AuditEntry{Actor: next.Actor, Verb: actionbot.VerbNote, Note: rows[0].Note, At: at}
	if !actionbot.Retyped(last, &next) {
		return nil
	}
	ago := "a moment ago"
	if m := int(next.At.Sub(at) / time.Minute); m == 1 {
		ago = "a minute ago"
	} else if m > 1 {
		ago = fmt.Sprintf("%d minutes ago", m)
	}
	return actionbot.Errorf(actionbot.EUNCHANGED, "You added that note to %s %s.", a.Ref, ago)
}

// mustBeCurrent refuses, inside a write, a change to a plan other than the
// current one: ENOTFOUND for no such plan, ECONFLICT for an archived one
// (read-only, and its snapshot is never reloaded: archived.go).
func mustBeCurrent(ctx context.Context, q queryer, planID int64) error {
	var current bool
	if err := q.GetContext(ctx, &current, `SELECT is_current FROM plans WHERE id = ?`, planID); errors.Is(err, sql.ErrNoRows) {
		return actionbot.Errorf(actionbot.ENOTFOUND, "No such plan.")
	} else if err != nil {
		return fmt.Errorf("check the plan is current: %w", err)
	} else if !current {
		return actionbot.Errorf(actionbot.ECONFLICT, "That plan is archived and read-only.")
	}
	return nil
}

func insertAudit(ctx context.Context, tx execer, e *actionbot.AuditEntry, now string) error {
	at := now
	if !e.At.IsZero() {
		at = formatTime(e.At)
	}
	id, _, err := insertID(ctx, tx, `INSERT INTO audit (action_id, at, actor, verb, note) VALUES (?, ?, ?, ?, ?)`,
		e.ActionID, at, e.Actor, string(e.Verb), e.Note)
	if err != nil {
		return fmt.Errorf("write audit entry for %s: %w", e.Ref, err)
	}
	movesCounters(tx)
	e.ID = id
	for i, c := range e.Changes {
		if _, err := tx.ExecContext(ctx, `INSERT INTO audit_changes (audit_id, position, field, from_value, to_value) VALUES (?, ?, ?, ?, ?)`,
			e.ID, i, c.Field, c.From, c.To); err != nil {
			return fmt.Errorf("write audit change for %s: %w", e.Ref, err)
		}
	}
	return nil
}

// History returns an action's audit entries, newest first, at most limit
// (all when limit <= 0).
func (db *DB) History(ctx context.Context, planID int64, ref string, limit int) ([]*actionbot.AuditEntry, error) {
	var id int64
	err := db.ro.GetContext(ctx, &id, `SELECT id FROM actions WHERE plan_id = ? AND ref = ?`, planID, ref)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, actionbot.Errorf(actionbot.ENOTFOUND, "No action %s.", ref)
	} else if err != nil {
		return nil, fmt.Errorf("history of %s: %w", ref, err)
	}
	return auditEntries(ctx, db.ro, `a.action_id = ?`, []any{id}, true, limit)
}

// AuditSince returns the audit entries of a plan's actions made in [from, to),
// oldest first.
func (db *DB) AuditSince(ctx context.Context, planID int64, from, to time.Time) ([]*actionbot.AuditEntry, error) {
	return auditEntries(ctx, db.ro, `x.plan_id = ? AND a.at >= ? AND a.at < ?`,
		[]any{planID, formatTime(from), formatTime(to)}, false, 0)
}

// AuditCount returns the number of audit entries of an action.
func (db *DB) AuditCount(ctx context.Context, planID int64, ref string) (int, error) {
	var n int
	err := db.ro.GetContext(ctx, &n, `SELECT COUNT(*) FROM audit a JOIN actions x ON x.id = a.action_id WHERE x.plan_id = ? AND x.ref = ?`, planID, ref)
	if err != nil {
		return 0, fmt.Errorf("count audit entries of %s: %w", ref, err)
	}
	return n, nil
}

// AuditCountBy returns the number of audit entries made by an actor, in
// every plan.
func (db *DB) AuditCountBy(ctx context.Context, actor string) (int, error) {
	var n int
	if err := db.ro.GetContext(ctx, &n, `SELECT COUNT(*) FROM audit WHERE actor = ?`, actor); err != nil {
		return 0, fmt.Errorf("count audit entries by actor: %w", err)
	}
	return n, nil
}

func auditEntries(ctx context.Context, q queryer, where string, args []any, newestFirst bool, limit int) ([]*actionbot.AuditEntry, error) {
	order := `a.id`
	if newestFirst {
		order = `a.id DESC`
	}
	query := `SELECT a.id, a.action_id, x.ref, a.at, a.actor, a.verb, a.note FROM audit a JOIN actions x ON x.id = a.action_id WHERE ` + where + ` ORDER BY ` + order
	if limit > 0 {
		query += fmt.Sprintf(" LIMIT %d", limit)
	}
	var rows []struct {
		ID       int64  `db:"id"`
		ActionID int64  `db:"action_id"`
		Ref      string `db:"ref"`
		At       string `db:"at"`
		Actor    string `db:"actor"`
		Verb     string `db:"verb"`
		Note     string `db:"note"`
	}
	if err := q.SelectContext(ctx, &rows, query, args...); err != nil {
		return nil, fmt.Errorf("load audit entries: %w", err)
	}
	out := make([]*actionbot.AuditEntry, len(rows))
	byID := make(map[int64]*actionbot.AuditEntry, len(rows))
	ids := make([]string, len(rows))
	for i, r := range rows {
		at, err := parseTime(r.At)
		if err != nil {
			return nil, err
		}
		out[i] = &actionbot.AuditEntry{ID: r.ID, ActionID: r.ActionID, Ref: r.Ref, At: at, Actor: r.Actor, Verb: actionbot.Verb(r.Verb), Note: r.Note}
		byID[r.ID] = out[i]
		ids[i] = fmt.Sprint(r.ID)
	}
	for start := 0; start < len(ids); start += 500 {
		end := min(start+500, len(ids))
		var cs []struct {
			AuditID int64  `db:"audit_id"`
			Field   string `db:"field"`
			From    string `db:"from_value"`
			To      string `db:"to_value"`
		}
		var err error
		const cols = `SELECT audit_id, field, from_value, to_value FROM audit_changes WHERE audit_id`
		if len(rows) == 1 {
			err = q.SelectContext(ctx, &cs, cols+` = ? ORDER BY position`, rows[0].ID)
		} else {
			err = q.SelectContext(ctx, &cs, cols+` IN (`+strings.Join(ids[start:end], ",")+`) ORDER BY audit_id, position`)
		}
		if err != nil {
			return nil, fmt.Errorf("load audit changes: %w", err)
		}
		for _, c := range cs {
			e := byID[c.AuditID]
			e.Changes = append(e.Changes, actionbot.Change{Field: c.Field, From: c.From, To: c.To})
		}
	}
	return out, nil
}
