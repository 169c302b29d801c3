package store

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// Group commit (on PostgreSQL the same gathering, the group made as
// pggroup.go says): changes to actions that arrive while another write is
// being made wait together, and the next writer makes all of them in one
// transaction, on SQLite each inside its own savepoint. COMMIT (writing the
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
//
// Gathering: at a few clients, few changes are waiting when a writer takes
// the token: the first to arrive after a commit would make a group of one,
// the others, answered by the last commit, back 100-300 µs later (1.3
// changes a transaction at 4 clients; 3.3-3.7 with the gather). So a
// writer, when the system is busy, waits a little before BEGIN for the
// changes it expects, as PostgreSQL's commit_delay does. "Busy" is the last
// group having ended less than gatherRecent ago, with more changes in flight
// (waiting, or being made) while it or the group before it was made than
// the writer has now. It waits until as many have joined, or the smaller of
// maxGather and the last transaction's time has passed, or its own request
// is gone; each arrival wakes it. A lone change (none in flight beside the
// last groups, or the last group long ago) never waits. Nothing is made
// before BEGIN, so the guarantees above are the same.

// maxGroup bounds the changes made in one transaction.
const maxGroup = 32

// maxGather bounds a writer's wait for the changes it expects; gatherRecent
// is how recently the last group must have ended for the writer to wait.
const (
	maxGather    = time.Millisecond
	gatherRecent = 10 * time.Millisecond
)

// writeGroup gathers the changes waiting to be made.
type writeGroup struct {
	once sync.Once
	// token is held by the one writer making a group.
	token chan struct{}
	// arrived is signalled when a change joins pending.
	arrived chan struct{}
	mu      sync.Mutex
	pending []*groupedChange
	// inFlight counts the changes joined and not yet answered; peak is
	// the most in flight since the current group was taken.
	inFlight, peak int
	// The last group: when it ended, how long its transaction took, and
	// the most changes in flight while it was made; prevPeak the most
	// while the group before it was made.
	lastEnd            time.Time
	lastTx             time.Duration
	lastPeak, prevPeak int
	// commits counts the groups committed, gathers the writers that
	// waited for more changes (tests).
	commits, gathers atomic.Int64
	// now and timer, when set (tests), stand for the clock and the
	// gather's timer.
	now   func() time.Time
	timer func(time.Duration) (<-chan time.Time, func())
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
	g.once.Do(func() {
		g.token = make(chan struct{}, 1)
		g.arrived = make(chan struct{}, 1)
	})
	return g.token
}

func (g *writeGroup) clock() time.Time {
	if g.now != nil {
		return g.now()
	}
	return actionbot.WallClock()
}

// gather waits, before a writer takes its group, for the changes the last
// group suggests are coming (see above), and returns at once when none are.
func (g *writeGroup) gather(ctx context.Context) {
	g.mu.Lock()
	// One small group (a wait cut short) does not make the next writer
	// forget the changes in flight: the larger of the last two counts.
	want := min(max(g.lastPeak, g.prevPeak), maxGroup)
	wait := min(maxGather, g.lastTx)
	busy := len(g.pending) < want && wait > 0 && g.clock().Sub(g.lastEnd) < gatherRecent
	g.mu.Unlock()
	if !busy {
		return
	}
	g.gathers.Add(1)
	var expired <-chan time.Time
	if g.timer != nil {
		var stop func()
		expired, stop = g.timer(wait)
		defer stop()
	} else {
		t := time.NewTimer(wait)
		defer t.Stop()
		expired = t.C
	}
	for {
		select {
		case <-g.arrived: // a signal from before the count below is stale
		default:
		}
		g.mu.Lock()
		n := len(g.pending)
		g.mu.Unlock()
		if n >= want {
			return
		}
		select {
		case <-g.arrived:
		case <-expired:
			return
		case <-ctx.Done():
			return // its own change is answered with the error; the others are made
		}
	}
}

// change makes u with whatever other changes are waiting, and returns its
// outcome once the transaction making it has committed (or failed).
func (g *writeGroup) change(ctx context.Context, db *DB, u *actionUpdate) (*actionbot.Action, []*actionbot.AuditEntry, actionbot.Message, error) {
	token := g.tokens()
	c := &groupedChange{ctx: ctx, u: u, done: make(chan struct{})}
	g.mu.Lock()
	g.pending = append(g.pending, c)
	g.inFlight++
	g.peak = max(g.peak, g.inFlight)
	g.mu.Unlock()
	select {
	case g.arrived <- struct{}{}:
	default:
	}
	select {
	case <-c.done: // made by another writer's group
	case token <- struct{}{}:
		// This writer makes the waiting changes (its own among them,
		// unless a writer before it took it).
		defer func() { <-token }()
		for {
			select {
			case <-c.done: // taken by the writer before: make what waits
			default:
				g.gather(ctx)
			}
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
	if db.dialect == postgresDialect {
		batch = g.laterRepeats(batch)
	}
	var fail func(error)
	g.mu.Lock()
	g.peak = g.inFlight // the group's own, and those that come while it is made
	g.mu.Unlock()
	start := g.clock()
	defer func() {
		// A change that panics (its function, its reply) leaves the
		// transaction in no known state: none of the group is made, each
		// is answered with the error, and the next group goes on.
		if p := recover(); p != nil {
			fail(fmt.Errorf("update actions: a change of the group failed: %v", p))
		}
		g.mu.Lock()
		g.lastEnd = g.clock()
		g.lastTx = g.lastEnd.Sub(start)
		g.prevPeak, g.lastPeak = g.lastPeak, g.peak
		g.inFlight -= len(batch)
		g.mu.Unlock()
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
	if db.dialect == postgresDialect {
		g.commitPG(db, batch)
		return
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
	first := 0
	for _, c := range batch {
		if c.err == nil {
			db.took(c.u.planID, c.d.ws, c.d.a, c.d.now)
			first += c.d.first
		}
	}
	// A message queued behind another in its conversation waits for the
	// sender to send that one (enqueueChange, commitChangesPG): no reason to wake it.
	if first > 0 {
		db.queued()
	}
}
