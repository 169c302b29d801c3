package planfile_test

import (
	"testing"

	"github.com/sevenoaks-csp/actionbot/planfile"
)

func TestChangedWordsShowsTheChangeNotTheSamePrefix(t *testing.T) {
	long := "Use mobile CCTV effectively to deter crime and antisocial behaviour across the district's town centres and villages"
	tests := []struct {
		name, from, to, wantFrom, wantTo string
	}{
		{"a word changed late in a long text", long, "Use mobile CCTV effectively to deter crime and antisocial behaviour across the district's market towns and villages",
			"…the district's town centres and villages", "…the district's market towns and villages"},
		{"a word added at the end", "Run four events", "Run four events a year", "…four events", "…four events a year"},
		{"a word changed at the start", "Run four events a year in the district", "Hold four events a year in the district", "Run four events…", "Hold four events…"},
		{"from nothing", "", "New text here", "", "New text here"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, to := planfile.ChangedWords(tc.from, tc.to, 2)
			if f != tc.wantFrom || to != tc.wantTo {
				t.Fatalf("ChangedWords = %q → %q, want %q → %q", f, to, tc.wantFrom, tc.wantTo)
			}
		})
	}
}
