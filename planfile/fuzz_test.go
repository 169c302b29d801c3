package planfile_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot/planfile"
)

func FuzzRead(f *testing.F) {
	f.Add(string(planfile.SevenoaksCSV()))
	f.Add(header + "1.1,1,T,A,CSU,,March 2013,\n")
	f.Add("\xef\xbb\xbf" + strings.ReplaceAll(header, "\n", "\r\n") + "1.1,1,T,\"a\r\nb\",CSU;Police (x),,\"On\r\ngoing\",\r\n")
	f.Add(header + "1.1,1,T,A,CSU,,soon,\n1.1,1,T,,,,,\n")
	f.Add(header + "\"unterminated")
	f.Add("")
	f.Add(otherCounty)
	f.Add("Title\nRef,Action,Lead Officer,Timescale,Outcome\n1. Section\na),Text,\"Police, Council – X\",TBC,More\n")
	dir := mustDirectory(f)
	f.Fuzz(func(t *testing.T, in string) {
		res, err := planfile.Read(strings.NewReader(in), dir, planfile.Options{})
		if err != nil {
			var inv *planfile.InvalidError
			if !errors.As(err, &inv) || len(inv.Problems) == 0 {
				t.Fatalf("Read: %v is not a list of problems", err)
			}
			if res != nil {
				t.Fatal("an invalid file yielded a plan")
			}
			return
		}
		if len(res.Import.Actions) == 0 || res.Import.Period.Start.IsZero() || res.Import.Name == "" {
			t.Fatalf("a valid file gave an incomplete plan: %+v", res.Import)
		}
		seen := map[string]bool{}
		for _, a := range res.Import.Actions {
			if seen[a.Ref] || a.Text == "" || (len(a.Lead) == 0 && a.Review == "") {
				t.Fatalf("invalid action accepted: %+v", a)
			}
			seen[a.Ref] = true
		}
	})
}
