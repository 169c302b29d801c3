// This file embeds the plan the bot ships with, the Sevenoaks District
// Community Safety Partnership Action Plan 2012-13, and the directory of the
// partnership's agencies, so that the bot runs from any directory.
//
// The plan is transcribed from the published document: every action's words
// are kept; footnote markers and line breaks from the PDF are dropped; lead
// and partner cells become lists of agencies; where the source is damaged the
// action is marked for review (plan.json) rather than repaired.

package planfile

import (
	"bytes"
	"context"
	"embed"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
)

//go:embed agencies.csv sevenoaks-2012-13/actions.csv sevenoaks-2012-13/plan.json
var files embed.FS

// SevenoaksCSV returns the shipped plan as CSV, in the import format.
func SevenoaksCSV() []byte {
	b, err := files.ReadFile("sevenoaks-2012-13/actions.csv")
	if err != nil {
		panic(err) // embedded at build time
	}
	return b
}

// Agencies returns the partnership's agencies: codes, full names (from the
// plan's glossary and list of partners) and the other names plans use.
func Agencies() ([]*actionbot.Agency, error) {
	b, err := files.ReadFile("agencies.csv")
	if err != nil {
		return nil, fmt.Errorf("read embedded agencies: %w", err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("parse embedded agencies: %w", err)
	}
	var out []*actionbot.Agency
	for _, r := range recs[1:] {
		a := &actionbot.Agency{Code: r[0], Name: r[1]}
		for _, al := range strings.Split(r[2], ";") {
			if al = strings.TrimSpace(al); al != "" {
				a.Aliases = append(a.Aliases, al)
			}
		}
		out = append(out, a)
	}
	return out, nil
}

type meta struct {
	Name       string `json:"name"`
	Period     string `json:"period"`
	Source     string `json:"source"`
	Priorities []struct {
		Number   int    `json:"number"`
		Title    string `json:"title"`
		Measures []struct {
			Text   string   `json:"text"`
			Kind   string   `json:"kind"`
			Target *float64 `json:"target"`
		} `json:"measures"`
	} `json:"priorities"`
	Review map[string]string `json:"review"`
}

// Sevenoaks returns the shipped plan, ready to import: its actions, the
// success measures of each priority, the actions marked for review, and the
// agencies.
func Sevenoaks() (*actionbot.PlanImport, error) {
	agencies, err := Agencies()
	if err != nil {
		return nil, err
	}
	b, err := files.ReadFile("sevenoaks-2012-13/plan.json")
	if err != nil {
		return nil, fmt.Errorf("read embedded plan: %w", err)
	}
	var m meta
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("parse embedded plan.json: %w", err)
	}
	period, err := actionbot.ParsePeriod(m.Period)
	if err != nil {
		return nil, fmt.Errorf("embedded plan period: %w", err)
	}
	res, err := Read(bytes.NewReader(SevenoaksCSV()), actionbot.NewDirectory(agencies),
		Options{Name: m.Name, Period: period, Source: "embedded: " + m.Source, Actor: "import"})
	if err != nil {
		return nil, fmt.Errorf("embedded plan: %w", err)
	}
	imp := res.Import
	if len(imp.Agencies) > 0 {
		return nil, fmt.Errorf("embedded plan names agencies missing from agencies.csv: %v", imp.Agencies)
	}
	imp.Agencies = agencies

	byNum := map[int]*actionbot.Priority{}
	for i := range imp.Priorities {
		byNum[imp.Priorities[i].Number] = &imp.Priorities[i]
	}
	for _, mp := range m.Priorities {
		p := byNum[mp.Number]
		if p == nil {
			if mp.Title == "" {
				return nil, fmt.Errorf("embedded plan.json: priority %d has measures but no actions and no title", mp.Number)
			}
			imp.Priorities = append([]actionbot.Priority{{Number: mp.Number, Title: mp.Title}}, imp.Priorities...)
			p = &imp.Priorities[0]
			for i := range imp.Priorities {
				byNum[imp.Priorities[i].Number] = &imp.Priorities[i]
			}
		}
		for i, mm := range mp.Measures {
			kind, err := actionbot.ParseMeasureKind(mm.Kind)
			if err != nil {
				return nil, fmt.Errorf("embedded plan.json: priority %d measure %d: %w", mp.Number, i+1, err)
			}
			p.Measures = append(p.Measures, actionbot.Measure{Priority: mp.Number, N: i + 1, Text: mm.Text, Kind: kind, Target: mm.Target})
		}
	}
	for ref, why := range m.Review {
		found := false
		for _, a := range imp.Actions {
			if a.Ref == ref {
				a.Review, found = why, true
			}
		}
		if !found {
			return nil, fmt.Errorf("embedded plan.json: review note for unknown action %s", ref)
		}
	}
	return imp, nil
}

// Importer is what EnsurePlan needs of the store.
type Importer interface {
	CurrentPlan(ctx context.Context) (*actionbot.Plan, error)
	ImportPlan(ctx context.Context, imp *actionbot.PlanImport) (*actionbot.ImportResult, error)
}

// EnsurePlan loads the shipped plan into a database that has no plan yet.
// It reports whether it loaded it.
func EnsurePlan(ctx context.Context, s Importer) (bool, error) {
	if _, err := s.CurrentPlan(ctx); err == nil {
		return false, nil
	} else if actionbot.ErrorCode(err) != actionbot.ENOTFOUND {
		return false, fmt.Errorf("ensure plan: %w", err)
	}
	imp, err := Sevenoaks()
	if err != nil {
		return false, err
	}
	if _, err := s.ImportPlan(ctx, imp); err != nil {
		return false, fmt.Errorf("load the shipped plan: %w", err)
	}
	return true, nil
}
