package store

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/sevenoaks-csp/actionbot"
)

// On PostgreSQL each statement is a round trip to the server, and a change
// to an action was six (BEGIN, the write lock, the plan state, the change,
// the inbox record, COMMIT). A change is now two, through pgx batches on
// one connection of the pool: the first sends BEGIN, the write lock (with
// its notice) and the plan state together; the second the action, its
// audit entries (their ids given, the highest plus one under the write
// lock, as on SQLite, so that the reply that names them is made first) and
// changes, the messages it queues, the request's record, and COMMIT.
// The changes waiting together are made so in one transaction, two round
// trips for the group (pggroup.go).
// Each statement of a batch runs after the one before has finished, so the
// plan state is read after the lock is held (READ COMMITTED takes a
// snapshot per statement); and a statement that fails (the request
// recorded already: the record's unique index) skips the rest, COMMIT
// included, and the transaction is rolled back.

// stateKey is whose write state a change needs: its actor's, in its plan.
type stateKey struct {
	actor  string
	planID int64
}

// beginChangePG begins a change's write transaction on a connection of its
// own and reads the write state for actor and plan, in one round trip.
func (db *DB) beginChangePG(ctx context.Context, actor string, planID int64) (*Tx, writeState, error) {
	tx, sts, errs, err := db.beginChangesPG(ctx, []stateKey{{actor, planID}})
	if err != nil {
		return nil, writeState{}, err
	}
	if errs[0] != nil {
		tx.Rollback()
		return nil, writeState{}, errs[0]
	}
	return tx, sts[0], nil
}

// beginChangesPG begins a write transaction on a connection of its own,
// takes the write lock with one notice, and reads the write state for each
// of keys, in one round trip. A plan that does not exist is that key's
// error (ENOTFOUND); any other failure the whole transaction's.
func (db *DB) beginChangesPG(ctx context.Context, keys []stateKey) (*Tx, []writeState, []error, error) {
	if err := db.writable(); err != nil {
		return nil, nil, nil, fmt.Errorf("begin transaction: %w", err)
	}
	c, err := db.rw.DB.Connx(ctx)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("begin transaction: %w", err)
	}
	tx := &Tx{conn: c, watch: db.rw.watch, notice: db.feed.nextNotice()}
	tx.feed, tx.wait = &db.feed, db.feed.expect(tx.notice)
	sts, errs := make([]writeState, len(keys)), make([]error, len(keys))
	err = c.Raw(func(dc any) error {
		b := &pgx.Batch{}
		b.Queue(`BEGIN`)
		b.Queue(`SELECT pg_advisory_xact_lock($1, hashtext(current_schema())), pg_notify($2 || current_schema(), $3)`,
			int32(writeLockKey), notifyChannel, tx.notice)
		q := c.Rebind(writeStateQueryPG)
		for _, k := range keys {
			b.Queue(q, k.actor, k.actor, k.planID)
		}
		br := dc.(*stdlib.Conn).Conn().SendBatch(ctx, b)
		if _, err := br.Exec(); err != nil {
			br.Close()
			return fmt.Errorf("begin transaction: %w", err)
		}
		if _, err := br.Exec(); err != nil {
			br.Close()
			return fmt.Errorf("begin transaction: take the write lock: %w", err)
		}
		for i := range keys {
			ws := &sts[i]
			err := br.QueryRow().Scan(&ws.Current, &ws.Rev, &ws.AuditMax, &ws.Agencies, &ws.Coordinator)
			if errors.Is(err, pgx.ErrNoRows) {
				errs[i] = actionbot.Errorf(actionbot.ENOTFOUND, "No such plan.")
			} else if err != nil {
				br.Close()
				return fmt.Errorf("check the plan is current: %w", err)
			}
		}
		return br.Close()
	})
	if err != nil {
		tx.Rollback()
		return nil, nil, nil, err
	}
	return tx, sts, errs, nil
}

// pgWrite is what one change made in a transaction of beginChangesPG
// writes: the action a, its entries es (their ids given), the messages
// msgs it queues (those inserted get their ids) and the request rec
// answered by reply; and, once written, how many messages it queued and
// how many of those are the first waiting for their conversation.
type pgWrite struct {
	a             *actionbot.Action
	es            []*actionbot.AuditEntry
	now           string
	msgs          []*actionbot.Outgoing
	rec           *actionbot.InboxItem
	reply         actionbot.Message
	queued, first int
	recID         int64
}

