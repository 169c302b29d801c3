package actionbot_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
)

func TestCleanRefKeepsThePlansOwnIdAsWritten(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"5.2", "5.2", true},
		{"5.02", "5.2", true},
		{"#5.2", "5.2", true},
		{"1a", "1a", true},
		{"1d*", "1d*", true},
		{"(1a)", "1a", true},
		{"a)", "a", true},
		{"1.", "1", true},
		{"1.1.1", "1.1.1", true},
		{"DAB 1", "DAB 1", true},
		{"DAB  1", "DAB 1", true},
		{"P2.4", "P2.4", true},
		{"", "", false},
		{"done", "", false},
		{"Training", "", false},
		{"Run a campaign", "", false},
		{"1a Provision of training for staff", "", false},
		{"£2000", "", false},
		{strings.Repeat("9", 30), "", false},
	}
	for _, tc := range tests {
		got, ok := actionbot.CleanRef(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("CleanRef(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestRefIndexAnswersToTheIdHoweverItIsTyped(t *testing.T) {
	ix := actionbot.NewRefIndex([]string{"1a", "1b", "1d*", "DAB 1", "DAB 12", "1.1.1", "1.1.2", "P2.4", "5.2"})
	tests := []struct {
		typed string
		want  string
	}{
		{"1a", "1a"}, {"1A", "1a"}, {"(1a)", "1a"}, {"1d", "1d*"}, {"1D*", "1d*"},
		{"DAB 1", "DAB 1"}, {"dab1", "DAB 1"}, {"dab 12", "DAB 12"},
		{"1.1.1", "1.1.1"}, {"p2.4", "P2.4"}, {"5.02", "5.2"}, {"#5.2", "5.2"},
		{"1c", ""}, {"DAB 2", ""}, {"1.1", ""},
	}
	for _, tc := range tests {
		got, alts := ix.Lookup(tc.typed)
		if got != tc.want || alts != nil {
			t.Errorf("Lookup(%q) = %q %v; want %q", tc.typed, got, alts, tc.want)
		}
	}
}

func TestRefIndexNeverGuessesBetweenTwoIdsThatReadTheSame(t *testing.T) {
	ix := actionbot.NewRefIndex([]string{"1d", "1d*", "2a"})
	if got, alts := ix.Lookup("1d*"); got != "1d*" || alts != nil {
		t.Fatalf("typed exactly: %q %v, want 1d*", got, alts)
	}
	if got, alts := ix.Lookup("1D "); got != "1d" || alts != nil {
		t.Fatalf("typed exactly but for case: %q %v, want 1d", got, alts)
	}
	if got, alts := ix.Lookup("(1d)"); got != "" || !slices.Equal(alts, []string{"1d", "1d*"}) {
		t.Fatalf("(1d): %q %v, want both candidates", got, alts)
	}
}

func TestRefIndexMatchTakesTheIdsWordsAndNoMore(t *testing.T) {
	ix := actionbot.NewRefIndex([]string{"DAB 1", "DAB 16", "1", "16", "2a"})
	tests := []struct {
		words []string
		ref   string
		n     int
	}{
		{[]string{"DAB", "1", "done"}, "DAB 1", 2},
		{[]string{"dab1", "done"}, "DAB 1", 1},
		{[]string{"1", "6"}, "1", 1}, // "1 6" is action 1 and then 6, never 16
		{[]string{"16", "done"}, "16", 1},
		{[]string{"2A", "progress", "60"}, "2a", 1},
		{[]string{"done", "2a"}, "", 0},
	}
	for _, tc := range tests {
		ref, n, alts := ix.Match(tc.words)
		if ref != tc.ref || n != tc.n || alts != nil {
			t.Errorf("Match(%q) = %q, %d, %v; want %q, %d", tc.words, ref, n, alts, tc.ref, tc.n)
		}
	}
}

func TestRefIndexUnderListsTheActionsOfAPriorityNumberedLikeThem(t *testing.T) {
	ix := actionbot.NewRefIndex([]string{"1.1.1", "1.1.2", "1.10.1", "1.2.1"})
	if got := ix.Under("1.1"); !slices.Equal(got, []string{"1.1.1", "1.1.2"}) {
		t.Fatalf("Under(1.1) = %v", got)
	}
}

func TestCompareRefsOrdersIdsAsPlansNumberThem(t *testing.T) {
	refs := []string{"2.1", "1.10", "DAB 10", "1b", "1.2", "DAB 2", "1a", "10a", "2a"}
	slices.SortFunc(refs, actionbot.CompareRefs)
	want := []string{"1.2", "1.10", "1a", "1b", "2.1", "2a", "10a", "DAB 2", "DAB 10"}
	if !slices.Equal(refs, want) {
		t.Fatalf("sorted %v\nwant   %v", refs, want)
	}
}

func TestShapedLikeTellsAMistakenIdFromAWord(t *testing.T) {
	ix := actionbot.NewRefIndex([]string{"DAB 1", "1d*", "1.1.1", "a"})
	tests := []struct {
		typed string
		want  bool
	}{
		{"DAB 2", true}, {"dab2", true}, {"DAB-2", true}, {"1e", true}, {"2.3.4", true}, {"b", true},
		{"1e done", false}, {"DAB 2 done", false}, {"2.3", false}, {"12", false},
	}
	for _, tc := range tests {
		if got := ix.ShapedLike(tc.typed); got != tc.want {
			t.Errorf("ShapedLike(%q) = %v, want %v", tc.typed, got, tc.want)
		}
	}
	if got := actionbot.NewRefIndex([]string{"1a", "1b", "10a"}).Under("1"); !slices.Equal(got, []string{"1a", "1b"}) {
		t.Errorf("Under(1) = %v, want 1a 1b and not 10a", got)
	}
}

// An id typed without its dots is found by its figures: every id that
// reads the same, none for what is not figures alone or is an id itself.
func TestSameDigitsFindsAnIDTypedWithoutItsDots(t *testing.T) {
	ix := actionbot.NewRefIndex([]string{"1.1.1", "11.1", "5.2", "52", "DAB 1", "1a"})
	for _, tc := range []struct {
		in   string
		want string
	}{
		{"111", "1.1.1 11.1"},
		{"52", ""}, // 52 is an id of its own: the other is not offered for it
		{"5", ""},
		{"1a", ""},
		{"99", ""},
	} {
		if got := strings.Join(ix.SameDigits(tc.in), " "); got != tc.want {
			t.Errorf("SameDigits(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	var none *actionbot.RefIndex
	if got := none.SameDigits("52"); got != nil {
		t.Errorf("a nil index offers %v", got)
	}
}
