package commands_test

import (
	"os"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot/commands"
)

// The help card shows every command a user can type: each form it shows
// parses, and every verb the parser knows is on it.
func TestHelpShowsEveryCommand(t *testing.T) {
	f := mustFixture(t)
	card := plain(f.run(outsider, "help"))
	var forms []string
	for _, line := range strings.Split(card, "\n") {
		if strings.HasPrefix(line, "/action ") && !strings.HasPrefix(line, "/action —") {
			forms = append(forms, strings.TrimPrefix(line, "/action "))
		}
	}
	seen := map[string]bool{}
	for _, form := range forms {
		for _, example := range examplesOf(form) {
			c, err := commands.Parse(example)
			if err != nil {
				t.Errorf("the help card's %q (as %q) does not parse: %v", form, example, err)
				continue
			}
			seen[string(c.Verb)] = true
			if c.Admin != nil {
				seen["admin "+string(c.Admin.Op)] = true
			}
		}
	}
	for _, verb := range []string{"show", "done", "progress", "note", "blocked", "unblock", "at-risk", "reopen", "due", "snooze", "history",
		"help", "mine", "list", "find", "agencies", "whoami", "report", "measure",
		"admin member add", "admin member remove", "admin coordinator add", "admin coordinator remove", "admin channel", "admin failed", "admin retry"} {
		if !seen[verb] {
			t.Errorf("the help card shows no form of %q:\n%s", verb, card)
		}
	}
	for _, want := range []string{"share", "page N"} {
		if !strings.Contains(card, want) {
			t.Errorf("the help card does not mention %q", want)
		}
	}
	mustContain(t, f.run(outsider, "help progress"), "progress 100 marks the action done")
	mustContain(t, f.run(outsider, "help reopen"), "progress goes back to what it was before it was marked done")
}

// examplesOf fills a usage form with example values, one example for each
// alternative: "5.2 progress 60 [note]" is "5.2 progress 60"; "admin member
// add|remove @person AGENCY" is "admin member add UX CSU" and "admin member
// remove UX CSU".
func examplesOf(form string) []string {
	r := strings.NewReplacer("@person", "UX", "AGENCY", "CSU", "#channel|none", "none", "<priority>", "5", "<id>", "1",
		"<reason>", "why", "<text>", "words", "<words>", "speedwatch", "<n>", "1", "<value>", "2", "CODE", "CSU",
		"<June 2013 | 2013-06-30 | 30/06/2013>", "June 2013", "<verb>", "done")
	examples := []string{""}
	depth := 0 // inside [optional] parts, which are left out
	for _, w := range strings.Fields(r.Replace(form)) {
		opens, closes := strings.Count(w, "["), strings.Count(w, "]")
		skip := depth > 0 || opens > 0
		depth += opens - closes
		if skip {
			continue
		}
		var next []string
		for _, ex := range examples {
			for _, alt := range strings.Split(w, "|") {
				next = append(next, strings.TrimSpace(ex+" "+alt))
			}
		}
		examples = next
	}
	return examples
}

// docs/commands.md's table of the /action language shows every form the
// help card does.
func TestDocsShowEveryCommandOfTheHelpCard(t *testing.T) {
	b, err := os.ReadFile("../docs/commands.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.ReplaceAll(string(b), `\|`, "|")
	f := mustFixture(t)
	for _, line := range strings.Split(plain(f.run(outsider, "help")), "\n") {
		if !strings.HasPrefix(line, "/action ") || strings.HasPrefix(line, "/action —") {
			continue
		}
		// The page may write a form with more alternatives: compare up to
		// the first argument placeholder.
		stem := line
		if i := strings.IndexAny(stem, "<["); i > 0 {
			stem = strings.TrimSpace(stem[:i])
		}
		if strings.Contains(stem, "|") {
			stem = stem[:strings.Index(stem, "|")]
		}
		if !strings.Contains(doc, "`"+stem) {
			t.Errorf("docs/commands.md does not show %q (from the help card's %q)", stem, line)
		}
	}
}
