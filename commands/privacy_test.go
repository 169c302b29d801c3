package commands

import (
	"strings"
	"testing"
)

func TestGuardRefusesEveryFormOfPersonalData(t *testing.T) {
	if len(guardRefuses) < 150 {
		t.Fatalf("the corpus has %d positives; keep at least 150", len(guardRefuses))
	}
	for _, tc := range guardRefuses {
		t.Run(tc.text, func(t *testing.T) {
			if got := personalDataIn(tc.text); got != tc.kind {
				t.Errorf("personalDataIn(%q) = %q, want %q", tc.text, got, tc.kind)
			}
		})
	}
}

func TestGuardAllowsTheTextOfPartnershipWork(t *testing.T) {
	if len(guardAllows) < 100 {
		t.Fatalf("the corpus has %d negatives; keep at least 100", len(guardAllows))
	}
	for _, text := range guardAllows {
		t.Run(text, func(t *testing.T) {
			if got := personalDataIn(text); got != "" {
				t.Errorf("personalDataIn(%q) = %q, want it allowed", text, got)
			}
		})
	}
}

func TestGuardNormalisesBeforeMatching(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"\uff34\uff2e13\u00a01HG", "TN13 1HG"},
		{"a \t\n  b", "a b"},
		{"bob\uff20example.com", "bob@example.com"},
		{"TN13\u200b1HG", "TN131HG"},
		{"TN13 \u2013 1HG", "TN13 - 1HG"},
		{"\ufb01eld", "field"},
	} {
		if got := normaliseForGuard(tc.in); got != tc.want {
			t.Errorf("normaliseForGuard(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestRefusalSaysWhatToLeaveOut(t *testing.T) {
	msg := privacyRefusal("a street address").Error()
	for _, want := range []string{"a street address", "names, addresses, postcodes, phone numbers", "number plates", "NHS"} {
		if !strings.Contains(msg, want) {
			t.Errorf("refusal %q lacks %q", msg, want)
		}
	}
}

// TestRefusalNeverRepeatsThePersonalData: the refusal names the kind found,
// never the text, so that no reply or log line carries it.
func TestRefusalNeverRepeatsThePersonalData(t *testing.T) {
	for _, tc := range []struct{ text, secret string }{
		{"wojciech nowak sleeping in his car", "nowak"},
		{"KX12 ABC seen at the school", "KX12"},
		{"nhs number 943 476 5919", "5919"},
		{"Kai, 16", "Kai"},
		{"bob at example.com", "example"},
	} {
		what := personalDataIn(tc.text)
		if what == "" {
			t.Fatalf("%q not refused", tc.text)
		}
		if msg := privacyRefusal(what).Error(); strings.Contains(strings.ToLower(msg), strings.ToLower(tc.secret)) {
			t.Errorf("refusal of %q repeats %q: %s", tc.text, tc.secret, msg)
		}
	}
}

// FuzzPersonalData checks that the guard never panics, reads text the same
// before and after normalising it, and finds personal data whatever
// partnership text stands before it. Seeds: testdata/fuzz/FuzzPersonalData.
func FuzzPersonalData(f *testing.F) {
	for _, tc := range guardRefuses[:20] {
		f.Add(tc.text)
	}
	for _, text := range guardAllows[:20] {
		f.Add(text)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := personalDataIn(s)
		if again := personalDataIn(normaliseForGuard(s)); again != got {
			t.Fatalf("personalDataIn(%q) = %q but %q once normalised", s, got, again)
		}
		for _, pd := range []string{"TN13 1HG", "01732 227000", "jo@example.org", "QQ 12 34 56 C", "DOB 01/02/1990"} {
			if personalDataIn(s+" and "+pd) == "" {
				t.Fatalf("%q after %q was not refused", pd, s)
			}
		}
	})
}