// queue adds w's statements to b.
func (db *DB) queueWrite(b *pgx.Batch, tx *Tx, w *pgWrite) error {
	a, es, now := w.a, w.es, w.now
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	var q strings.Builder
	q.WriteString(`WITH changed AS (UPDATE actions SET status = ` + arg(string(a.Status)) + `, reason = ` + arg(a.Reason) +
		`, progress = ` + arg(a.Progress) + `, by_when = ` + arg(a.Deadline.Written) + `, due = ` + arg(nullDate(a.Deadline.Due)) +
		`, ongoing = ` + arg(boolInt(a.Deadline.Ongoing)) + `, snoozed_until = ` + arg(nullTime(a.SnoozedUntil)) +
		`, last_activity = ` + arg(nullTime(a.LastActivity)) + `, updated_at = ` + arg(now) + ` WHERE id = ` + arg(a.ID) + `)`)
	q.WriteString(`, entries AS (INSERT INTO audit (id, action_id, at, actor, verb, note) VALUES `)
	var changes []string
	for i, e := range es {
		at := now
		if !e.At.IsZero() {
			at = formatTime(e.At)
		}
		if i > 0 {
			q.WriteString(`, `)
		}
		q.WriteString(`(` + arg(e.ID) + `, ` + arg(a.ID) + `, ` + arg(at) + `, ` + arg(e.Actor) + `, ` + arg(string(e.Verb)) + `, ` + arg(e.Note) + `)`)
		for j, c := range e.Changes {
			changes = append(changes, `(`+arg(e.ID)+`, `+arg(j)+`, `+arg(c.Field)+`, `+arg(c.From)+`, `+arg(c.To)+`)`)
		}
	}
	q.WriteString(`)`)
	if len(changes) > 0 {
		q.WriteString(`, changes AS (INSERT INTO audit_changes (audit_id, position, field, from_value, to_value) VALUES ` + strings.Join(changes, `, `) + `)`)
	}
	// The identity's sequence goes on from the highest id given.
	q.WriteString(` SELECT setval(pg_get_serial_sequence('audit', 'id'), ` + arg(es[len(es)-1].ID) + `)`)
	movesCounters(tx)
	b.Queue(q.String(), args...)
	for _, m := range w.msgs {
		payload, next, err := outboxValues(m, now)
		if err != nil {
			return err
		}
		// With its id, whether it is the first waiting for its
		// conversation (as SQLite's enqueueChange asks it, in the same round trip):
		// only then does it wake the sender.
		b.Queue(`INSERT INTO outbox (dedupe_key, kind, recipient, payload, state, next_attempt_at, created_at, owner)
			VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7) ON CONFLICT (dedupe_key) DO NOTHING
			RETURNING id, NOT EXISTS (SELECT 1 FROM outbox o WHERE o.owner = $7 AND o.recipient = $3
				AND o.state IN ('pending', 'sending') AND o.id < outbox.id)`,
			m.Key, m.Kind, m.To, payload, next, now, db.ownerOf(m))
	}
	if rec := w.rec; rec != nil {
		if rec.Kind == "" {
			rec.Kind = InboxCommand
		}
		body, err := json.Marshal(w.reply)
		if err != nil {
			return fmt.Errorf("record a %s: encode its reply: %w", rec.Kind, err)
		}
		// No ON CONFLICT: a delivery recorded already fails the batch
		// before its COMMIT (inbox_delivery), and nothing is written.
		b.Queue(`INSERT INTO inbox (delivery, kind, user_id, channel_id, text, payload, response_url, received_at, state, done_at, reply, confirmed_at, changed)
			VALUES ($1, $2, $3, $4, '', '', $5, $6, 'done', $6, $7, $6, 1) RETURNING id`,
			rec.Delivery, rec.Kind, rec.UserID, rec.ChannelID, rec.ResponseURL, now, string(body))
	}
	return nil
}

// read reads the outcome of w's statements from br. refused reports that
// the server refused one of them (before the batch's COMMIT, which it then
// skipped: nothing was written).
func (w *pgWrite) read(br pgx.BatchResults) (refused bool, err error) {
	var pe *pgconn.PgError
	if _, err := br.Exec(); err != nil {
		return errors.As(err, &pe), fmt.Errorf("update action %s: %w", w.a.Ref, err)
	}
	for _, m := range w.msgs {
		var id int64
		var isFirst bool
		switch err := br.QueryRow().Scan(&id, &isFirst); {
		case errors.Is(err, pgx.ErrNoRows): // queued already
		case err != nil:
			return errors.As(err, &pe), fmt.Errorf("enqueue %s: %w", m.Key, err)
		default:
			w.queued++
			m.ID, m.State = id, actionbot.OutboxPending
			if isFirst {
				w.first++
			}
		}
	}
	if w.rec != nil {
		if err := br.QueryRow().Scan(&w.recID); err != nil {
			if errors.As(err, &pe) && pe.Code == "23505" && pe.ConstraintName == "inbox_delivery" {
				return true, actionbot.Errorf(actionbot.ECONFLICT, "That change was made already.")
			}
			return errors.As(err, &pe), fmt.Errorf("record a %s: %w", w.rec.Kind, err)
		}
	}
	return false, nil
}

