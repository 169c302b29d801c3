package commands

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The guard's corpus of officers' notes (testdata/guard): personal.txt and
// harmless.txt, on which it was tuned, and heldout_*.txt, written with them
// before any tuning and never tuned on, for an honest estimate.

// readGuardNotes reads one note a line, leaving out blank and "#" lines.
func readGuardNotes(t testing.TB, name string) []string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "guard", name))
	if err != nil {
		t.Fatalf("open corpus: %v", err)
	}
	defer f.Close()
	var notes []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		notes = append(notes, line)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read corpus %s: %v", name, err)
	}
	return notes
}

// guardScore is how the guard did on a corpus.
type guardScore struct {
	personal, caught, harmless, refused int
	missed, wronglyRefused              []string
}

func (s guardScore) recall() float64 { return 100 * float64(s.caught) / float64(s.personal) }
func (s guardScore) falseRefusals() float64 {
	return 100 * float64(s.refused) / float64(s.harmless)
}
func (s guardScore) precision() float64 {
	if s.caught+s.refused == 0 {
		return 100
	}
	return 100 * float64(s.caught) / float64(s.caught+s.refused)
}

func (s guardScore) String() string {
	return fmt.Sprintf("recall %d/%d = %.1f%%, harmless refused %d/%d = %.1f%%, precision %.1f%%",
		s.caught, s.personal, s.recall(), s.refused, s.harmless, s.falseRefusals(), s.precision())
}

func scoreGuard(personal, harmless []string) guardScore {
	s := guardScore{personal: len(personal), harmless: len(harmless)}
	for _, n := range personal {
		if personalDataIn(n) != "" {
			s.caught++
		} else {
			s.missed = append(s.missed, n)
		}
	}
	for _, n := range harmless {
		if what := personalDataIn(n); what != "" {
			s.refused++
			s.wronglyRefused = append(s.wronglyRefused, n+"  ← "+what)
		}
	}
	return s
}

func logScore(t *testing.T, name string, s guardScore) {
	t.Helper()
	t.Logf("%s: %s", name, s)
	for _, n := range s.missed {
		t.Logf("  missed: %s", n)
	}
	for _, n := range s.wronglyRefused {
		t.Logf("  refused: %s", n)
	}
}

// TestGuardCorpus: on the notes it was tuned on, the guard catches at least
// 95% of those holding personal data and refuses at most 2% of the harmless
// ones (issue 24). go test ./commands -run GuardCorpus -v prints the figures.
func TestGuardCorpus(t *testing.T) {
	personal, harmless := readGuardNotes(t, "personal.txt"), readGuardNotes(t, "harmless.txt")
	if len(personal) < 200 || len(harmless) < 200 {
		t.Fatalf("corpus has %d personal and %d harmless notes; keep at least 200 of each", len(personal), len(harmless))
	}
	s := scoreGuard(personal, harmless)
	logScore(t, "tuned corpus", s)
	if s.recall() < 95 {
		t.Errorf("recall %.1f%% < 95%%", s.recall())
	}
	if s.falseRefusals() > 2 {
		t.Errorf("harmless refused %.1f%% > 2%%", s.falseRefusals())
	}
}

// TestGuardHeldOutCorpus: notes the guard was never tuned on. The bar is the
// issue's for an outside corpus: at least 90% recall and no more than one
// false refusal in 34.
func TestGuardHeldOutCorpus(t *testing.T) {
	personal, harmless := readGuardNotes(t, "heldout_personal.txt"), readGuardNotes(t, "heldout_harmless.txt")
	if len(personal)+len(harmless) < 60 {
		t.Fatalf("held-out corpus has %d notes; keep at least 60", len(personal)+len(harmless))
	}
	s := scoreGuard(personal, harmless)
	logScore(t, "held-out corpus", s)
	if s.recall() < 90 {
		t.Errorf("held-out recall %.1f%% < 90%%", s.recall())
	}
	if float64(s.refused) > float64(s.harmless)/34 {
		t.Errorf("held out: %d of %d harmless refused, more than 1 in 34", s.refused, s.harmless)
	}
}

// BenchmarkGuardTypicalNote times the guard on a typical note.
func BenchmarkGuardTypicalNote(b *testing.B) {
	for b.Loop() {
		personalDataIn(typicalNote)
	}
}

// typicalNote is a note as a lead agency writes one.
const typicalNote = "Speedwatch session on the A25 at Riverhead went ahead with 6 volunteers, 41 vehicles over the limit; letters to follow via KCC Highways"

// BenchmarkGuardCorpus times the guard over every note of the corpus, per note.
func BenchmarkGuardCorpus(b *testing.B) {
	notes := append(readGuardNotes(b, "personal.txt"), readGuardNotes(b, "harmless.txt")...)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		personalDataIn(notes[i%len(notes)])
	}
}
