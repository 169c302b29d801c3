package store

import (
	"context"
	"fmt"
	"strings"
)

// Dump renders every table CopyTo copies, row by row in key order, for
// tests that compare two databases whole.
func Dump(db *DB) (string, error) {
	ctx := context.Background()
	var b strings.Builder
	for _, t := range copyTables {
		rows, err := db.ro.QueryxContext(ctx, `SELECT * FROM `+t+` ORDER BY 1, 2`)
		if err != nil {
			return "", err
		}
		cols, _ := rows.Columns()
		fmt.Fprintf(&b, "## %s %v\n", t, cols)
		for rows.Next() {
			vals, err := rows.SliceScan()
			if err != nil {
				rows.Close()
				return "", err
			}
			for i, v := range vals {
				if bs, ok := v.([]byte); ok {
					vals[i] = string(bs)
				}
			}
			fmt.Fprintf(&b, "%q\n", vals)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return "", err
		}
	}
	return b.String(), nil
}

// Tables lists the tables in the database, but for each database's own
// (schema_migrations, health).
func Tables(db *DB) ([]string, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`
	if db.Postgres() {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name`
	}
	var names, out []string
	if err := db.ro.SelectContext(context.Background(), &names, q); err != nil {
		return nil, err
	}
	for _, n := range names {
		if n != "schema_migrations" && n != "health" {
			out = append(out, n)
		}
	}
	return out, nil
}

// CopyTables are the tables CopyTo copies.
var CopyTables = copyTables
