package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
)

// copyTables are the tables CopyTo copies, parents before children so that
// foreign keys hold at every row. A migration that adds a table must add it
// here (TestCopyCoversEveryTable fails until it does).
var copyTables = []string{
	"plans", "plan_imports", "priorities", "measures", "measure_values",
	"agencies", "agency_aliases",
	"actions", "action_parties", "audit", "audit_changes",
	"members", "coordinators", "admin_audit",
	"outbox", "slack_deliveries", "reminder_ledger", "digests", "quarterly_reports",
	"deadline_confirmations", "reminder_prefs", "plan_notices", "member_emails",
	"inbox", "revisions",
}

// seededTables hold rows that the migrations write into every new
// database: they are overwritten by the source's rows, not counted as
// content. schema_migrations and health belong to each database itself.
var seededTables = map[string]bool{"revisions": true}

// identityTables have an id column that PostgreSQL hands out from a
// sequence, moved past the copied ids after a copy.
var identityTables = []string{"plans", "plan_imports", "measure_values", "actions", "audit", "admin_audit", "outbox", "reminder_ledger", "inbox"}

// TableCount is a table and its number of rows.
type TableCount struct {
	Table string
	Rows  int64
}

// CopyReport is what CopyTo copied: rows per table, and the checksum of the
// audit trail on each side, which must match.
type CopyReport struct {
	From, To                 []TableCount
	FromChecksum, ToChecksum string
}

// CopyTo copies everything in db (plans, actions, the audit trail,
// memberships, the reminder ledger, the outbox, the inbox…) into target, an
// empty database of either dialect, in one transaction on the target. The
// source is read at one instant. It refuses a target that holds anything,
// and commits only if every table's count and the audit checksum read back
// inside the target's transaction match the source's.
func (db *DB) CopyTo(ctx context.Context, target *DB) (*CopyReport, error) {
	src, err := db.ro.BeginTxx(ctx, db.snapshotTxOptions())
	if err != nil {
		return nil, fmt.Errorf("copy: read the source: %w", err)
	}
	defer src.Rollback()
	dst, err := target.begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("copy: write the target: %w", err)
	}
	defer dst.Rollback()

	for _, t := range copyTables {
		if seededTables[t] {
			continue
		}
		var n int64
		if err := dst.GetContext(ctx, &n, `SELECT COUNT(*) FROM `+t); err != nil {
			return nil, fmt.Errorf("copy: check the target is empty: %w", err)
		}
		if n > 0 {
			return nil, actionbot.Errorf(actionbot.ECONFLICT, "The target database is not empty (its %s table has %d rows), so nothing was copied. Copy into a new, empty database.", t, n)
		}
	}

	rep := &CopyReport{}
	if rep.From, err = tableCounts(ctx, src); err != nil {
		return nil, err
	}
	if rep.FromChecksum, err = auditChecksum(ctx, src); err != nil {
		return nil, err
	}
	for _, t := range copyTables {
		if err := copyTable(ctx, src, dst, t); err != nil {
			return nil, err
		}
	}
	if target.dialect == postgresDialect {
		for _, t := range identityTables {
			if _, err := dst.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'), COALESCE((SELECT MAX(id) FROM `+t+`), 0) + 1, false)`); err != nil {
				return nil, fmt.Errorf("copy: move %s's ids on: %w", t, err)
			}
		}
	}
	if rep.To, err = tableCounts(ctx, dst); err != nil {
		return nil, err
	}
	if rep.ToChecksum, err = auditChecksum(ctx, dst); err != nil {
		return nil, err
	}
	if !slices.Equal(rep.From, rep.To) || rep.FromChecksum != rep.ToChecksum {
		return rep, fmt.Errorf("copy: the target does not read back as the source did (counts %v against %v, audit checksum %s against %s); nothing was copied",
			rep.To, rep.From, rep.ToChecksum, rep.FromChecksum)
	}
	if err := dst.Commit(); err != nil {
		return nil, fmt.Errorf("copy: commit: %w", err)
	}
	target.changed()
	return rep, nil
}

