package store

import (
	"context"
	"fmt"
	"slices"

	"github.com/sevenoaks-csp/actionbot"
)

// Who may change what is decided in the domain (actionbot.CanChange,
// actionbot.CanCoordinate). The command handler asks first and words the
// refusal for the person; the store asks again inside each write's
// transaction, from what it knows of the actor (their agencies, and whether
// they coordinate), so that no other entry point can change an action for
// someone who may not. Nobody is let through for being "the system": the
// CLI and the console act as coordinators because their wiring names them
// in DB.ConfiguredCoordinators, and an import, which replaces the plan's definition
// rather than changing an action for a person, is the one write not asked.

// actor returns who id is as the store knows them, read through q (the
// write's own transaction, so that a membership removed a moment ago
// counts).
func (db *DB) actor(ctx context.Context, q queryer, id string) (actionbot.Actor, error) {
	act := actionbot.Actor{ID: id}
	if id == "" {
		return act, nil // nobody: no agency, no role
	}
	if err := q.SelectContext(ctx, &act.Agencies, `SELECT agency FROM members WHERE user_id = ? ORDER BY agency`, id); err != nil {
		return act, fmt.Errorf("agencies of the actor: %w", err)
	}
	act.Coordinator = slices.Contains(db.ConfiguredCoordinators, id)
	if !act.Coordinator {
		var n int
		if err := q.GetContext(ctx, &n, `SELECT COUNT(*) FROM coordinators WHERE user_id = ?`, id); err != nil {
			return act, fmt.Errorf("check coordinator: %w", err)
		}
		act.Coordinator = n > 0
	}
	return act, nil
}

// mayChangeAs refuses, with EUNAUTHORIZED (a *RefusedError), a change to a
// that the actor of an entry may not make. actors are those known already
// (read in the same transaction): they are not read again.
func (db *DB) mayChangeAs(ctx context.Context, q queryer, a *actionbot.Action, es []*actionbot.AuditEntry, actors map[string]actionbot.Actor) error {
	for _, e := range es {
		act, ok := actors[e.Actor]
		if !ok {
			var err error
			if act, err = db.actor(ctx, q, e.Actor); err != nil {
				return fmt.Errorf("update action %s: %w", a.Ref, err)
			}
			actors[e.Actor] = act
		}
		if err := refusal(act, a, e.Verb); err != nil {
			return err
		}
	}
	return nil
}

// refusal is nil when act may make a change of verb to a, and otherwise a
// *RefusedError.
func refusal(act actionbot.Actor, a *actionbot.Action, verb actionbot.Verb) error {
	if actionbot.CanChange(act, a, verb) {
		return nil
	}
	who := "a member of its lead agency"
	if verb.NoteOnly() {
		who = "a member of its lead or partner agencies"
	}
	return &RefusedError{Who: act, Verb: verb,
		Err: actionbot.Errorf(actionbot.EUNAUTHORIZED, "Only %s or a coordinator can make that change (%s) to %s; nothing was changed.", who, verb, a.Ref)}
}

// RefusedError is a change the store refused inside its transaction
// because its actor may not make it (EUNAUTHORIZED): it says who the actor
// is as the store knew them then, so that whoever asked can word the
// refusal for them without asking again.
type RefusedError struct {
	Err  *actionbot.Error
	Who  actionbot.Actor
	Verb actionbot.Verb
}

func (e *RefusedError) Error() string { return e.Err.Error() }
func (e *RefusedError) Unwrap() error { return e.Err }

// Refused is who was refused (their agencies, and whether they
// coordinate) and the change they asked.
func (e *RefusedError) Refused() (actionbot.Actor, actionbot.Verb) { return e.Who, e.Verb }

// mayCoordinate refuses, with EUNAUTHORIZED, a coordinator's change (what)
// asked by someone who does not coordinate.
func (db *DB) mayCoordinate(ctx context.Context, q queryer, actor, what string) error {
	act, err := db.actor(ctx, q, actor)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if !actionbot.CanCoordinate(act) {
		return actionbot.Errorf(actionbot.EUNAUTHORIZED, "Only a coordinator can %s; nothing was changed.", what)
	}
	return nil
}
