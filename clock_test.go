package actionbot_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// wallClockAllowed are the files, beside clock.go, that may call
// time.Now(): cmd/ chooses the clock (the wall, or -as-of's) and the load
// tool measures real time.
var wallClockAllowed = []string{
	"cmd/",
}

// Only clock.go reads the wall clock: every other instant comes from the
// clock a component is given, so a run on -as-of's clock cannot mix in the
// real one (issue 25, 4).
func TestTheWallClockIsReadInClockGoOnly(t *testing.T) {
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != "." && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || path == "clock.go" {
			return nil
		}
		path = filepath.ToSlash(path)
		for _, a := range wallClockAllowed {
			if path == a || strings.HasSuffix(a, "/") && strings.HasPrefix(path, a) {
				return nil
			}
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			if strings.Contains(line, "time.Now()") {
				t.Errorf("%s:%d reads the wall clock: take the component's clock, or actionbot.WallClock / Stopwatch (clock.go)\n\t%s", path, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
