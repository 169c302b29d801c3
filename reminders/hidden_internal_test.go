package reminders

import (
	"slices"
	"testing"
)

// A channel's bundle cut short points to the lists that hold what it had
// no room for, not to the overdue list whatever was cut.
func TestAChannelsCutBundlePointsToTheListsOfWhatWasCut(t *testing.T) {
	for _, tc := range []struct {
		name   string
		hidden map[group]int
		want   []string
	}{
		{"overdue", map[group]int{groupOverdue: 40}, []string{"/action list overdue"}},
		{"escalated", map[group]int{groupEscalated: 90}, []string{"/action list overdue"}},
		{"coming up, 27 days ahead", map[group]int{groupSoon: 27}, []string{"/action due 27"}},
		{"due today", map[group]int{groupToday: 0}, []string{"/action due 7"}},
		{"check-ins", map[group]int{groupCheckIn: 120}, []string{"/action list stale"}},
		{"all three", map[group]int{groupOverdue: 3, groupWeek: 5, groupCheckIn: 60}, []string{"/action list overdue", "/action due 7", "/action list stale"}},
	} {
		if got := hiddenLists(tc.hidden); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
