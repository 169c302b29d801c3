package store

import (
	"context"

	"github.com/sevenoaks-csp/actionbot"
)

// SharedAction returns the action with that reference in the current
// plan, planID, as FindAction does, but the snapshot's own, not a copy: it
// must not be modified. With it comes the revision of the plan the
// snapshot is of. Within one revision of the plan an action is what its
// latest audit entry made it: the snapshot puts a new action in place only
// for a new audit entry of it (update, took), whose id is higher, so the
// revision and that id say which version of the action it is (bot's card
// cache). planID not the current plan's is ENOTFOUND.
func (db *DB) SharedAction(ctx context.Context, planID int64, ref string) (*actionbot.Action, int64, error) {
	s, err := db.currentSnapshot(ctx)
	if err != nil {
		return nil, 0, err
	}
	if s == nil || s.planID != planID {
		return nil, 0, actionbot.Errorf(actionbot.ENOTFOUND, "No action %s.", ref)
	}
	i, ok := s.byRef[ref]
	if !ok {
		return nil, 0, actionbot.Errorf(actionbot.ENOTFOUND, "No action %s.", ref)
	}
	return s.at(i), s.planRev, nil
}

// SharedPlan returns the current plan, as CurrentPlan does, with the
// plan's revision it is of; the plan is the cache's own, not a copy: it
// must not be modified.
func (db *DB) SharedPlan(ctx context.Context) (*actionbot.Plan, int64, error) {
	db.cache.mu.Lock()
	defer db.cache.mu.Unlock()
	c, err := db.freshCache(ctx)
	if err != nil {
		return nil, 0, err
	}
	if c.plan == nil {
		p, err := currentPlan(ctx, db.ro)
		if err != nil {
			return nil, 0, err
		}
		c.plan = p
	}
	return c.plan, c.rev, nil
}
