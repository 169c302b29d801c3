package planfile

import (
	"testing"

	"github.com/sevenoaks-csp/actionbot"
)

// keyIs answers as comparing actionbot.AgencyKey would, without making it.
func TestKeyIsAgencyKeyCompared(t *testing.T) {
	names := []string{"SYP", "syp", "T&CG", "t and cg", "KCC-CFE", "kcc cfe", "Kent Fire & Rescue Service",
		"  Children’s  Services ", "ÉCOLE", "école", "A1", "a 1", "", "-", "&", "and", "SY P", "SYPX", "Ω"}
	for _, s := range names {
		for _, other := range names {
			key := actionbot.AgencyKey(other)
			if got, want := keyIs(s, key), actionbot.AgencyKey(s) == key; got != want {
				t.Errorf("keyIs(%q, %q) = %v, want %v", s, key, got, want)
			}
		}
	}
}