// copyTable copies one table's rows, column by column as the source names
// them, in primary-key order.
func copyTable(ctx context.Context, src, dst *Tx, table string) error {
	rows, err := src.QueryxContext(ctx, `SELECT * FROM `+table+` ORDER BY 1`)
	if err != nil {
		return fmt.Errorf("copy %s: read: %w", table, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return fmt.Errorf("copy %s: read: %w", table, err)
	}
	if seededTables[table] {
		if _, err := dst.ExecContext(ctx, `DELETE FROM `+table); err != nil {
			return fmt.Errorf("copy %s: clear the seeded rows: %w", table, err)
		}
	}
	insert := `INSERT INTO ` + table + ` (` + strings.Join(cols, ", ") + `) VALUES (` +
		strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + `)`
	for rows.Next() {
		vals, err := rows.SliceScan()
		if err != nil {
			return fmt.Errorf("copy %s: read: %w", table, err)
		}
		for i, v := range vals {
			if b, ok := v.([]byte); ok { // text some drivers give as bytes
				vals[i] = string(b)
			}
		}
		if _, err := dst.ExecContext(ctx, insert, vals...); err != nil {
			return fmt.Errorf("copy %s: write: %w", table, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("copy %s: read: %w", table, err)
	}
	return nil
}

func tableCounts(ctx context.Context, q queryer) ([]TableCount, error) {
	out := make([]TableCount, 0, len(copyTables))
	for _, t := range copyTables {
		c := TableCount{Table: t}
		if err := q.GetContext(ctx, &c.Rows, `SELECT COUNT(*) FROM `+t); err != nil {
			return nil, fmt.Errorf("count %s: %w", t, err)
		}
		out = append(out, c)
	}
	return out, nil
}

// AuditChecksum is a SHA-256 of the whole audit trail (changes to actions,
// their field-by-field changes, and changes to who may do what), read in
// id order and written the same way whatever the database: two databases
// with the same trail give the same checksum.
func (db *DB) AuditChecksum(ctx context.Context) (string, error) {
	tx, err := db.ro.BeginTxx(ctx, db.snapshotTxOptions())
	if err != nil {
		return "", fmt.Errorf("audit checksum: %w", err)
	}
	defer tx.Rollback()
	return auditChecksum(ctx, tx)
}

// TableCounts returns the rows in each table that CopyTo copies.
func (db *DB) TableCounts(ctx context.Context) ([]TableCount, error) {
	tx, err := db.ro.BeginTxx(ctx, db.snapshotTxOptions())
	if err != nil {
		return nil, fmt.Errorf("count rows: %w", err)
	}
	defer tx.Rollback()
	return tableCounts(ctx, tx)
}

func auditChecksum(ctx context.Context, q queryer) (string, error) {
	h := sha256.New()
	for _, part := range []struct{ name, query string }{
		{"audit", `SELECT id, action_id, at, actor, verb, note FROM audit ORDER BY id`},
		{"audit_changes", `SELECT audit_id, position, field, from_value, to_value FROM audit_changes ORDER BY audit_id, position`},
		{"admin_audit", `SELECT id, at, actor, what, subject, detail FROM admin_audit ORDER BY id`},
	} {
		rows, err := q.QueryxContext(ctx, part.query)
		if err != nil {
			return "", fmt.Errorf("audit checksum: %s: %w", part.name, err)
		}
		fmt.Fprintf(h, "%s\n", part.name)
		for rows.Next() {
			vals, err := rows.SliceScan()
			if err != nil {
				rows.Close()
				return "", fmt.Errorf("audit checksum: %s: %w", part.name, err)
			}
			for _, v := range vals {
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				// Length-prefixed, so that no two rows run together alike.
				s := fmt.Sprint(v)
				fmt.Fprintf(h, "%d:%s|", len(s), s)
			}
			h.Write([]byte{'\n'})
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return "", fmt.Errorf("audit checksum: %s: %w", part.name, err)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// RemoveSQLite removes a SQLite database file and its WAL and shared-memory
// files: a file made for a copy that failed. Close it first.
func RemoveSQLite(path string) {
	if IsPostgresURL(path) {
		return
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		os.Remove(p)
	}
}
