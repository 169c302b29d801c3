package actionbot_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"unicode"
)

// A block in README.md or docs/ that shows what the bot prints is a
// transcript: a fenced block whose first line is "$ " and a command, each
// "$ " line followed by what that command prints on standard output. A
// line "..." stands for any number of lines (none included). The commands
// run in order in one empty directory, as a fresh machine would run them
// (testdata/ beside it), against the binary built from this tree, and what
// they print must be what the block shows: an example cannot go stale
// (issue 25, 6).
func TestPrintedExamplesAreWhatTheBotPrints(t *testing.T) {
	files := docFiles(t)
	var blocks []transcript
	for _, f := range files {
		blocks = append(blocks, transcripts(t, f)...)
	}
	if len(blocks) < 3 {
		t.Fatalf("found %d transcripts in %s: is the README's example still one?", len(blocks), strings.Join(files, ", "))
	}
	bin := actionbotBinary(t)
	for _, b := range blocks {
		t.Run(b.where, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.Symlink(mustAbs(t, "testdata"), filepath.Join(dir, "testdata")); err != nil {
				t.Fatal(err)
			}
			for _, step := range b.steps {
				got := runLine(t, bin, dir, step.command)
				if !printedMatches(strings.Split(got, "\n"), step.want) {
					t.Errorf("%s: `%s` prints\n%s\nbut the block shows\n%s", b.where, step.command, got, strings.Join(step.want, "\n"))
				}
			}
		})
	}
}

// README is what a newcomer reads in five minutes: short, and no line so
// long that a browser cuts it.
func TestReadmeIsShort(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) >= 250 {
		t.Errorf("README.md has %d lines: keep it under 250, and put the rest in docs/", len(lines))
	}
	for i, l := range lines {
		if n := len([]rune(l)); n > 150 {
			t.Errorf("README.md:%d is %d characters long (at most 150): %.60s…", i+1, n, l)
		}
	}
	// .ci/run reads the one test command between the markers.
	_, after, ok := strings.Cut(string(b), "<!-- test-command -->\n")
	cmd, _, ok2 := strings.Cut(after, "<!-- /test-command -->")
	if !ok || !ok2 {
		t.Fatal("README.md has no test-command markers: .ci/run reads the test command between them")
	}
	var commands []string
	for _, l := range strings.Split(cmd, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "```") {
			commands = append(commands, l)
		}
	}
	if len(commands) != 1 || !strings.HasPrefix(commands[0], "go test ") {
		t.Errorf("the test command between the markers must be one line of go test: %q", commands)
	}
}

// docFiles are README.md and every page of docs/.
func docFiles(t *testing.T) []string {
	t.Helper()
	docs, err := filepath.Glob("docs/*.md")
	if err != nil || len(docs) == 0 {
		t.Fatalf("no docs/*.md: %v", err)
	}
	return append([]string{"README.md"}, docs...)
}

type transcript struct {
	where string // file:line
	steps []transcriptStep
}

type transcriptStep struct {
	command string
	want    []string
}

var fence = regexp.MustCompile("^```")

// transcripts are the fenced blocks of a file whose first line is "$ ".
func transcripts(t *testing.T, path string) []transcript {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []transcript
	lines := strings.Split(string(b), "\n")
	for i := 0; i < len(lines); i++ {
		if !fence.MatchString(lines[i]) {
			continue
		}
		start := i
		var body []string
		for i++; i < len(lines) && !fence.MatchString(lines[i]); i++ {
			body = append(body, lines[i])
		}
		if len(body) == 0 || !strings.HasPrefix(body[0], "$ ") {
			continue
		}
		tr := transcript{where: filepath.Base(path) + ":" + itoa(start+1)}
		for _, l := range body {
			if cmd, ok := strings.CutPrefix(l, "$ "); ok {
				tr.steps = append(tr.steps, transcriptStep{command: cmd})
				continue
			}
			s := &tr.steps[len(tr.steps)-1]
			s.want = append(s.want, l)
		}
		out = append(out, tr)
	}
	return out
}

func itoa(n int) string {
	var b []byte
	for n >= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(append([]byte{byte('0' + n)}, b...))
}

// printedMatches reports whether got is want, a line "..." in want standing
// for any run of lines; trailing blanks, at line ends and at the end, do
// not count.
func printedMatches(got, want []string) bool {
	trim := func(ls []string) []string {
		out := make([]string, len(ls))
		for i, l := range ls {
			out[i] = strings.TrimRight(l, " \t")
		}
		for len(out) > 0 && out[len(out)-1] == "" {
			out = out[:len(out)-1]
		}
		return out
	}
	got, want = trim(got), trim(want)
	var match func(g, w int) bool
	match = func(g, w int) bool {
		if w == len(want) {
			return g == len(got)
		}
		if strings.TrimSpace(want[w]) == "..." {
			for k := g; k <= len(got); k++ {
				if match(k, w+1) {
					return true
				}
			}
			return false
		}
		return g < len(got) && got[g] == want[w] && match(g+1, w+1)
	}
	return match(0, 0)
}

