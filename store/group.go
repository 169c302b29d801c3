package store

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/sevenoaks-csp/actionbot"
)

// Group commit, on SQLite: changes to actions that arrive while another
// write is being made wait together, and the next writer makes all of them
// in one transaction, each inside its own savepoint. COMMIT (writing the
// pages to the WAL, and now and then the checkpoint) is most of a change's
// cost in the database, and the pages a change writes (the audit trail's
// last page, the inbox's, their indexes) are largely the same pages for
// every change: shared, each costs a fraction.
//
// Each change is still committed before its answer (the caller returns
// after the group's COMMIT), audited once (its entries written in its
// savepoint), and recorded for a replay with its reply. A change refused
// or failing is rolled back to its savepoint and answered with its own
// error: the others are made. Only a failed COMMIT fails them all, as it
// failed the one before.

// maxGroup bounds the changes made in one transaction.
const maxGroup = 32

// writeGroup gathers the changes waiting to be made.
type writeGroup struct {
	once sync.Once
	// token is held by the one writer making a group.
	token   chan struct{}
	mu      sync.Mutex
	pending []*groupedChange
	// commits counts the groups committed (tests).
	commits atomic.Int64
}

// groupedChange is one change waiting in the group, and its outcome.
type groupedChange struct {
	ctx  context.Context
	u    *actionUpdate
	done chan struct{}
	d    *madeChange
	err  error
}

// groupTx is what the changes of one transaction share.
type groupTx struct {
	// base is the highest audit id before the group's first change, as
	// that change read it (-1 until then).
	base    int64
	touched map[int64]bool
}

// auditMax returns the highest audit id before the group's first change,
// given what this change read (the first change's reading is the base).
func (g *groupTx) auditMax(read int64) int64 {
	if g.base < 0 {
		g.base = read
	}
	return g.base
}

func (g *writeGroup) tokens() chan struct{} {
	g.once.Do(func() { g.token = make(chan struct{}, 1) })
	return g.token
}

// change makes u with whatever other changes are waiting, and returns its
// outcome once the transaction making it has committed (or failed).
func (g *writeGroup) change(ctx context.Context, db *DB, u *actionUpdate) (*actionbot.Action, []*actionbot.AuditEntry, actionbot.Message, error) {
	token := g.tokens()
	c := &groupedChange{ctx: ctx, u: u, done: make(chan struct{})}
	g.mu.Lock()
	g.pending = append(g.pending, c)
	g.mu.Unlock()
	select {
	case <-c.done: // made by another writer's group
	case token <- struct{}{}:
		// This writer makes the waiting changes (its own among them,
		// unless a writer before it took it).
		defer func() { <-token }()
		for {
			g.mu.Lock()
			batch := g.pending
			if len(batch) > maxGroup {
				batch = batch[:maxGroup:maxGroup]
				g.pending = append([]*groupedChange(nil), g.pending[maxGroup:]...)
			} else {
				g.pending = nil
			}
			g.mu.Unlock()
			if len(batch) > 0 {
				g.commit(db, batch)
			}
			select {
			case <-c.done:
			default:
				continue // its own change is still waiting, further on
			}
			break
		}
	}
	<-c.done
	if c.err != nil {
		return nil, nil, actionbot.Message{}, c.err
	}
	return c.d.a, c.d.es, c.d.msg, nil
}

// commit makes batch in one transaction.
func (g *writeGroup) commit(db *DB, batch []*groupedChange) {
	var fail func(error)
	defer func() {
		// A change that panics (its function, its reply) leaves the
		// transaction in no known state: none of the group is made, each
		// is answered with the error, and the next group goes on.
		if p := recover(); p != nil {
			fail(fmt.Errorf("update actions: a change of the group failed: %v", p))
		}
		for _, c := range batch {
			close(c.done)
		}
	}()
	fail = func(err error) {
		for _, c := range batch {
			if c.err == nil {
				c.err = err
			}
			if c.u.rec != nil {
				c.u.rec.ID = 0
			}
			c.d = nil
		}
	}
	// The transaction is the group's: one person's request going away
	// must not roll back the others'.
	ctx := context.Background()
	tx, err := db.begin(ctx)
	if err != nil {
		fail(err)
		return
	}
	defer tx.Rollback()
	gt := &groupTx{base: -1, touched: map[int64]bool{}}
	alone := len(batch) == 1
	for _, c := range batch {
		if err := c.ctx.Err(); err != nil {
			c.err = fmt.Errorf("update action %s: %w", c.u.ref, err)
			continue
		}
		if alone {
			if c.d, c.err = db.makeChange(ctx, tx, c.u, gt, nil); c.err != nil {
				if c.u.rec != nil {
					c.u.rec.ID = 0
				}
				return
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, `SAVEPOINT change`); err != nil {
			fail(fmt.Errorf("update action %s: %w", c.u.ref, err))
			return
		}
		c.d, c.err = db.makeChange(ctx, tx, c.u, gt, nil)
		if c.err != nil {
			c.d = nil
			if c.u.rec != nil {
				c.u.rec.ID = 0
			}
			if _, err := tx.ExecContext(ctx, `ROLLBACK TO change`); err != nil {
				fail(fmt.Errorf("update action %s: undo a refused change: %w", c.u.ref, err))
				return
			}
		}
		if _, err := tx.ExecContext(ctx, `RELEASE change`); err != nil {
			fail(fmt.Errorf("update action %s: %w", c.u.ref, err))
			return
		}
	}
	made := false
	for _, c := range batch {
		made = made || c.err == nil
	}
	if !made {
		return
	}
	if err := tx.Commit(); err != nil {
		fail(fmt.Errorf("update actions: commit: %w", err))
		return
	}
	g.commits.Add(1)
	queued := 0
	for _, c := range batch {
		if c.err == nil {
			db.took(c.u.planID, c.d.ws, c.d.a, c.d.now)
			queued += c.d.queued
		}
	}
	if queued > 0 {
		db.queued()
	}
}
