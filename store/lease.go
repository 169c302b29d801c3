package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"sync"
)

// Several bot replicas may share one PostgreSQL database. Everything they
// record is recorded once whichever replica does it (unique keys, the
// write lock); the outbox is delivered by one replica at a time, so that a
// conversation's messages keep their order and pace and an interrupted
// post is looked for on Slack by one replica only. That replica holds a
// session advisory lock on a connection of its own; when it dies, the
// server ends its session and frees the lock, and the next replica to read
// the outbox takes it and carries on, finding the posts the dead one left
// 'sending' in Slack's history before posting them again.

// outboxLockKey is the advisory lock of the replica that delivers ("outb").
const outboxLockKey = 0x6f757462

// lease is a session advisory lock held on a connection kept for it.
type lease struct {
	mu   sync.Mutex
	conn *sql.Conn
}

// hold reports whether this process holds the lease, taking it if it is
// free. On SQLite there is one writer and nothing to share: always true.
func (db *DB) hold(ctx context.Context, l *lease, key int32) (bool, error) {
	if db.dialect != postgresDialect {
		return true, nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn != nil {
		// Still ours while the session lives.
		if err := l.conn.PingContext(ctx); err == nil {
			return true, nil
		}
		l.conn.Close()
		l.conn = nil
	}
	conn, err := db.rw.Conn(ctx)
	if err != nil {
		return false, fmt.Errorf("take the lease: %w", err)
	}
	var got bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1, hashtext(current_schema()))`, key).Scan(&got); err != nil {
		conn.Close()
		return false, fmt.Errorf("take the lease: %w", err)
	}
	if !got {
		conn.Close()
		return false, nil
	}
	l.conn = conn
	return true, nil
}

// release gives the lease up, if held.
func (l *lease) release(key int32) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn != nil {
		// Closing the connection returns it to the pool with the lock still
		// held: unlock first, and if that fails drop the connection.
		if _, err := l.conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1, hashtext(current_schema()))`, key); err != nil {
			l.conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		l.conn.Close()
		l.conn = nil
	}
}

// DeliversOutbox reports whether this process is the one that delivers the
// outbox (always, on SQLite), becoming it if no live replica is.
func (db *DB) DeliversOutbox(ctx context.Context) (bool, error) {
	return db.hold(ctx, &db.outboxLease, outboxLockKey)
}
