package store_test

import (
	"fmt"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/store"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// ledgerRecords makes n steps, before:first to before:first+n-1, spread over
// the plan's actions, for one deadline.
func ledgerRecords(tb testing.TB, db *store.DB, first, n int) []actionbot.ReminderRecord {
	tb.Helper()
	as, err := db.FindActions(ctx, actionbot.ActionFilter{PlanID: mustPlan(tb, db).ID})
	if err != nil {
		tb.Fatal(err)
	}
	recs := make([]actionbot.ReminderRecord, n)
	for i := range recs {
		recs[i] = actionbot.ReminderRecord{
			ReminderKey: actionbot.ReminderKey{ActionID: as[i%len(as)].ID, Deadline: "2013-03-31", Step: fmt.Sprintf("before:%d", first+i)},
			SendOn:      actionbot.D(2012, 11, 5),
		}
	}
	return recs
}

func TestRecordSweepRecordsEveryStepOfALargeSweepOnce(t *testing.T) {
	db := storetest.MustOpen(t, storetest.NewClock(storetest.PlanStart))
	first := ledgerRecords(t, db, 0, 250) // three statements' worth
	if ok, err := db.RecordSweep(ctx, first, nil); err != nil || !ok {
		t.Fatalf("first sweep: recorded %v, %v; want true", ok, err)
	}
	// A second sweep with one step the first recorded, in its third batch:
	// a concurrent sweep got there first, so nothing of it is recorded.
	second := ledgerRecords(t, db, 1000, 250)
	second[230] = first[17]
	if ok, err := db.RecordSweep(ctx, second, nil); err != nil || ok {
		t.Fatalf("a sweep repeating a recorded step: recorded %v, %v; want false, nothing recorded", ok, err)
	}
	// Without the repeated step it records all the rest: the refused
	// attempt left none of them behind.
	rest := append(second[:230:230], second[231:]...)
	if ok, err := db.RecordSweep(ctx, rest, nil); err != nil || !ok {
		t.Fatalf("the same sweep without the repeated step: recorded %v, %v; want true", ok, err)
	}
	// And every step is now there: recording any of them again is refused.
	for _, rec := range []actionbot.ReminderRecord{first[0], first[99], first[100], first[249], rest[0], rest[248]} {
		if ok, err := db.RecordSweep(ctx, []actionbot.ReminderRecord{rec}, nil); err != nil || ok {
			t.Errorf("step %s of action %d again: recorded %v, %v; want false (already there)", rec.Step, rec.ActionID, ok, err)
		}
	}
}
