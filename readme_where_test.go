package actionbot_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// README's "where to find a behaviour" table and its package table name
// files, directories and functions: each must exist, so that the tour a
// newcomer reads cannot go stale when code moves.
func TestReadmeNamesOnlyFilesAndFunctionsThatExist(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	decls := declarations(t)
	token := regexp.MustCompile("`([^`]+)`")
	where, ok := section(string(readme), "Where to find a behaviour:")
	if !ok {
		t.Fatal(`README has no "Where to find a behaviour:" table`)
	}
	rows := 0
	for _, line := range strings.Split(where, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 4 || strings.HasPrefix(strings.TrimSpace(cells[2]), "---") || strings.TrimSpace(cells[2]) == "File" {
			continue
		}
		rows++
		for _, m := range token.FindAllStringSubmatch(cells[2], -1) {
			name := m[1]
			switch {
			case strings.HasPrefix(name, "/") || strings.Contains(name, " "):
				// a command people type, "/action admin …"
			case strings.Contains(name, "/") || strings.HasSuffix(name, ".go"):
				if _, err := os.Stat(strings.TrimSuffix(name, "/")); err != nil {
					t.Errorf("README's where-to-find table names %s, which does not exist (row: %s)", name, strings.TrimSpace(cells[1]))
				}
			case regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.]*$`).MatchString(name):
				id := name[strings.LastIndex(name, ".")+1:]
				if !decls[id] {
					t.Errorf("README's where-to-find table names %s, which nothing declares (row: %s)", name, strings.TrimSpace(cells[1]))
				}
			}
		}
	}
	if rows < 10 {
		t.Errorf("README's where-to-find table has %d rows: was it moved?", rows)
	}
	// The package table: every package it names is a directory of Go files.
	pkgRow := regexp.MustCompile("(?m)^\\| `([a-z][a-z0-9/]*)` \\|")
	for _, m := range pkgRow.FindAllStringSubmatch(string(readme), -1) {
		if m[1] == "actionbot" {
			continue
		}
		if files, _ := filepath.Glob(filepath.Join(m[1], "*.go")); len(files) == 0 {
			t.Errorf("README's package table names %s, which holds no Go files", m[1])
		}
	}
}

// section is the text after a heading line, to the next blank line after
// a table.
func section(s, heading string) (string, bool) {
	_, after, ok := strings.Cut(s, heading)
	if !ok {
		return "", false
	}
	after = strings.TrimLeft(after, "\n")
	if end := strings.Index(after, "\n\n"); end >= 0 {
		after = after[:end]
	}
	return after, true
}

// declarations are the names every Go file of the module declares at top
// level: functions, methods, types, variables and constants.
func declarations(t *testing.T) map[string]bool {
	t.Helper()
	decl := regexp.MustCompile(`(?m)^(?:func (?:\([^)]*\) )?|type |var |const )([A-Za-z_][A-Za-z0-9_]*)|^\t([A-Za-z_][A-Za-z0-9_]*)\b[^\n]*=`)
	out := map[string]bool{}
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") && path != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range decl.FindAllStringSubmatch(string(b), -1) {
			out[m[1]+m[2]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
