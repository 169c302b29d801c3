package actionbot_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The architecture page's "where to find a behaviour" table and the
// package tables (README's tour and the architecture page's) name files,
// directories and Go declarations: each must exist, and a declaration
// named beside a file, "`rules.go` (`CanChange`)" or "`actionbot.Retyped`
// (`audit.go`)", must be in that file, so that the tour a newcomer reads
// cannot go stale when code moves (issue 25, 6).
func TestDocsNameOnlyFilesAndFunctionsThatExist(t *testing.T) {
	decls := declarations(t)
	arch, err := os.ReadFile("docs/architecture.md")
	if err != nil {
		t.Fatal(err)
	}
	where, ok := section(string(arch), "Where to find a behaviour:")
	if !ok {
		t.Fatal(`docs/architecture.md has no "Where to find a behaviour:" table`)
	}
	rows := 0
	for _, cells := range tableRows(where) {
		if len(cells) != 2 {
			t.Errorf("where-to-find row with %d cells: %q", len(cells), cells)
			continue
		}
		rows++
		c := checker{t: t, decls: decls, table: "the where-to-find table", row: cells[0]}
		c.identifiers(cells[0], false)
		if c.files(cells[1], "") == 0 {
			t.Errorf("the where-to-find row %q names no file", cells[0])
		}
		c.identifiers(cells[1], true)
	}
	if rows < 20 {
		t.Errorf("the where-to-find table has %d rows: was it moved?", rows)
	}

	for _, doc := range []string{"README.md", "docs/architecture.md"} {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		pkgs := 0
		for _, cells := range tableRows(string(b)) {
			if len(cells) != 2 || !packageCell.MatchString(cells[0]) {
				continue
			}
			for _, m := range backticked.FindAllStringSubmatch(cells[0], -1) {
				pkgs++
				dir := m[1]
				if dir == "actionbot" {
					dir = "."
				}
				if files, _ := filepath.Glob(filepath.Join(dir, "*.go")); len(files) == 0 {
					t.Errorf("%s's package table names %s, which holds no Go files", doc, m[1])
				}
				c := checker{t: t, decls: decls, table: doc + "'s package table", row: m[1]}
				c.files(cells[1], dir)
				c.identifiers(cells[1], false)
			}
		}
		if pkgs < 10 {
			t.Errorf("%s's package table names %d packages: was it moved?", doc, pkgs)
		}
	}
}

var (
	backticked  = regexp.MustCompile("`([^`]+)`")
	packageCell = regexp.MustCompile("^`[a-z][a-z0-9/-]*`")
	// "`file.go` (`A`, `B`)": A and B are declared in file.go.
	fileThenDecls = regexp.MustCompile("`([^` ]+\\.go)` \\(((?:`[^`]+`(?:, )?)+)\\)")
	// "`Name` (`file.go`)": Name is declared in file.go.
	declThenFile = regexp.MustCompile("`([A-Za-z_][A-Za-z0-9_.]*)` \\(`([^` ]+\\.go)`\\)")
	goIdent      = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$`)
	camelCase    = regexp.MustCompile(`^[A-Z][a-z][A-Za-z0-9]*$`)
)

type checker struct {
	t          *testing.T
	decls      map[string]map[string]bool // name -> files declaring it
	table, row string
}

// files checks the files and directories a cell names, relative to dir
// when they have no directory of their own, and returns how many it
// names.
func (c checker) files(cell, dir string) int {
	n := 0
	for _, m := range backticked.FindAllStringSubmatch(cell, -1) {
		name := m[1]
		if strings.ContainsAny(name, " <>@#$:") || strings.HasPrefix(name, "/") || !(strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "/")) {
			continue
		}
		n++
		path := name
		if dir != "" && !strings.Contains(strings.TrimSuffix(name, "/"), "/") {
			path = filepath.Join(dir, name)
		}
		if _, err := os.Stat(strings.TrimSuffix(path, "/")); err != nil {
			c.t.Errorf("%s names %s, which does not exist (row: %s)", c.table, path, c.row)
		}
	}
	for _, m := range fileThenDecls.FindAllStringSubmatch(cell, -1) {
		file := c.path(m[1], dir)
		for _, d := range backticked.FindAllStringSubmatch(m[2], -1) {
			if goIdent.MatchString(d[1]) && !strings.HasSuffix(d[1], ".go") {
				c.declaredIn(d[1], file)
			}
		}
	}
	for _, m := range declThenFile.FindAllStringSubmatch(cell, -1) {
		c.declaredIn(m[1], c.path(m[2], dir))
	}
	return n
}

func (c checker) path(name, dir string) string {
	if dir != "" && !strings.Contains(name, "/") {
		return filepath.ToSlash(filepath.Join(dir, name))
	}
	return name
}

// identifiers checks the Go names a cell gives: every CamelCase one, and
// in a file column any name at all (`matcher`, `scheduledJobs`).
func (c checker) identifiers(cell string, any bool) {
	for _, m := range backticked.FindAllStringSubmatch(cell, -1) {
		name := m[1]
		if !goIdent.MatchString(name) || strings.HasSuffix(name, ".go") {
			continue
		}
		last := name[strings.LastIndex(name, ".")+1:]
		if !any && !camelCase.MatchString(last) {
			continue
		}
		if len(c.decls[last]) == 0 {
			c.t.Errorf("%s names %s, which nothing declares (row: %s)", c.table, name, c.row)
		}
	}
}

func (c checker) declaredIn(name, file string) {
	last := name[strings.LastIndex(name, ".")+1:]
	if !c.decls[last][filepath.ToSlash(file)] {
		var where []string
		for f := range c.decls[last] {
			where = append(where, f)
		}
		c.t.Errorf("%s names %s in %s, but it is declared in %v (row: %s)", c.table, name, file, where, c.row)
	}
}

// tableRows are the cells of the Markdown table rows in s, header and rule
// rows left out, with "\|" kept in its cell.
func tableRows(s string) [][]string {
	var rows [][]string
	for _, line := range strings.Split(s, "\n") {
		if !strings.HasPrefix(line, "| ") {
			continue
		}
		line = strings.ReplaceAll(line, `\|`, "\x00")
		var cells []string
		for _, c := range strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|") {
			cells = append(cells, strings.ReplaceAll(strings.TrimSpace(c), "\x00", `\|`))
		}
		if strings.HasPrefix(cells[len(cells)-1], "---") || cells[len(cells)-1] == "File" {
			continue
		}
		rows = append(rows, cells)
	}
	return rows
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
// level (functions, methods, types and their fields, variables and
// constants), with the files that declare each.
func declarations(t *testing.T) map[string]map[string]bool {
	t.Helper()
	out := map[string]map[string]bool{}
	add := func(name, path string) {
		if out[name] == nil {
			out[name] = map[string]bool{}
		}
		out[name][path] = true
	}
	fset := token.NewFileSet()
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
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		path = filepath.ToSlash(path)
		for _, decl := range f.Decls {
			switch decl := decl.(type) {
			case *ast.FuncDecl:
				add(decl.Name.Name, path)
			case *ast.GenDecl:
				for _, s := range decl.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						add(s.Name.Name, path)
						// a struct's fields and an interface's methods, as DB.Now
						var fields *ast.FieldList
						switch ty := s.Type.(type) {
						case *ast.StructType:
							fields = ty.Fields
						case *ast.InterfaceType:
							fields = ty.Methods
						}
						if fields != nil {
							for _, f := range fields.List {
								for _, n := range f.Names {
									add(n.Name, path)
								}
							}
						}
					case *ast.ValueSpec:
						for _, n := range s.Names {
							add(n.Name, path)
						}
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
