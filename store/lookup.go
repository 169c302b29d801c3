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

// SharedPlan returns the current plan and the agency directory, as
// CurrentPlan and Directory do, in one look at the change counters; the
// plan is the cache's own, not a copy: it must not be modified. Both are
// replaced, never changed, when the plan's revision moves, so the
// directory's pointer says which revision they are of.
func (db *DB) SharedPlan(ctx context.Context) (*actionbot.Plan, *actionbot.Directory, error) {
	db.cache.mu.Lock()
	defer db.cache.mu.Unlock()
	c, err := db.freshCache(ctx)
	if err != nil {
		return nil, nil, err
	}
	if c.plan == nil {
		p, err := currentPlan(ctx, db.ro)
		if err != nil {
			return nil, nil, err
		}
		c.plan = p
	}
	if c.dir == nil {
		as, err := agencies(ctx, db.ro)
		if err != nil {
			return nil, nil, err
		}
		c.dir = actionbot.NewDirectory(as)
	}
	return c.plan, c.dir, nil
}
