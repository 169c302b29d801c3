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

func TestListsAreSortedAndLoadFast(t *testing.T) {
	for name, text := range map[string]string{"people.txt": peopleText, "words.txt": wordsText, "rare.txt": rareText} {
		l := readList(text)
		if len(l.words) < 20000 {
			t.Errorf("%s: %d words", name, len(l.words))
		}
		for i := 1; i < len(l.words); i++ {
			if l.words[i-1] >= l.words[i] {
				t.Fatalf("%s is not sorted in byte order, or repeats a word, at %q, %q", name, l.words[i-1], l.words[i])
			}
		}
		for _, w := range []string{l.words[0], l.words[len(l.words)/2], l.words[len(l.words)-1]} {
			if !l.has(w) {
				t.Errorf("%s: has(%q) = false", name, w)
			}
		}
		if l.has("zzzzqqq") || l.has("") || l.has("'") {
			t.Errorf("%s: finds a word it lacks", name)
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		readList(peopleText)
		readList(wordsText)
		readList(rareText)
	}
}
