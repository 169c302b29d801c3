// Package fakeplan generates large, realistic action plans for benchmarks
// and load tests: N actions spread over priorities like the Sevenoaks plan,
// led and partnered by its agencies, with deadlines over the plan year (a
// tenth ongoing, some before the year starts), and a mix of statuses and
// progress. The same size and seed always give the same plan.
package fakeplan

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/planfile"
)

// Seed is the default seed, so that published figures can be reproduced.
const Seed = 20121101

// Period is the generated plan's year: the shipped plan's.
var Period = actionbot.Period{Start: actionbot.D(2012, time.April, 1), End: actionbot.D(2013, time.March, 31)}

var verbs = []string{"Deliver", "Promote", "Target", "Undertake", "Develop", "Monitor", "Reduce", "Map", "Support", "Increase"}
var objects = []string{"Speedwatch training for volunteers", "multi-agency operations at boot fairs", "property marking across the District",
	"diversionary activities in school holidays", "a directory of early intervention services", "Environmental Visual Audits",
	"awareness of domestic abuse services", "cycle theft prevention events", "PACT panel priorities", "Community Payback initiatives"}
var places = []string{"Swanley", "Edenbridge", "Sevenoaks town", "Westerham", "the rural wards", "town centres", "the A25 corridor", "schools"}

// Generate returns a plan of n actions in priorities priority sections
// (numbered 1..priorities), ready to import, with the shipped agencies, for
// the shipped plan's year.
func Generate(n, priorities int, seed uint64) (*actionbot.PlanImport, error) {
	return GenerateFor(Period, n, priorities, seed)
}

// GenerateFor is Generate for another plan year (a load test generates the
// current one, so that the running bot sees a realistic mix of deadlines).
func GenerateFor(period actionbot.Period, n, priorities int, seed uint64) (*actionbot.PlanImport, error) {
	if n < 1 || priorities < 1 {
		return nil, fmt.Errorf("generate plan: need at least one action and one priority, got %d and %d", n, priorities)
	}
	agencies, err := planfile.Agencies()
	if err != nil {
		return nil, err
	}
	var codes []string
	for _, a := range agencies {
		if a.Code != actionbot.AllPartners {
			codes = append(codes, a.Code)
		}
	}
	r := rand.New(rand.NewPCG(seed, seed^0x5eed))
	imp := &actionbot.PlanImport{
		Name:     fmt.Sprintf("Generated plan %s, %d actions (seed %d)", period.Label(), n, seed),
		Period:   period,
		Agencies: agencies,
		Source:   "fakeplan",
		Actor:    "import",
	}
	for p := 1; p <= priorities; p++ {
		imp.Priorities = append(imp.Priorities, actionbot.Priority{Number: p, Title: fmt.Sprintf("Priority %d", p),
			Measures: []actionbot.Measure{{Priority: p, N: 1, Text: fmt.Sprintf("Priority %d action plan to be 80%% on target", p), Kind: actionbot.MeasureOnTarget, Target: actionbot.Float(80)}}})
	}
	perPriority := make([]int, priorities+1)
	for i := range n {
		p := 1 + i%priorities
		perPriority[p]++
		a := &actionbot.Action{
			Ref:      fmt.Sprintf("%d.%d", p, perPriority[p]),
			Priority: p,
			Text:     fmt.Sprintf("%s %s in %s", verbs[r.IntN(len(verbs))], objects[r.IntN(len(objects))], places[r.IntN(len(places))]),
			Funding:  "Existing resources",
			Status:   actionbot.StatusOpen,
		}
		a.Lead = pickParties(r, codes, 1+r.IntN(2))
		if r.IntN(5) == 0 {
			a.Partners = []actionbot.Party{{Agency: actionbot.AllPartners}}
		} else {
			a.Partners = pickParties(r, codes, r.IntN(4))
		}
		switch x := r.IntN(20); {
		case x < 2: // ongoing
			a.Deadline = actionbot.Deadline{Written: "On going", Ongoing: true}
		case x < 3: // before the plan year, as the real plan has
			d := period.Start.AddDays(-1 - r.IntN(300)).EndOfMonth()
			a.Deadline = actionbot.Deadline{Written: d.Month.String() + " " + fmt.Sprint(d.Year), Due: d}
		default:
			d := period.Start.AddDays(r.IntN(455)).EndOfMonth()
			a.Deadline = actionbot.Deadline{Written: d.Month.String() + " " + fmt.Sprint(d.Year), Due: d}
		}
		a.Original = a.Deadline
		switch x := r.IntN(20); {
		case x < 3:
			a.Status, a.Progress = actionbot.StatusDone, 100
		case x < 4:
			a.Status, a.Reason, a.Progress = actionbot.StatusBlocked, "waiting for a partner's sign-off", r.IntN(80)
		case x < 5:
			a.Status, a.Reason, a.Progress = actionbot.StatusAtRisk, "venue not confirmed", r.IntN(80)
		default:
			a.Progress = 10 * r.IntN(10)
		}
		imp.Actions = append(imp.Actions, a)
	}
	return imp, nil
}

func pickParties(r *rand.Rand, codes []string, k int) []actionbot.Party {
	seen := map[string]bool{}
	var out []actionbot.Party
	for len(out) < k {
		c := codes[r.IntN(len(codes))]
		if !seen[c] {
			seen[c] = true
			out = append(out, actionbot.Party{Agency: c})
		}
	}
	return out
}

// Actor is who Load registers members as. Registering a member is a
// coordinator's change, which the store checks: the caller's store must
// count Actor as a coordinator (store.DB.ConfiguredCoordinators).
const Actor = "U0FAKEPLAN"

// Store is what Load needs.
type Store interface {
	ImportPlan(ctx context.Context, imp *actionbot.PlanImport) (*actionbot.ImportResult, error)
	AddMember(ctx context.Context, userID, agency, actor string) error
}

// Load imports a generated plan for the shipped plan's year and registers
// members: perAgency users (U0CSU1, U0CSU2...) for every agency, so
// reminders have recipients.
func Load(ctx context.Context, s Store, n, priorities, perAgency int, seed uint64) (*actionbot.ImportResult, error) {
	return LoadFor(ctx, s, Period, n, priorities, perAgency, seed)
}

// LoadFor is Load for another plan year.
func LoadFor(ctx context.Context, s Store, period actionbot.Period, n, priorities, perAgency int, seed uint64) (*actionbot.ImportResult, error) {
	imp, err := GenerateFor(period, n, priorities, seed)
	if err != nil {
		return nil, err
	}
	res, err := s.ImportPlan(ctx, imp)
	if err != nil {
		return nil, fmt.Errorf("load generated plan: %w", err)
	}
	for _, a := range imp.Agencies {
		if a.Code == actionbot.AllPartners {
			continue
		}
		for i := 1; i <= perAgency; i++ {
			if err := s.AddMember(ctx, MemberID(a.Code, i), a.Code, Actor); err != nil && actionbot.ErrorCode(err) != actionbot.EUNCHANGED {
				return nil, fmt.Errorf("load generated plan: member of %s: %w", a.Code, err)
			}
		}
	}
	return res, nil
}

// MemberID is the user ID Load gives the i-th member of an agency.
func MemberID(code string, i int) string {
	id := "U0"
	for _, r := range code {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			id += string(r)
		}
	}
	return fmt.Sprintf("%s%d", id, i)
}
