package store

import (
	"context"

	"github.com/sevenoaks-csp/actionbot"
)

// SharedAction returns the action with that reference in plan planID as
// FindAction does, but the snapshot's own, not a copy: it must not be
// modified. The snapshot never changes an action it holds (a change, a
// refresh or an import puts a new one in its place), so the pointer
// itself says which revision of the action it is: a look-up's card may be
// kept for as long as the same pointer comes back (bot's card cache).
func (db *DB) SharedAction(ctx context.Context, planID int64, ref string) (*actionbot.Action, error) {
	s, err := db.snapshotFor(ctx, planID)
	if err != nil {
		return nil, err
	}
	i, ok := s.byRef[ref]
	if !ok {
		return nil, actionbot.Errorf(actionbot.ENOTFOUND, "No action %s.", ref)
	}
	return s.at(i), nil
}
