package planfile_test

import (
	"bytes"
	"context"
	"flag"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/planfile"
)

// import's flags land on the run; the period and the size cap are read by
// Run, before the file is opened, a mistake in either said as such.
func TestImportFlagsAreReadIntoTheRun(t *testing.T) {
	r := &planfile.ImportRun{}
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	r.Flags(fs)
	err := fs.Parse([]string{"--name", "Our Plan", "--period", "2015-04-01..2016-03-31", "--dry-run", "--strict", "--sheet", "Actions",
		"--agency-map", "Council=SDC", "--agency-map", "Police=POLICE", "--max-size", "1KB"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Name != "Our Plan" || r.PeriodText != "2015-04-01..2016-03-31" || !r.DryRun || !r.Strict || r.Sheet != "Actions" ||
		!slices.Equal(r.AgencyMap, []string{"Council=SDC", "Police=POLICE"}) || r.MaxSizeText != "1KB" {
		t.Errorf("the run: %+v", r)
	}
	for _, tc := range []struct{ period, size, want string }{
		{"2015", "1KB", "A period is written start..end"},
		{"", "lots", "size"},
	} {
		run := &planfile.ImportRun{Path: "/nonexistent.csv", PeriodText: tc.period, MaxSizeText: tc.size, Out: &bytes.Buffer{},
			Open: func() (planfile.ImportStore, error) { t.Fatal("opened the database"); return nil, nil }}
		err := run.Run(context.Background())
		if err == nil || !strings.Contains(actionbot.ErrorMessage(err), tc.want) {
			t.Errorf("period %q, size %q: %v", tc.period, tc.size, err)
		}
	}
}
