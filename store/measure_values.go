package store

import (
	"context"
	"fmt"

	"github.com/sevenoaks-csp/actionbot"
)

// MeasureValues returns every figure recorded for a plan's measures, by
// measure, then as-of date, then the order recorded: the history a report
// as of a past instant and the quarterly report read (with
// actionbot.LatestMeasures).
func (db *DB) MeasureValues(ctx context.Context, planID int64) ([]*actionbot.MeasureValue, error) {
	out, err := db.measureValues(ctx, `plan_id = ?`, planID)
	if err != nil {
		return nil, fmt.Errorf("measure values: %w", err)
	}
	return out, nil
}

// measureValues reads the figures recorded under a condition, by measure,
// then as-of date, then the order recorded.
func (db *DB) measureValues(ctx context.Context, where string, args ...any) ([]*actionbot.MeasureValue, error) {
	var rows []struct {
		Priority int     `db:"priority"`
		N        int     `db:"n"`
		Value    float64 `db:"value"`
		AsOf     string  `db:"as_of"`
		Source   string  `db:"source"`
		Actor    string  `db:"actor"`
		At       string  `db:"at"`
	}
	if err := db.ro.SelectContext(ctx, &rows, `SELECT priority, n, value, as_of, source, actor, at FROM measure_values
		WHERE `+where+` ORDER BY priority, n, as_of, id`, args...); err != nil {
		return nil, err
	}
	out := make([]*actionbot.MeasureValue, len(rows))
	for i, r := range rows {
		d, err := actionbot.ParseISODate(r.AsOf)
		if err != nil {
			return nil, err
		}
		at, err := parseTime(r.At)
		if err != nil {
			return nil, err
		}
		out[i] = &actionbot.MeasureValue{Priority: r.Priority, N: r.N, Value: r.Value, AsOf: d, Source: r.Source, Actor: r.Actor, At: at}
	}
	return out, nil
}
