package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
)

// An archived plan's actions are answered from a snapshot too, so that the
// list filters have one implementation (snapshot.go's matcher). An archived
// plan is read-only: UpdateActionSteps and ConfirmDeadline refuse it,
// CarryAction only reads it (it writes to the current plan's action), and
// only an import can archive a plan or change one, and every import bumps
// the 'plan' revision. So an archived plan's snapshot is loaded whole on
// first use and stays right, unchanged, while the revision is the one it
// was loaded at.

// archivedSnaps holds the archived plans' snapshots loaded at one revision.
type archivedSnaps struct {
	mu    sync.Mutex
	rev   int64
	plans map[int64]*snapshot
}

// maxArchived bounds the archived plans kept in memory: people look back at
// last year's plan, rarely further.
const maxArchived = 4

// archivedSnapshot returns the snapshot of plan planID, which is not the
// current plan (or was not a moment ago), loading it on first use. A plan
// with no actions, or none of that id, has an empty snapshot.
func (db *DB) archivedSnapshot(ctx context.Context, planID int64) (*snapshot, error) {
	c, err := db.counters(ctx)
	if err != nil {
		return nil, err
	}
	as := &db.archived
	as.mu.Lock()
	defer as.mu.Unlock()
	if as.plans == nil || as.rev != c.Rev {
		as.rev, as.plans = c.Rev, map[int64]*snapshot{}
	}
	if s := as.plans[planID]; s != nil {
		return s, nil
	}
	tx, err := db.ro.BeginTxx(ctx, db.snapshotTxOptions())
	if err != nil {
		return nil, fmt.Errorf("load archived plan: %w", err)
	}
	defer tx.Rollback()
	if err := tx.GetContext(ctx, &c, countersQuery); err != nil {
		return nil, fmt.Errorf("load archived plan: %w", err)
	}
	var current bool
	if err := tx.GetContext(ctx, &current, `SELECT is_current FROM plans WHERE id = ?`, planID); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("load archived plan: %w", err)
	}
	s := &snapshot{planRev: c.Rev, auditMax: c.AuditMax.Int64, byRef: map[string]int{}, byID: map[int64]int{}}
	if err := s.load(ctx, tx, planID); err != nil {
		return nil, err
	}
	// Keep it only if it is archived at the revision the cache is for: an
	// import between the two reads, or the plan being current after all,
	// makes it right for this answer alone.
	if !current && c.Rev == as.rev {
		if len(as.plans) >= maxArchived {
			for id := range as.plans {
				delete(as.plans, id) // any one: they are all rarely read
				break
			}
		}
		as.plans[planID] = s
	}
	return s, nil
}
