package planfile_test

import (
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/planfile"
)

func TestThePlansNameIsItsWholeTitle(t *testing.T) {
	const table = "Action,Lead,Timescale\nRun the forum,CSU,March 2020\n"
	for _, tc := range []struct {
		name, titles, want string
	}{
		{"a title row ending mid-phrase (ON) is joined to the next",
			"ACTION PLAN FROM SCRUTINY REPORT RECEIVED ON,,\n9 MARCH 2007,,\nFINAL REPORT - NEIGHBOURHOOD POLICING,,\n",
			"ACTION PLAN FROM SCRUTINY REPORT RECEIVED ON 9 MARCH 2007"},
		{"a title row ending with a colon is joined to the next", "Community Safety Plan:,,\nWestshire 2019-20,,\n",
			"Community Safety Plan: Westshire 2019-20"},
		{"a title row ending with a dash is joined to the next", "Westshire CSP –,,\nAction Plan 2019-20,,\n",
			"Westshire CSP – Action Plan 2019-20"},
		{"a title row ending in 'of the' is joined to the next", "Action plan of the,,\nWestshire Prevent Board,,\n",
			"Action plan of the Westshire Prevent Board"},
		{"a later title row that contains the first and adds to it is the name", "Prevent Action Plan,,\nPrevent Action Plan 2024-25,,\n",
			"Prevent Action Plan 2024-25"},
		{"a heading that repeats the title is a heading, not the name", "Prevent Plan,,\nOutcome 1 - Prevent Plan governance,,\n",
			"Prevent Plan"},
		{"a complete title row is not joined to the next", "Westshire Community Safety Plan 2019-20,,\nOutcome 1 - Fewer knives,,\n",
			"Westshire Community Safety Plan 2019-20"},
		{"a protective marking is skipped before a title split over two rows", "OFFICIAL,,\nAction Plan for,,\nWestshire 2019-20,,\n",
			"Action Plan for Westshire 2019-20"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := planfile.Read(strings.NewReader(tc.titles+table), actionbot.NewDirectory(nil), planfile.Options{Source: "plan.csv"})
			if err != nil {
				t.Fatal(err)
			}
			if res.Import.Name != tc.want {
				t.Errorf("named %q, want %q", res.Import.Name, tc.want)
			}
		})
	}
}
