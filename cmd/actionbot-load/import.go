package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// importRun is what one `actionbot import` of the whole plan cost, run
// against the serving bot's database.
type importRun struct {
	took   time.Duration
	peakKB int64 // the importer's peak resident memory (its rusage maxrss)
	out    string
	err    error
}

// exportPlan writes the current plan as CSV with the bot's own `export`,
// with every action's text revised, into a file beside the database, for
// the import phase to read back: an import that changes every action.
func exportPlan(ctx context.Context, bot, db string) (string, error) {
	var out, errs bytes.Buffer
	cmd := exec.CommandContext(ctx, bot, "export", "-db", db)
	cmd.Stdout, cmd.Stderr = &out, &errs
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("export the plan to import it back: %w: %s", err, strings.TrimSpace(errs.String()))
	}
	revised, err := reviseEveryAction(out.Bytes())
	if err != nil {
		return "", fmt.Errorf("export the plan to import it back: %w", err)
	}
	path := filepath.Join(filepath.Dir(db), "plan.csv")
	if err := os.WriteFile(path, revised, 0o600); err != nil {
		return "", fmt.Errorf("export the plan to import it back: %w", err)
	}
	return path, nil
}

// runImport imports csv into db with the bot binary, as an operator would
// while the bot serves.
func runImport(ctx context.Context, bot, db, csv string) importRun {
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, bot, "import", "-db", db, csv)
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	r := importRun{took: time.Since(start), out: strings.TrimSpace(out.String()), err: err}
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			r.peakKB = ru.Maxrss // kB on Linux
		}
	}
	return r
}

// measuredImport is the import phase: lookups, as in the lookup phase,
// while `actionbot import` brings the whole plan in again from the CSV the
// bot exported. The window lasts until both the lookups' time is up and the
// import has finished, so the bot's peak covers the whole import and the
// reload of its snapshot after it.
func (l *loader) measuredImport(ctx context.Context, m *meter) (*result, importRun, error) {
	csv, err := exportPlan(ctx, l.c.bot, l.c.db)
	if err != nil {
		return nil, importRun{}, err
	}
	l.phase(ctx, "lookup", l.c.warmup)
	if l.startPeakKB == 0 {
		l.startPeakKB, _ = procStatus(m.pid, "VmHWM")
	}
	if err := m.start(); err != nil {
		return nil, importRun{}, err
	}
	done := make(chan importRun, 1)
	go func() { done <- runImport(ctx, l.c.bot, l.c.db, csv) }()
	calls := slackCalls.Load()
	res := l.phase(ctx, "lookup", l.c.dur)
	ir := <-done
	res.slackCalls = slackCalls.Load() - calls
	c, err := m.stop()
	if err != nil {
		return nil, ir, err
	}
	res.cost = &c
	return res, ir, nil
}

func (r importRun) print() {
	status := "done"
	if r.err != nil {
		status = "FAILED (" + r.err.Error() + ")"
	}
	fmt.Printf("         the import of the whole plan meanwhile: %s in %v, its peak RSS %.1f MB\n", status, r.took.Round(time.Millisecond), float64(r.peakKB)/1024)
	if r.err != nil || r.out != "" {
		fmt.Printf("         import said: %.300s\n", importSummary(r.out))
	}
}

// reviseEveryAction adds " (revised)" to the text of every action in an
// exported plan, so that importing it back changes every action (an
// unchanged plan is recognised and costs the bot nothing).
func reviseEveryAction(exported []byte) ([]byte, error) {
	const bom = "\ufeff"
	body, hadBOM := bytes.CutPrefix(exported, []byte(bom))
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read the exported plan: %w", err)
	}
	if len(rows) < 2 {
		return nil, errors.New("the exported plan has no actions")
	}
	col := slices.Index(rows[0], "action")
	if col < 0 {
		return nil, fmt.Errorf("the exported plan has no action column: %q", rows[0])
	}
	for _, row := range rows[1:] {
		if strings.Join(row, "") == "" {
			break // the agencies' table follows the blank row: not actions
		}
		row[col] += " (revised)"
	}
	var out bytes.Buffer
	if hadBOM {
		out.WriteString(bom)
	}
	w := csv.NewWriter(&out)
	w.WriteAll(rows)
	if err := w.Error(); err != nil {
		return nil, fmt.Errorf("write the revised plan: %w", err)
	}
	return out.Bytes(), nil
}

// importSummary picks the import's count of what it did ("0 added, 10000
// updated, 0 unchanged.") from its output, or its last line.
func importSummary(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for _, l := range lines {
		if strings.Contains(l, " added, ") {
			return strings.TrimSpace(l)
		}
	}
	return strings.TrimSpace(lines[len(lines)-1])
}
