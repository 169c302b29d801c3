package names

import "testing"

func TestFold(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"smith", "smith"},
		{"Wiśniewski", "wisniewski"},
		{"Łukasz", "lukasz"},
		{"O’Neill", "o'neill"},
		{"Özdemir", "ozdemir"},
		{"José", "jose"},
		{"Ellie-Mae", "ellie-mae"},
		{"A21", ""},
		{"jo@x", ""},
	} {
		if got := Fold(tc.in); got != tc.want {
			t.Errorf("Fold(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTheListsHoldNamesAndWords(t *testing.T) {
	for _, w := range []string{"smith", "patel", "nowak", "okafor", "zhang", "yilmaz", "wojciech", "chinedu", "ionut", "gurpreet"} {
		if !IsName(w) {
			t.Errorf("IsName(%q) = false", w)
		}
	}
	for _, w := range []string{"will", "hope", "green", "road", "speed"} {
		if !IsWord(w) {
			t.Errorf("IsWord(%q) = false", w)
		}
	}
	for _, w := range []string{"patel", "nowak", "kent"} {
		if IsWord(w) {
			t.Errorf("IsWord(%q) = true: a proper name is not a common word", w)
		}
	}
}

func TestCommonWordsAreTheEverydayOnes(t *testing.T) {
	for _, tc := range []struct {
		w      string
		common bool
	}{{"will", true}, {"green", true}, {"hope", true}, {"john", false}, {"josh", false}, {"carter", false}, {"nowak", false}} {
		if got := IsCommonWord(tc.w); got != tc.common {
			t.Errorf("IsCommonWord(%q) = %v, want %v", tc.w, got, tc.common)
		}
	}
}