// runLine runs one transcript line: [printf 'INPUT' |] [VAR=value…]
// actionbot ARGS (or go run ./cmd/actionbot ARGS), in dir, with no setting
// but those it gives, and returns its standard output.
func runLine(t *testing.T, bin, dir, line string) string {
	t.Helper()
	var stdin string
	if input, rest, ok := strings.Cut(line, "| "); ok && strings.HasPrefix(input, "printf ") {
		words := shellWords(t, strings.TrimPrefix(input, "printf "))
		if len(words) != 1 {
			t.Fatalf("%q: printf takes one quoted argument here", line)
		}
		stdin = strings.NewReplacer(`\n`, "\n", `\t`, "\t", `\\`, `\`).Replace(words[0])
		line = rest
	}
	words := shellWords(t, line)
	env := []string{"HOME=" + dir, "PATH=" + os.Getenv("PATH"), "ACTIONBOT_DB=" + filepath.Join(dir, "actionbot.db")}
	for len(words) > 0 && strings.Contains(words[0], "=") && !strings.HasPrefix(words[0], "-") {
		env = append(env, words[0])
		words = words[1:]
	}
	switch {
	case len(words) > 0 && words[0] == "actionbot":
		words = words[1:]
	case len(words) > 2 && words[0] == "go" && words[1] == "run" && words[2] == "./cmd/actionbot":
		words = words[3:]
	default:
		t.Fatalf("%q: a transcript runs actionbot (or go run ./cmd/actionbot)", line)
	}
	cmd := exec.Command(bin, words...)
	cmd.Dir, cmd.Env, cmd.Stdin = dir, env, strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%q: %v\n%s%s", line, err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// shellWords splits a command line as sh does for the simple lines a
// transcript holds: words, 'single' and "double" quotes, no expansion.
func shellWords(t *testing.T, s string) []string {
	t.Helper()
	var words []string
	var w strings.Builder
	in, quote := false, rune(0)
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			w.WriteRune(r)
		case r == '\'' || r == '"':
			quote, in = r, true
		case r == ' ' || r == '\t':
			if in {
				words = append(words, w.String())
				w.Reset()
				in = false
			}
		case strings.ContainsRune("$`;&|<>*?", r):
			t.Fatalf("%q: a transcript line has no shell features (%c)", s, r)
		default:
			w.WriteRune(r)
			in = true
		}
	}
	if quote != 0 {
		t.Fatalf("%q: unclosed quote", s)
	}
	if in {
		words = append(words, w.String())
	}
	return words
}

func mustAbs(t *testing.T, path string) string {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// actionbotBinary builds cmd/actionbot into the test's directory, with the
// race detector when the tests run with it (so that go test -race ./...
// compiles nothing twice).
func actionbotBinary(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
		if _, err := os.Stat(goTool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatal("no go tool to build cmd/actionbot with")
			}
			t.Skip("no go tool to build cmd/actionbot with")
		}
	}
	bin := filepath.Join(t.TempDir(), "actionbot")
	args := []string{"build", "-o", bin}
	if raceEnabled {
		args = append(args, "-race")
	}
	if out, err := exec.Command(goTool, append(args, "./cmd/actionbot")...).CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/actionbot: %v\n%s", err, out)
	}
	return bin
}

// Every link from README.md and docs/ to a file of the repository, and to a
// heading of one, leads somewhere: pages moved into docs/ keep their links.
func TestDocsLinksResolve(t *testing.T) {
	link := regexp.MustCompile(`\]\(([^)\s]+)\)`)
	for _, doc := range docFiles(t) {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range link.FindAllStringSubmatch(string(b), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			path, anchor, _ := strings.Cut(target, "#")
			if path == "" {
				path = doc
			} else {
				path = filepath.Join(filepath.Dir(doc), path)
			}
			body, err := os.ReadFile(path)
			if err != nil {
				if _, serr := os.Stat(path); serr != nil {
					t.Errorf("%s links to %s, which does not exist", doc, target)
				}
				continue
			}
			if anchor != "" && strings.HasSuffix(path, ".md") && !headingAnchors(string(body))[anchor] {
				t.Errorf("%s links to %s, but %s has no such heading", doc, target, path)
			}
		}
	}
}

// headingAnchors are the anchors GitHub gives a page's headings.
func headingAnchors(page string) map[string]bool {
	out := map[string]bool{}
	for _, line := range strings.Split(page, "\n") {
		if !strings.HasPrefix(line, "#") {
			continue
		}
		h := strings.ToLower(strings.TrimSpace(strings.TrimLeft(line, "#")))
		var b strings.Builder
		for _, r := range h {
			switch {
			case r == ' ':
				b.WriteRune('-')
			case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
				b.WriteRune(r)
			}
		}
		out[b.String()] = true
	}
	return out
}
