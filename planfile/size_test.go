package planfile_test

import (
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/planfile"
)

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"50MB": 50 << 20, " 512kb ": 512 << 10, "1 GB": 1 << 30, "2048": 2048, "100B": 100} {
		if got, err := planfile.ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "0", "-5MB", "lots", "5TB"} {
		if _, err := planfile.ParseSize(bad); actionbot.ErrorCode(err) != actionbot.EUSAGE {
			t.Errorf("ParseSize(%q): %v, want a usage error", bad, err)
		}
	}
}
