package actionbot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

func TestStalenessCountsFromTheImportWhenThePlanCameInLate(t *testing.T) {
	london, _ := time.LoadLocation("Europe/London")
	start := actionbot.D(2019, 4, 1)
	now := time.Date(2019, 12, 6, 9, 0, 0, 0, london)
	today := actionbot.DateOf(now)
	rules := actionbot.DefaultRAGRules()
	tests := []struct {
		name     string
		imported time.Time
		stale    bool
		days     int
	}{
		{"imported at the start", time.Date(2019, 4, 1, 9, 0, 0, 0, london), true, 249},
		{"imported in November", time.Date(2019, 11, 20, 9, 0, 0, 0, london), false, 16},
		{"imported in August", time.Date(2019, 8, 1, 9, 0, 0, 0, london), true, 127},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := &actionbot.Action{Ref: "1a", Status: actionbot.StatusOpen, Deadline: actionbot.Deadline{Written: "Ongoing", Ongoing: true}, CreatedAt: tc.imported}
			days, stale := rules.Stale(a, start, today, now)
			if days != tc.days || stale != tc.stale {
				t.Fatalf("Stale = %d, %v; want %d, %v", days, stale, tc.days, tc.stale)
			}
			as := rules.Assess(a, start, today, now)
			if tc.stale != (as.RAG == actionbot.RAGAmber) || tc.stale && !strings.Contains(as.Why, actionbot.Plural(tc.days, "day")) {
				t.Fatalf("Assess says %s %q", as.RAG, as.Why)
			}
		})
	}
}
