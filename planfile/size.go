package planfile

import (
	"strconv"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
)

// ParseSize reads import's --max-size: "50MB", "512KB", "1GB" or a number of bytes.
func ParseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 {
		return 0, actionbot.Errorf(actionbot.EUSAGE, "--max-size %q is not a size: write e.g. 50MB", s)
	}
	return n * mult, nil
}
