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
// Each statement of a batch runs after the one before has finished, so the
// plan state is read after the lock is held (READ COMMITTED takes a
// snapshot per statement); and a statement that fails (the request
// recorded already: the record's unique index) skips the rest, COMMIT
// included, and the transaction is rolled back.

// beginChangePG begins a change's write transaction on a connection of its
// own and reads the write state for actor and plan, in one round trip.
func (db *DB) beginChangePG(ctx context.Context, actor string, planID int64) (*Tx, writeState, error) {
	var ws writeState
	if err := db.writable(); err != nil {
		return nil, ws, fmt.Errorf("begin transaction: %w", err)
	}
	c, err := db.rw.DB.Connx(ctx)
	if err != nil {
		return nil, ws, fmt.Errorf("begin transaction: %w", err)
	}
	tx := &Tx{conn: c, watch: db.rw.watch, notice: db.feed.nextNotice()}
	tx.feed, tx.wait = &db.feed, db.feed.expect(tx.notice)
	err = c.Raw(func(dc any) error {
		b := &pgx.Batch{}
		b.Queue(`BEGIN`)
		b.Queue(`SELECT pg_advisory_xact_lock($1, hashtext(current_schema())), pg_notify($2 || current_schema(), $3)`,
			int32(writeLockKey), notifyChannel, tx.notice)
		b.Queue(c.Rebind(writeStateQueryPG), actor, actor, planID)
		br := dc.(*stdlib.Conn).Conn().SendBatch(ctx, b)
		if _, err := br.Exec(); err != nil {
			br.Close()
			return fmt.Errorf("begin transaction: %w", err)
		}
		if _, err := br.Exec(); err != nil {
			br.Close()
			return fmt.Errorf("begin transaction: take the write lock: %w", err)
		}
		err := br.QueryRow().Scan(&ws.Current, &ws.Rev, &ws.AuditMax, &ws.Agencies, &ws.Coordinator)
		if errors.Is(err, pgx.ErrNoRows) {
			err = actionbot.Errorf(actionbot.ENOTFOUND, "No such plan.")
		} else if err != nil {
			err = fmt.Errorf("check the plan is current: %w", err)
		}
		return errors.Join(err, br.Close())
	})
	if err != nil {
		tx.Rollback()
		return nil, ws, err
	}
	return tx, ws, nil
}

// commitChangePG writes a change made in a transaction of beginChangePG
// and commits it, in one round trip (the caller then has it wait for the
// replicas, tx.committed): the action a, its entries es (their
// ids given), the messages msgs (those inserted get their ids; the number
// queued is returned, and of those the number first waiting for their
// conversation), and the request rec answered by reply.
func (db *DB) commitChangePG(ctx context.Context, tx *Tx, a *actionbot.Action, es []*actionbot.AuditEntry, now string,
	msgs []*actionbot.Outgoing, rec *actionbot.InboxItem, reply actionbot.Message) (int, int, error) {
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

	b := &pgx.Batch{}
	b.Queue(q.String(), args...)
	for _, m := range msgs {
		payload, next, err := outboxValues(m, now)
		if err != nil {
			return 0, 0, err
		}
		// With its id, whether it is the first waiting for its
		// conversation (firstWaiting's question, in the same round trip):
		// only then does it wake the sender.
		b.Queue(`INSERT INTO outbox (dedupe_key, kind, recipient, payload, state, next_attempt_at, created_at, owner)
			VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7) ON CONFLICT (dedupe_key) DO NOTHING
			RETURNING id, NOT EXISTS (SELECT 1 FROM outbox o WHERE o.owner = $7 AND o.recipient = $3
				AND o.state IN ('pending', 'sending') AND o.id < outbox.id)`,
			m.Key, m.Kind, m.To, payload, next, now, db.ownerOf(m))
	}
	if rec != nil {
		if rec.Kind == "" {
			rec.Kind = InboxCommand
		}
		body, err := json.Marshal(reply)
		if err != nil {
			return 0, 0, fmt.Errorf("record a %s: encode its reply: %w", rec.Kind, err)
		}
		// No ON CONFLICT: a delivery recorded already fails the batch
		// before its COMMIT (inbox_delivery), and nothing is written.
		b.Queue(`INSERT INTO inbox (delivery, kind, user_id, channel_id, text, payload, response_url, received_at, state, done_at, reply, confirmed_at, changed)
			VALUES ($1, $2, $3, $4, '', '', $5, $6, 'done', $6, $7, $6, 1) RETURNING id`,
			rec.Delivery, rec.Kind, rec.UserID, rec.ChannelID, rec.ResponseURL, now, string(body))
	}
	b.Queue(`COMMIT`)
	// The caller brings this process's caches up to date (took): its own
	// notice need not mark them stale, which would cost the next request
	// a query.
	db.feed.keeps(tx.notice)

	queued, first := 0, 0
	var recID int64
	err := tx.conn.Raw(func(dc any) error {
		br := dc.(*stdlib.Conn).Conn().SendBatch(ctx, b)
		if _, err := br.Exec(); err != nil {
			br.Close()
			return fmt.Errorf("update action %s: %w", a.Ref, err)
		}
		for _, m := range msgs {
			var id int64
			var isFirst bool
			switch err := br.QueryRow().Scan(&id, &isFirst); {
			case errors.Is(err, pgx.ErrNoRows): // queued already
			case err != nil:
				br.Close()
				return fmt.Errorf("enqueue %s: %w", m.Key, err)
			default:
				queued++
				m.ID, m.State = id, actionbot.OutboxPending
				if isFirst {
					first++
				}
			}
		}
		if rec != nil {
			if err := br.QueryRow().Scan(&recID); err != nil {
				br.Close()
				var pe *pgconn.PgError
				if errors.As(err, &pe) && pe.Code == "23505" && pe.ConstraintName == "inbox_delivery" {
					return actionbot.Errorf(actionbot.ECONFLICT, "That change was made already.")
				}
				return fmt.Errorf("record a %s: %w", rec.Kind, err)
			}
		}
		tag, err := br.Exec()
		if err == nil && tag.String() != "COMMIT" {
			err = fmt.Errorf("the transaction was rolled back (%s)", tag)
		}
		if err = errors.Join(err, br.Close()); err != nil {
			return fmt.Errorf("update action %s: commit: %w", a.Ref, err)
		}
		return nil
	})
	if err != nil {
		for _, m := range msgs {
			m.ID, m.State = 0, ""
		}
		if rec != nil {
			rec.ID = 0
		}
		return 0, 0, err
	}
	if rec != nil {
		at, _ := parseTime(now)
		rec.ID, rec.State, rec.Changed, rec.Reply = recID, "done", true, &reply
		rec.ReceivedAt, rec.DoneAt, rec.ConfirmedAt = at, at, at
	}
	tx.conn.Close()
	tx.conn = nil
	return queued, first, nil
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
