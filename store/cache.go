package store

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

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
	// Trust is read before the stale mark: the listener marks the caches
	// stale for a notice before it trusts a later ping.
	trusted := db.feed.trusted()
	if w.valid && !w.dirty.Load() {
		// Told of every change by the database (ListenForChanges): asked
		// only after a notice, or now and then in case one went astray.
		if trusted && time.Since(w.checkedAt) < feedRecheck {
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
	w.last, w.checkedAt, w.valid = c, actionbot.WallClock(), true
	return c, nil
}

// bumpPlanRevision records, inside a write transaction, that the plan's
// definition changed.
func bumpPlanRevision(ctx context.Context, tx execer) error {
	if _, err := tx.ExecContext(ctx, `UPDATE revisions SET n = n + 1 WHERE name = 'plan'`); err != nil {
		return fmt.Errorf("bump plan revision: %w", err)
	}
	movesCounters(tx)
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

// Replicas on PostgreSQL, and why a lookup may ask the database nothing.
//
// Every write transaction queues a notice on the deployment's channel
// (notifyChannel and its schema) in the statement that takes the write
// lock (lockWrites). PostgreSQL delivers it to every listening session at
// the commit (and drops it with a rollback), and delivers the notices of
// different transactions in the order they committed. A replica that
// listens (ListenForChanges) marks its caches stale when it hears a
// notice, so that its next read asks for the change counters again.
//
// Hearing alone is not enough for a person's own change to be visible to
// them at once: made through replica A, and looked up at once through
// replica B, the lookup may reach B before B has heard the notice (a
// loaded machine runs B's listener late). A per-person rule cannot mend
// that from notices either, since B cannot know of a change it has not
// heard. So the waiting is moved to the change, and a replica trusts its
// counters only while the change would have waited for it:
//
//   - A replica that serves reads pings itself every pingEvery on its
//     listening connection (a notice "p <replica> <when sent>"). When its
//     ping comes back it has heard, and marked its caches stale for, every
//     notice committed before the ping was sent (commit order); it then
//     trusts its counters until trustFor after the ping was sent, no
//     longer. The other replicas hear the ping too, and count the sender
//     live for liveFor (as long as trustFor).
//   - A replica that hears another's notice marks its caches stale, then
//     acks it ("a <replica> <notice>").
//   - A transaction that moved the counters (wrote an audit entry or
//     bumped the plan's revision), after its commit, waits before it
//     returns: for its own notice to come back, by which time it has heard
//     every ping committed before its commit, and so knows the live
//     replicas; then for the ack of each live replica; and at most until
//     trustFor after its commit.
//
// So a replica B never answers a read that arrives after a change's answer
// from counters older than the change. If B acked, it had marked its
// caches stale first: the read asks. If B did not ack, the change either
// waited trustFor after its commit, or did not count B live; either way
// every ping of B's that came back without the notice ahead of it was
// sent more than trustFor before the answer (before the commit in the
// first case; more than liveFor before the change heard its own notice,
// in the second), so B no longer trusts it. A ping sent after the commit
// comes back after the notice, which has marked B's caches stale.
// Nothing depends on how late a listener runs: a late one costs a query
// per read, or a change's wait, never a stale answer. A replica that
// serves no reads does not ping, is soon not counted live, and is not
// waited for.
//
// A process that does not listen (the CLI) sends notices but does not
// wait: the replicas see its changes as they hear them, within
// milliseconds. While a replica's listening connection is down it trusts
// nothing (every read asks) and its changes wait the whole trustFor;
// even while it lives, the counters are read at least every feedRecheck.

// notifyChannel is the start of the notice channel's name; the schema ends
// it, so that deployments in schemas of one database hear only their own.
const notifyChannel = "actionbot_changes:"

// feedRecheck is how long a replica that listens trusts its counters
// without a notice.
const feedRecheck = 5 * time.Second

const (
	// pingEvery is how often a replica that serves reads pings itself.
	pingEvery = 250 * time.Millisecond
	// trustFor is how long after a ping was sent its return lets a
	// replica trust its counters, and the longest a change waits for the
	// live replicas' acks after its commit.
	trustFor = time.Second
	// liveFor is how long after a replica's ping is heard it is waited for.
	// It must not be shorter than trustFor.
	liveFor = trustFor
)

// monoStart is the origin of mono: instants in the feed are durations
// since it, on the monotonic clock, so that they fit atomics.
var monoStart = actionbot.WallClock()

func mono() time.Duration { return time.Since(monoStart) }

// changeFeed is the listening side: whether it is live, until when the
// counters may be trusted, the other replicas heard, and the changes of
// this process waiting for their notices and acks.
type changeFeed struct {
	// started is set while ListenForChanges has a listener running.
	started atomic.Bool
	// live is set while the listening connection is up.
	live atomic.Bool
	// trustedTill is the mono instant until which the counters may be
	// trusted without asking (0: not at all).
	trustedTill atomic.Int64
	// wanted is set by a read that looked for trust since the last ping.
	wanted atomic.Bool
	seq    atomic.Int64
	once   sync.Once
	id     string
	// hold, when a test holds it, stops the listener between notices.
	hold sync.Mutex

	mu      sync.Mutex
	waiting map[string]*noticeWait
	peers   map[string]time.Duration
}

// noticeWait is a change waiting for its notice and the live replicas'
// acks.
type noticeWait struct {
	heard bool
	// kept: the change brings this process's caches up to date itself
	// (took), so its own notice need not mark them stale.
	kept  bool
	peers map[string]bool
	acked map[string]bool
	done  chan struct{}
}

// replica names this process in the notices.
func (f *changeFeed) replica() string {
	f.once.Do(func() { f.id = fmt.Sprintf("%d.%d", os.Getpid(), actionbot.WallClock().UnixNano()) })
	return f.id
}

// nextNotice is a change notice no other transaction sends.
func (f *changeFeed) nextNotice() string {
	return "c " + f.replica() + " " + strconv.FormatInt(f.seq.Add(1), 10)
}

// trusted reports whether the counters may be used without asking, and
// has the listener ping while reads want it to.
func (f *changeFeed) trusted() bool {
	if !f.started.Load() {
		return false
	}
	if !f.wanted.Load() {
		f.wanted.Store(true)
	}
	return int64(mono()) < f.trustedTill.Load()
}

// expect returns what a transaction sending notice will wait on after its
// commit, or nil when nothing listens.
func (f *changeFeed) expect(notice string) *noticeWait {
	if notice == "" || !f.started.Load() {
		return nil
	}
	w := &noticeWait{done: make(chan struct{})}
	f.mu.Lock()
	if f.waiting == nil {
		f.waiting = map[string]*noticeWait{}
	}
	f.waiting[notice] = w
	f.mu.Unlock()
	return w
}

// await waits for an expected notice and the live replicas' acks, at most
// until trustFor after committed (a mono instant).
func (f *changeFeed) await(notice string, w *noticeWait, committed time.Duration) {
	if left := committed + trustFor - mono(); left > 0 {
		t := time.NewTimer(left)
		select {
		case <-w.done:
		case <-t.C:
		}
		t.Stop()
	}
	f.forget(notice)
}

// forget stops expecting a notice.
func (f *changeFeed) forget(notice string) {
	f.mu.Lock()
	delete(f.waiting, notice)
	f.mu.Unlock()
}

// keeps notes that the change sending notice keeps this process's caches
// up to date itself.
func (f *changeFeed) keeps(notice string) {
	f.mu.Lock()
	if w := f.waiting[notice]; w != nil {
		w.kept = true
	}
	f.mu.Unlock()
}

// ownNotice is this process's change notice come back: the replicas heard
// live by now are those it waits for. It reports whether the change keeps
// the caches up to date itself.
func (f *changeFeed) ownNotice(notice string) (kept bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w := f.waiting[notice]
	if w == nil || w.heard {
		return false
	}
	w.heard = true
	now := mono()
	for r, at := range f.peers {
		switch {
		case now-at >= 60*liveFor:
			delete(f.peers, r) // long gone
		case now-at < liveFor && !w.acked[r]:
			if w.peers == nil {
				w.peers = map[string]bool{}
			}
			w.peers[r] = true
		}
	}
	if len(w.peers) == 0 {
		close(w.done)
	}
	return w.kept
}

// ack is replica's ack of notice.
func (f *changeFeed) ack(notice, replica string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w := f.waiting[notice]
	switch {
	case w == nil:
	case !w.heard: // cannot come first (commit order), but harmless
		if w.acked == nil {
			w.acked = map[string]bool{}
		}
		w.acked[replica] = true
	case w.peers[replica]:
		delete(w.peers, replica)
		if len(w.peers) == 0 {
			close(w.done)
		}
	}
}

// peer records that replica's ping was heard now.
func (f *changeFeed) peer(replica string) {
	f.mu.Lock()
	if f.peers == nil {
		f.peers = map[string]time.Duration{}
	}
	f.peers[replica] = mono()
	f.mu.Unlock()
}

// ListenForChanges has this DB, on PostgreSQL, learn of changes made
// through other replicas by notice rather than by asking on every read,
// until ctx ends, and have its own changes wait for the other replicas
// that listen (see above). It connects once before it returns (an error
// if it cannot), then listens in the background, reconnecting after a
// loss (reads ask the database meanwhile). On SQLite it does nothing.
func (db *DB) ListenForChanges(ctx context.Context) error {
	if db.dialect != postgresDialect {
		return nil
	}
	conn, channel, err := db.listen(ctx)
	if err != nil {
		return err
	}
	db.feed.started.Store(true)
	go func() {
		defer db.feed.started.Store(false)
		for {
			err := db.hear(ctx, conn, channel)
			db.feed.live.Store(false)
			db.feed.trustedTill.Store(0)
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
				conn, channel, _ = db.listen(ctx)
			}
		}
	}()
	return nil
}

// listen opens the listening connection and starts listening on the
// channel it returns.
func (db *DB) listen(ctx context.Context) (*pgx.Conn, string, error) {
	conn, err := pgx.Connect(ctx, db.Path)
	if err != nil {
		return nil, "", fmt.Errorf("listen for changes on %s: %w", actionbot.Redact(db.Path), err)
	}
	var schema string
	if err := conn.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		conn.Close(context.Background())
		return nil, "", fmt.Errorf("listen for changes: %w", err)
	}
	channel := notifyChannel + schema
	if _, err := conn.Exec(ctx, `LISTEN `+pgx.Identifier{channel}.Sanitize()); err != nil {
		conn.Close(context.Background())
		return nil, "", fmt.Errorf("listen for changes: %w", err)
	}
	// What changed before the LISTEN is read on the next read.
	db.feed.live.Store(true)
	db.feed.wanted.Store(true) // ping at once
	db.changed()
	return conn, channel, nil
}

