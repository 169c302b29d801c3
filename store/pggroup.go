package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5/stdlib"

	"github.com/sevenoaks-csp/actionbot"
)

// Group commit on PostgreSQL. The write lock serialises every writer and
// each COMMIT waits for its fsync, so changes in flight queue one behind
// another, each paying its own two round trips, its own notice and its own
// fsync. As on SQLite (group.go), the changes waiting when a writer takes
// the token are made together in one transaction, in two round trips for
// the group:
//
//  1. BEGIN, the write lock with ONE notice for the group, and the write
//     state for each distinct actor and plan (beginChangesPG);
//  2. each change made in Go (makeChange: a refusal is that change's own
//     answer, and it is left out), then every made change's statements,
//     messages and request record, and COMMIT (commitChangesPG).
//
// Then the group waits once for its notice to come back from the
// replicas, and each change is answered.
//
// The audit ids are consecutive across the group, from the write state's
// highest (each change is given the ids after the one before), and the
// snapshot stands for the database for every change, as nothing of the
// group is written before its second round trip: so a second change to an
// action an earlier change of the group makes waits for the next group,
// which starts from the first one's result.
//
// If the server refuses a statement of the second round trip (a replayed
// request: the inbox's unique delivery index), it skips the rest, COMMIT
// included, and nothing was written: the group is rolled back and its
// changes made each alone (updateActionPG), so only the replay is refused
// ("That change was made already.") and the others are made. Two
// deliveries of one request in the same group are found before: the later
// is refused. A failure at or after the COMMIT fails the group's changes,
// as it failed the one change before.

// refKey is the action a change asks for.
type refKey struct {
	planID int64
	ref    string
}

// laterRepeats keeps in batch the first change to each action, and puts
// the others back at the front of the queue, for the next group: on
// PostgreSQL nothing of a group is written before its COMMIT, so a second
// change to an action would not see the first's result.
func (g *writeGroup) laterRepeats(batch []*groupedChange) []*groupedChange {
	var later []*groupedChange
	seen := make(map[refKey]bool, len(batch))
	take := make([]*groupedChange, 0, len(batch))
	for _, c := range batch {
		if k := (refKey{c.u.planID, c.u.ref}); seen[k] {
			later = append(later, c)
		} else {
			seen[k] = true
			take = append(take, c)
		}
	}
	if len(later) > 0 {
		g.mu.Lock()
		g.pending = append(later, g.pending...)
		g.mu.Unlock()
	}
	return take
}

// commitPG makes batch, its changes to distinct actions (laterRepeats), in
// one PostgreSQL transaction (see above); commit keeps the group's
// account and answers each change.
func (g *writeGroup) commitPG(db *DB, batch []*groupedChange) {
	// Those still asked for, and whose write state they need.
	live := make([]*groupedChange, 0, len(batch))
	var keys []stateKey
	index := map[stateKey]int{}
	for _, c := range batch {
		if err := c.ctx.Err(); err != nil {
			c.err = fmt.Errorf("update action %s: %w", c.u.ref, err)
			continue
		}
		live = append(live, c)
		k := stateKey{c.u.actor, c.u.planID}
		if _, ok := index[k]; !ok {
			index[k] = len(keys)
			keys = append(keys, k)
		}
	}
	if len(live) == 0 {
		return
	}
	// The transaction is the group's: one person's request going away
	// must not roll back the others'.
	ctx := context.Background()
	tx, sts, errs, err := db.beginChangesPG(ctx, keys)
	if err != nil {
		for _, c := range live {
			c.err = fmt.Errorf("update action %s: %w", c.u.ref, err)
		}
		return
	}
	defer tx.Rollback()

	gt := &groupTx{base: -1, touched: map[int64]bool{}}
	var auditMax sql.NullInt64
	delivered := map[string]bool{}
	made := make([]*groupedChange, 0, len(live))
	ws := make([]*pgWrite, 0, len(live))
	records := false
	for i, c := range live {
		k := index[stateKey{c.u.actor, c.u.planID}]
		if errs[k] != nil {
			c.err = errs[k]
			continue
		}
		st := sts[k]
		if gt.base < 0 {
			gt.base, auditMax = st.AuditMax.Int64, st.AuditMax
		}
		// The ids after the group's earlier changes'.
		st.AuditMax = auditMax
		rec := c.u.rec
		if rec != nil && rec.Delivery != "" && delivered[rec.Delivery] {
			rec.ID = 0
			c.err = actionbot.Errorf(actionbot.ECONFLICT, "That change was made already.")
			continue
		}
		if c.d, c.err = db.makeChange(ctx, tx, c.u, gt, &st); c.err != nil {
			c.d = nil
			if rec != nil {
				rec.ID = 0
			}
			if tx.aborted() {
				// A statement failed: the transaction writes nothing
				// more. The changes made so far, and those after, are
				// made each alone.
				tx.Rollback()
				db.alone(append(made, live[i+1:]...))
				return
			}
			continue
		}
		auditMax = sql.NullInt64{Int64: c.d.es[len(c.d.es)-1].ID, Valid: true}
		if rec != nil {
			records = true
			if rec.Delivery != "" {
				delivered[rec.Delivery] = true
			}
		}
		made = append(made, c)
		ws = append(ws, &pgWrite{a: c.d.a, es: c.d.es, now: c.d.now, msgs: c.d.msgs, rec: rec, reply: c.d.msg})
	}
	if len(made) == 0 {
		return
	}
	if records { // as recordDone did
		if err := db.sent.record(ctx, tx, made[0].d.now); err != nil {
			tx.Rollback()
			db.alone(made)
			return
		}
	}
	refused, err := db.commitChangesPG(ctx, tx, ws)
	if refused {
		tx.Rollback()
		db.alone(made)
		return
	} else if err != nil {
		for _, c := range made {
			c.d, c.err = nil, err
		}
		return
	}
	g.commits.Add(1)
	// Taken into the snapshot before the wait, in the order made, so that
	// the next group (the write lock is free) finds the snapshot is the
	// database's. Then the group's changes are answered once every replica
	// that listens has heard of them (cache.go).
	first := 0
	for i, c := range made {
		c.d.queued, c.d.first = ws[i].queued, ws[i].first
		db.took(c.u.planID, c.d.ws, c.d.a, c.d.now)
		first += c.d.first
	}
	tx.committed(nil)
	// A message queued behind another in its conversation waits for the
	// sender to send that one (enqueueChange, commitChangesPG): no reason to wake it.
	if first > 0 {
		db.queued()
	}
}

// alone makes each of cs in a transaction of its own, in order: a group
// whose transaction could not write them all.
func (db *DB) alone(cs []*groupedChange) {
	for _, c := range cs {
		a, es, msg, err := db.updateActionPG(c.ctx, c.u)
		c.d, c.err = nil, err
		if err == nil {
			c.d = &madeChange{a: a, es: es, msg: msg}
		}
	}
}

// aborted reports whether t, a transaction begun by hand on PostgreSQL,
// has failed (a statement's error): it writes nothing until rolled back.
func (t *Tx) aborted() bool {
	if t.conn == nil {
		return true
	}
	failed := false
	t.conn.Raw(func(dc any) error {
		failed = dc.(*stdlib.Conn).Conn().PgConn().TxStatus() == 'E'
		return nil
	})
	return failed
}
