package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
)

// LatestNotes returns the text of each action's latest note in a plan, by
// ref, for export.
func (db *DB) LatestNotes(ctx context.Context, planID int64) (map[string]string, error) {
	byID, err := latestNotes(ctx, db.ro, planID)
	if err != nil {
		return nil, err
	}
	var refs []struct {
		ID  int64  `db:"id"`
		Ref string `db:"ref"`
	}
	if err := db.ro.SelectContext(ctx, &refs, `SELECT id, ref FROM actions WHERE plan_id = ?`, planID); err != nil {
		return nil, fmt.Errorf("latest notes of plan %d: %w", planID, err)
	}
	out := make(map[string]string, len(byID))
	for _, r := range refs {
		if n, ok := byID[r.ID]; ok {
			out[r.Ref] = n
		}
	}
	return out, nil
}

// latestNotes returns the text of each action's latest note in a plan, by
// action id.
func latestNotes(ctx context.Context, q queryer, planID int64) (map[int64]string, error) {
	var rows []struct {
		ActionID int64  `db:"action_id"`
		Note     string `db:"note"`
	}
	if err := q.SelectContext(ctx, &rows, `SELECT action_id, note FROM audit WHERE id IN (
		SELECT MAX(au.id) FROM audit au JOIN actions x ON x.id = au.action_id
		WHERE x.plan_id = ? AND au.verb = ? GROUP BY au.action_id)`, planID, string(actionbot.VerbNote)); err != nil {
		return nil, fmt.Errorf("latest notes of plan %d: %w", planID, err)
	}
	out := make(map[int64]string, len(rows))
	for _, r := range rows {
		out[r.ActionID] = r.Note
	}
	return out, nil
}

// ReminderNotes returns, for each of the given actions that has one, its
// latest note: the newest audit entry that is a note, or progress or done
// given with words (who wrote it, when, and its text), for the reminders
// to show what a lead last said. In chunks, one query each.
func (db *DB) ReminderNotes(ctx context.Context, actionIDs []int64) (map[int64]*actionbot.AuditEntry, error) {
	out := make(map[int64]*actionbot.AuditEntry)
	const chunk = 500
	for start := 0; start < len(actionIDs); start += chunk {
		part := actionIDs[start:min(start+chunk, len(actionIDs))]
		args := make([]any, 0, len(part)+3)
		args = append(args, string(actionbot.VerbNote), string(actionbot.VerbProgress), string(actionbot.VerbDone))
		for _, id := range part {
			args = append(args, id)
		}
		var rows []struct {
			ID       int64  `db:"id"`
			ActionID int64  `db:"action_id"`
			At       string `db:"at"`
			Actor    string `db:"actor"`
			Verb     string `db:"verb"`
			Note     string `db:"note"`
		}
		q := `SELECT id, action_id, at, actor, verb, note FROM audit WHERE id IN (SELECT MAX(id) FROM audit
			WHERE note <> '' AND verb IN (?, ?, ?) AND action_id IN (` + strings.TrimSuffix(strings.Repeat("?,", len(part)), ",") + `) GROUP BY action_id)`
		if err := db.ro.SelectContext(ctx, &rows, q, args...); err != nil {
			return nil, fmt.Errorf("latest notes of %d actions: %w", len(part), err)
		}
		for _, r := range rows {
			at, err := parseTime(r.At)
			if err != nil {
				return nil, fmt.Errorf("latest notes: %w", err)
			}
			out[r.ActionID] = &actionbot.AuditEntry{ID: r.ID, ActionID: r.ActionID, At: at, Actor: r.Actor, Verb: actionbot.Verb(r.Verb), Note: r.Note}
		}
	}
	return out, nil
}