// hear takes notices, pings while reads want it, and acks other replicas'
// changes, until the connection fails or ctx ends.
func (db *DB) hear(ctx context.Context, conn *pgx.Conn, channel string) error {
	f := &db.feed
	me := f.replica()
	var next time.Duration
	for {
		if now := mono(); now >= next {
			if f.wanted.Swap(false) {
				ping := "p " + me + " " + strconv.FormatInt(int64(mono()), 10)
				if _, err := conn.Exec(ctx, `SELECT pg_notify($1, $2)`, channel, ping); err != nil {
					return fmt.Errorf("listen for changes: ping: %w", err)
				}
			}
			next = mono() + pingEvery
		}
		wctx, cancel := context.WithTimeout(ctx, next-mono())
		n, err := conn.WaitForNotification(wctx)
		cancel()
		if err != nil {
			if ctx.Err() == nil && pgconn.Timeout(err) && !conn.IsClosed() {
				continue // time to ping
			}
			return fmt.Errorf("listen for changes: %w", err)
		}
		f.hold.Lock()
		ack := db.heard(n.Payload)
		f.hold.Unlock()
		if ack != "" {
			if _, err := conn.Exec(ctx, `SELECT pg_notify($1, $2)`, channel, "a "+me+" "+ack); err != nil {
				return fmt.Errorf("listen for changes: ack: %w", err)
			}
		}
	}
}

// heard takes one notice; for another replica's change it returns what to
// ack (after the caches are marked stale).
func (db *DB) heard(payload string) (ack string) {
	f := &db.feed
	kind, rest, _ := strings.Cut(payload, " ")
	switch kind {
	case "c":
		if from, _, _ := strings.Cut(rest, " "); from == f.replica() {
			if !f.ownNotice(payload) {
				db.changed()
			}
			return ""
		}
		db.changed()
		return payload
	case "p":
		from, sent, _ := strings.Cut(rest, " ")
		if from != f.replica() {
			f.peer(from)
			return ""
		}
		if at, err := strconv.ParseInt(sent, 10, 64); err == nil {
			f.trustedTill.Store(at + int64(trustFor))
		}
	case "a":
		from, notice, _ := strings.Cut(rest, " ")
		f.ack(notice, from)
	default:
		db.changed() // an older replica's notice: a change
	}
	return ""
}
