package actionbot_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// docs/settings.md's table names every ACTIONBOT_* setting the code reads,
// and only those: a setting added to the code without a row, or removed
// with its row left, fails here (issue 24, 7).
func TestSettingsTableComplete(t *testing.T) {
	name := regexp.MustCompile(`ACTIONBOT_[A-Z_]+`)
	inCode := map[string]string{} // name -> a file that names it
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
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, n := range name.FindAllString(string(b), -1) {
			if strings.HasSuffix(n, "_") { // a family in a comment: ACTIONBOT_RAG_*
				continue
			}
			inCode[n] = path
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(inCode) < 10 {
		t.Fatalf("found only %d settings in the code: is the walk right?", len(inCode))
	}
	doc, err := os.ReadFile("docs/settings.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(doc), "## Settings\n")
	if !ok {
		t.Fatal("docs/settings.md has no Settings section")
	}
	inTable := map[string]bool{}
	for _, line := range strings.Split(after, "\n") {
		if strings.HasPrefix(line, "## ") {
			break
		}
		if !strings.HasPrefix(line, "| ") {
			continue
		}
		first := strings.Split(line, "|")[1] // the Variable column only
		for _, n := range name.FindAllString(first, -1) {
			inTable[n] = true
		}
	}
	var missing []string
	for n, path := range inCode {
		if !inTable[n] {
			missing = append(missing, n+" (read in "+path+")")
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("docs/settings.md's table has no row for %s", m)
	}
	// and no row for a setting nothing reads any more
	for n := range inTable {
		if _, ok := inCode[n]; !ok {
			t.Errorf("docs/settings.md's table has a row for %s, which no code reads", n)
		}
	}
}
