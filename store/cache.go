package store

import (
	"context"
	"fmt"
	"sync"

	"github.com/sevenoaks-csp/actionbot"
)

// planCache holds what every command reads and only an import or a
// coordinator changes: the current plan, its priorities and the agency
// directory. It is valid while the 'plan' revision in the database is the
// one it was loaded at, so a change made by another process (the CLI beside
// the bot) is seen on the next read.
type planCache struct {
	mu         sync.Mutex
	rev        int64
	loaded     bool
	plan       *actionbot.Plan
	priorities map[int64][]*actionbot.Priority
	dir        *actionbot.Directory
}

// planRevision reads the revision counter.
func planRevision(ctx context.Context, q queryer) (int64, error) {
	var n int64
	if err := q.GetContext(ctx, &n, `SELECT n FROM revisions WHERE name = 'plan'`); err != nil {
		return 0, fmt.Errorf("read plan revision: %w", err)
	}
	return n, nil
}

// bumpPlanRevision records, inside a write transaction, that the plan's
// definition changed.
func bumpPlanRevision(ctx context.Context, tx execer) error {
	if _, err := tx.ExecContext(ctx, `UPDATE revisions SET n = n + 1 WHERE name = 'plan'`); err != nil {
		return fmt.Errorf("bump plan revision: %w", err)
	}
	return nil
}

// freshCache returns the cache, emptied if the database's revision has moved.
// The caller holds c.mu.
func (db *DB) freshCache(ctx context.Context) (*planCache, error) {
	c := &db.cache
	rev, err := planRevision(ctx, db.ro)
	if err != nil {
		return nil, err
	}
	if !c.loaded || rev != c.rev {
		c.rev, c.loaded = rev, true
		c.plan, c.dir = nil, nil
		c.priorities = map[int64][]*actionbot.Priority{}
	}
	return c, nil
}

// CurrentPlan returns the current plan, or ENOTFOUND when the database holds
// no plan yet.
func (db *DB) CurrentPlan(ctx context.Context) (*actionbot.Plan, error) {
	db.cache.mu.Lock()
	defer db.cache.mu.Unlock()
	c, err := db.freshCache(ctx)
	if err != nil {
		return nil, err
	}
	if c.plan == nil {
		p, err := currentPlan(ctx, db.ro)
		if err != nil {
			return nil, err
		}
		c.plan = p
	}
	p := *c.plan
	return &p, nil
}

// Priorities returns a plan's priorities in order, with their measures and
// task-group channels. Priority 0, when present, holds plan-wide measures.
// The slice and its priorities are shared: callers must not modify them.
func (db *DB) Priorities(ctx context.Context, planID int64) ([]*actionbot.Priority, error) {
	db.cache.mu.Lock()
	defer db.cache.mu.Unlock()
	c, err := db.freshCache(ctx)
	if err != nil {
		return nil, err
	}
	if ps, ok := c.priorities[planID]; ok {
		return ps, nil
	}
	ps, err := priorities(ctx, db.ro, planID)
	if err != nil {
		return nil, err
	}
	c.priorities[planID] = ps
	return ps, nil
}

// Directory returns the agency directory, for resolving names and aliases.
func (db *DB) Directory(ctx context.Context) (*actionbot.Directory, error) {
	db.cache.mu.Lock()
	defer db.cache.mu.Unlock()
	c, err := db.freshCache(ctx)
	if err != nil {
		return nil, err
	}
	if c.dir == nil {
		as, err := agencies(ctx, db.ro)
		if err != nil {
			return nil, err
		}
		c.dir = actionbot.NewDirectory(as)
	}
	return c.dir, nil
}
