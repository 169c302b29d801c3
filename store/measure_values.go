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

// RecordMeasure records a figure for one of the current plan's measures.
// ENOTFOUND when the plan has no such measure; EUNAUTHORIZED when v.Actor
// does not coordinate.
func (db *DB) RecordMeasure(ctx context.Context, v *actionbot.MeasureValue) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := db.mayCoordinate(ctx, tx, v.Actor, "record a success measure's figure"); err != nil {
		return err
	}
	plan, err := currentPlan(ctx, tx)
	if err != nil {
		return err
	}
	var n int
	if err := tx.GetContext(ctx, &n, `SELECT COUNT(*) FROM measures WHERE plan_id = ? AND priority = ? AND n = ?`, plan.ID, v.Priority, v.N); err != nil {
		return fmt.Errorf("record measure %d.%d: %w", v.Priority, v.N, err)
	} else if n == 0 {
		return actionbot.Errorf(actionbot.ENOTFOUND, "Priority %d has no measure %d in %s; `/action report` lists the measures.", v.Priority, v.N, plan.Name)
	}
	now := db.Now()
	if v.At.IsZero() {
		v.At = now
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO measure_values (plan_id, priority, n, value, as_of, source, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		plan.ID, v.Priority, v.N, v.Value, v.AsOf.String(), v.Source, v.Actor, formatTime(v.At)); err != nil {
		return fmt.Errorf("record measure %d.%d: %w", v.Priority, v.N, err)
	}
	if err := adminAudit(ctx, tx, formatTime(now), v.Actor, "measure", fmt.Sprintf("%d.%d", v.Priority, v.N), fmt.Sprintf("%g as of %s", v.Value, v.AsOf)); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("record measure %d.%d: commit: %w", v.Priority, v.N, err)
	}
	return nil
}

// LatestMeasureValues returns, for each measure of a plan that has figures,
// the latest one as of asOf (by its as-of date, then when it was recorded),
// keyed "priority.n".
func (db *DB) LatestMeasureValues(ctx context.Context, planID int64, asOf actionbot.Date) (map[string]*actionbot.MeasureValue, error) {
	vs, err := db.measureValues(ctx, `plan_id = ? AND as_of <= ?`, planID, asOf.String())
	if err != nil {
		return nil, fmt.Errorf("latest measure values: %w", err)
	}
	out := map[string]*actionbot.MeasureValue{}
	for _, v := range vs { // in order: the last of each measure wins
		out[actionbot.MeasureKey(v.Priority, v.N)] = v
	}
	return out, nil
}
