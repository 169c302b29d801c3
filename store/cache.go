package store

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

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

// changeWatch tells the caches whether the database has changed. It reads
// two counters: the 'plan' revision (bumped with any change to a plan's
// definition) and the highest audit entry id (every change to an action
// writes one). With RecheckEvery set, it reads them at most that often,
// unless this process has written since: a change made here is seen at
// once, one made by another process within RecheckEvery.
type changeWatch struct {
	mu        sync.Mutex
	last      counters
	checkedAt time.Time
	valid     bool
	dirty     atomic.Bool
}

// changed records that this process has written: the next read checks.
func (db *DB) changed() { db.watch.dirty.Store(true) }

// counters returns the change counters, read afresh unless read within
// RecheckEvery with no write from this process since.
func (db *DB) counters(ctx context.Context) (counters, error) {
	w := &db.watch
	w.mu.Lock()
	defer w.mu.Unlock()
	if db.RecheckEvery > 0 && w.valid && !w.dirty.Load() && time.Since(w.checkedAt) < db.RecheckEvery {
		return w.last, nil
	}
	w.dirty.Store(false) // a write from here on marks it again
	var c counters
	if err := db.ro.GetContext(ctx, &c, countersQuery); err != nil {
		w.valid = false
		return c, fmt.Errorf("read change counters: %w", err)
	}
	w.last, w.checkedAt, w.valid = c, time.Now(), true
	return c, nil
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
	cs, err := db.counters(ctx)
	if err != nil {
		return nil, err
	}
	if rev := cs.Rev; !c.loaded || rev != c.rev {
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