// undone forgets the ids w's writes were given, when they were not made.
func (w *pgWrite) undone() {
	w.queued, w.first, w.recID = 0, 0, 0
	for _, m := range w.msgs {
		m.ID, m.State = 0, ""
	}
	if w.rec != nil {
		w.rec.ID = 0
	}
}

// commitChangesPG writes the changes ws, made in a transaction of
// beginChangesPG, and commits them, in one round trip (the caller then has
// them wait for the replicas, tx.committed). refused reports that the
// server refused a statement before the COMMIT: nothing was written, and
// the changes may be made again.
func (db *DB) commitChangesPG(ctx context.Context, tx *Tx, ws []*pgWrite) (refused bool, err error) {
	b := &pgx.Batch{}
	for _, w := range ws {
		if err := db.queueWrite(b, tx, w); err != nil {
			return false, err
		}
	}
	b.Queue(`COMMIT`)
	// The caller brings this process's caches up to date (took): its own
	// notice need not mark them stale, which would cost the next request
	// a query.
	db.feed.keeps(tx.notice)
	err = tx.conn.Raw(func(dc any) error {
		br := dc.(*stdlib.Conn).Conn().SendBatch(ctx, b)
		for _, w := range ws {
			var err error
			if refused, err = w.read(br); err != nil {
				br.Close()
				return err
			}
		}
		tag, err := br.Exec()
		if err == nil && tag.String() != "COMMIT" {
			err = fmt.Errorf("the transaction was rolled back (%s)", tag)
		}
		if err = errors.Join(err, br.Close()); err != nil {
			return fmt.Errorf("update action %s: commit: %w", ws[len(ws)-1].a.Ref, err)
		}
		return nil
	})
	if err != nil {
		for _, w := range ws {
			w.undone()
		}
		return refused, err
	}
	for _, w := range ws {
		if rec := w.rec; rec != nil {
			at, _ := parseTime(w.now)
			rec.ID, rec.State, rec.Changed, rec.Reply = w.recID, "done", true, &w.reply
			rec.ReceivedAt, rec.DoneAt, rec.ConfirmedAt = at, at, at
		}
	}
	tx.conn.Close()
	tx.conn = nil
	return false, nil
}

// updateActionPG makes one change on PostgreSQL in a transaction of its
// own: BEGIN, the write lock and the plan state in one round trip; the
// change, its record and COMMIT in another. Changes are made so in groups
// (pggroup.go); alone when a group's writes were refused.
func (db *DB) updateActionPG(ctx context.Context, u *actionUpdate) (*actionbot.Action, []*actionbot.AuditEntry, actionbot.Message, error) {
	var msg actionbot.Message
	tx, st, err := db.beginChangePG(ctx, u.actor, u.planID)
	if actionbot.ErrorCode(err) == actionbot.ENOTFOUND {
		return nil, nil, msg, err
	} else if err != nil {
		return nil, nil, msg, fmt.Errorf("update action %s: %w", u.ref, err)
	}
	defer tx.Rollback()
	d, err := db.makeChange(ctx, tx, u, nil, &st)
	if err != nil {
		return nil, nil, msg, err
	}
	if u.rec != nil { // as recordDone did
		if err := db.sent.record(ctx, tx, d.now); err != nil {
			return nil, nil, msg, err
		}
	}
	w := &pgWrite{a: d.a, es: d.es, now: d.now, msgs: d.msgs, rec: u.rec, reply: d.msg}
	if _, err := db.commitChangesPG(ctx, tx, []*pgWrite{w}); err != nil {
		return nil, nil, msg, err
	}
	d.queued, d.first = w.queued, w.first
	// Taken into the snapshot before the wait, so that the next change
	// (the write lock is free) finds the snapshot is the database's. Then
	// the commit returns once every replica that listens has heard of the
	// change: the person's next request sees it wherever it lands
	// (cache.go).
	db.took(u.planID, d.ws, d.a, d.now)
	tx.committed(nil)
	if d.first > 0 {
		db.queued()
	}
	return d.a, d.es, d.msg, nil
}

// endConn ends a transaction begun by hand with COMMIT or ROLLBACK, and
// gives its connection back to the pool (discarded if the transaction did
// not end).
func (t *Tx) endConn(stmt string) error {
	c := t.conn
	if c == nil {
		return nil
	}
	t.conn = nil
	var ended error
	err := c.Raw(func(dc any) error {
		conn := dc.(*stdlib.Conn).Conn()
		if conn.PgConn().TxStatus() == 'I' {
			return nil
		}
		tag, err := conn.Exec(context.Background(), stmt)
		if err == nil && stmt == "COMMIT" && tag.String() != "COMMIT" {
			ended = errors.New("the transaction was rolled back")
		}
		if err != nil || conn.PgConn().TxStatus() != 'I' {
			return driver.ErrBadConn
		}
		return nil
	})
	c.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", strings.ToLower(stmt), err)
	}
	return ended
}
