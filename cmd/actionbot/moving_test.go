package main

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// mustCells reads every sheet of a workbook file as its cell values.
func mustCells(tb testing.TB, path string) map[string][][]string {
	tb.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	out := map[string][][]string{}
	for _, name := range f.GetSheetList() {
		if out[name], err = f.GetRows(name); err != nil {
			tb.Fatal(err)
		}
	}
	return out
}

func TestExportThenImportIntoANewDatabaseMovesThePlanWithItsStateAndAgencies(t *testing.T) {
	for _, format := range []string{"csv", "xlsx"} {
		t.Run(format, func(t *testing.T) {
			iv, _ := mustUsedDatabase(t)
			dir := t.TempDir()
			first, second := filepath.Join(dir, "first."+format), filepath.Join(dir, "second."+format)
			iv.mustRun(t, "", "export", "--format", format, "-o", first)

			other := newInvocation(t)
			out := other.mustRun(t, "", "import", first)
			for _, want := range []string{"42 added", "1 new action starts from the file's state", "New agencies: ALL, ASBCO"} {
				if !strings.Contains(out, want) {
					t.Errorf("import output lacks %q:\n%s", want, out)
				}
			}
			other.mustRun(t, "", "export", "--format", format, "-o", second)
			if format == "csv" {
				a, _ := os.ReadFile(first)
				b, _ := os.ReadFile(second)
				if !bytes.Equal(a, b) {
					t.Fatalf("the new database exports differently:\n%s\n---- before:\n%s", b, a)
				}
			} else if a, b := mustCells(t, first), mustCells(t, second); !reflect.DeepEqual(a, b) || len(a) != 2 {
				t.Fatalf("the new database's workbook differs:\n%v\n---- before:\n%v", b, a)
			}
			if out := other.mustRun(t, "", "member", "add", "U0KP", "Kent Police"); !strings.Contains(out, "Kent Police") {
				t.Errorf("member add by the name Kent Police:\n%s", out)
			}
			card := other.mustRun(t, "/action 5.2\n")
			for _, want := range []string{"blocked: waiting for the speed guns", "60%", "Kent Police (POLICE) – Training", "volunteers trained"} {
				if !strings.Contains(card, want) {
					t.Errorf("5.2's card lacks %q:\n%s", want, card)
				}
			}
		})
	}
}

func TestImportOverThePlanSaysWhatStateWouldChangeAndAppliesItOnlyWhenAsked(t *testing.T) {
	iv, _ := mustUsedDatabase(t)
	path := filepath.Join(t.TempDir(), "plan.csv")
	iv.mustRun(t, "", "export", "-o", path)
	other := newInvocation(t)
	other.mustInit(t)
	const change = `  5.2: status open → blocked; reason "" → "waiting for the speed guns"; progress 0% → 60%; note "volunteers trained"`
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"without --apply-state", []string{"import", path}, "The file's state differs for 1 action; kept as they are (--apply-state applies the file's):\n" + change},
		{"a dry run", []string{"import", "--dry-run", "--apply-state", path}, "The file's state would be applied to 1 action, each change recorded in its history:\n" + change},
		{"with --apply-state", []string{"import", "--apply-state", path}, "Applied the file's state to 1 action, each change recorded in its history:\n" + change},
	} {
		if out := other.mustRun(t, "", tc.args...); !strings.Contains(out, tc.want) || !strings.Contains(out, "0 added, 0 updated, 42 unchanged") {
			t.Errorf("%s: the output lacks %q:\n%s", tc.name, tc.want, out)
		}
		card := other.mustRun(t, "/action 5.2\n")
		if blocked := strings.Contains(card, "blocked: waiting for the speed guns"); blocked != (tc.name == "with --apply-state") {
			t.Errorf("%s: 5.2 blocked is %v:\n%s", tc.name, blocked, card)
		}
	}
	if out := other.mustRun(t, "", "import", path); strings.Contains(out, "state differs") {
		t.Errorf("applied, the file still differs:\n%s", out)
	}
}
