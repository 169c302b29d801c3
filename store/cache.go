package store

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

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
	if w.valid && !w.dirty.Load() {
		// Told of every change by the database (ListenForChanges): asked
		// only after a notice, or now and then in case one went astray.
		if db.feed.live.Load() && time.Since(w.checkedAt) < feedRecheck {
			return w.last, nil
		}
		if db.RecheckEvery > 0 && time.Since(w.checkedAt) < db.RecheckEvery {
			return w.last, nil
		}
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

// On PostgreSQL, replicas learn of each other's changes by LISTEN/NOTIFY:
// every write transaction sends a notice on the deployment's channel
// (notifyChannel and its schema) with its commit (lockWrites), and a
// replica that listens (ListenForChanges) reads the change counters again
// only after a notice, so that a lookup while nothing changes asks the
// database nothing. Should the listening connection fail, every read asks
// again until it is back; and even while it lives, the counters are read at
// least every feedRecheck.

// notifyChannel is the start of the notice channel's name; the schema ends
// it, so that deployments in schemas of one database hear only their own.
const notifyChannel = "actionbot_changes:"

// feedRecheck is how long a replica that listens trusts its counters
// without a notice.
const feedRecheck = 5 * time.Second

// ownNoticeWait bounds how long a change waits, after its commit, for its
// own notice to come back: by then the other replicas have been sent it
// too, so the person's next request sees the change wherever it lands.
const ownNoticeWait = 250 * time.Millisecond

// changeFeed is the listening side: whether it is live, and the changes of
// this process waiting for their notices.
type changeFeed struct {
	live    atomic.Bool
	seq     atomic.Int64
	prefix  string
	mu      sync.Mutex
	waiting map[string]chan struct{}
}

// nextNotice is a payload no other transaction sends.
func (f *changeFeed) nextNotice() string {
	f.mu.Lock()
	if f.prefix == "" {
		f.prefix = fmt.Sprintf("%d.%d.", os.Getpid(), time.Now().UnixNano())
	}
	f.mu.Unlock()
	return f.prefix + strconv.FormatInt(f.seq.Add(1), 10)
}

// expect returns a channel closed when notice comes back, or nil when
// nothing listens.
func (f *changeFeed) expect(notice string) chan struct{} {
	if notice == "" || !f.live.Load() {
		return nil
	}
	ch := make(chan struct{})
	f.mu.Lock()
	if f.waiting == nil {
		f.waiting = map[string]chan struct{}{}
	}
	f.waiting[notice] = ch
	f.mu.Unlock()
	return ch
}

// await waits, at most ownNoticeWait, for an expected notice.
func (f *changeFeed) await(notice string, ch chan struct{}) {
	if ch == nil {
		return
	}
	t := time.NewTimer(ownNoticeWait)
	select {
	case <-ch:
	case <-t.C:
	}
	t.Stop()
	f.forget(notice)
}

// forget stops expecting a notice.
func (f *changeFeed) forget(notice string) {
	f.mu.Lock()
	delete(f.waiting, notice)
	f.mu.Unlock()
}

func (f *changeFeed) saw(notice string) {
	f.mu.Lock()
	ch := f.waiting[notice]
	delete(f.waiting, notice)
	f.mu.Unlock()
	if ch != nil {
		close(ch)
	}
}

// ListenForChanges has this DB, on PostgreSQL, learn of changes made
// through other replicas by notice rather than by asking on every read,
// until ctx ends. It connects once before it returns (an error if it
// cannot), then listens in the background, reconnecting after a loss
// (reads ask the database meanwhile). On SQLite it does nothing.
func (db *DB) ListenForChanges(ctx context.Context) error {
	if db.dialect != postgresDialect {
		return nil
	}
	conn, err := db.listen(ctx)
	if err != nil {
		return err
	}
	go func() {
		for {
			err := db.hear(ctx, conn)
			db.feed.live.Store(false)
			db.changed()
			conn.Close(context.Background())
			if ctx.Err() != nil {
				return
			}
			_ = err // the loss is felt as a query per read until the next connection
			for conn = nil; conn == nil; {
				select {
				case <-ctx.Done():
					return
				case <-time.After(time.Second):
				}
				conn, _ = db.listen(ctx)
			}
		}
	}()
	return nil
}

// listen opens the listening connection and starts listening.
func (db *DB) listen(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.Connect(ctx, db.Path)
	if err != nil {
		return nil, fmt.Errorf("listen for changes on %s: %w", actionbot.Redact(db.Path), err)
	}
	var schema string
	if err := conn.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		conn.Close(context.Background())
		return nil, fmt.Errorf("listen for changes: %w", err)
	}
	if _, err := conn.Exec(ctx, `LISTEN `+pgx.Identifier{notifyChannel + schema}.Sanitize()); err != nil {
		conn.Close(context.Background())
		return nil, fmt.Errorf("listen for changes: %w", err)
	}
	// What changed before the LISTEN is read on the next read.
	db.feed.live.Store(true)
	db.changed()
	return conn, nil
}

// hear takes notices until the connection fails or ctx ends.
func (db *DB) hear(ctx context.Context, conn *pgx.Conn) error {
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return fmt.Errorf("listen for changes: %w", err)
		}
		db.changed()
		db.feed.saw(n.Payload)
	}
}
