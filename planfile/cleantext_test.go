package planfile_test

import (
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/planfile"
)

// hostileCell clears a terminal, plants a link and reverses text: none of it
// may reach the database from an imported plan, as from any other door.
const hostileCell = "Reduce \x1b[2J\x1b[Hgraffiti\x00 \x1b]8;;http://evil\x07at the \u202eA21\u202c junction"

func TestImportedCellsLoseControlAndBidiCharacters(t *testing.T) {
	in := header +
		"1.1,1,Anti-social \u2066behaviour\u2069,\"" + hostileCell + "\",CSU,Police,March 2016,\"Existing\x1b[31m resources\"\n"
	res, err := planfile.Read(strings.NewReader(in), mustDirectory(t), planfile.Options{Source: "t.csv"})
	if err != nil {
		t.Fatal(err)
	}
	a := res.Import.Actions[0]
	for name, got := range map[string]string{
		"action":   a.Text,
		"funding":  a.Funding,
		"priority": res.Import.Priorities[0].Title,
	} {
		if got != actionbot.CleanText(got) {
			t.Errorf("%s %q still holds a control or bidi character", name, got)
		}
	}
	if !strings.Contains(a.Text, "graffiti") || !strings.Contains(a.Text, "A21") {
		t.Errorf("action text %q lost its words along with the controls", a.Text)
	}
}

func TestAgenciesFileLosesControlCharacters(t *testing.T) {
	as, err := planfile.ReadAgencies([][]string{{"code", "name", "aliases"}, {"WCAVA", "West \x1b[2JCounty\u202e Voluntary Action", "Voluntary\x00 Action"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := as[0].Name; got != actionbot.CleanText(got) || !strings.Contains(got, "Voluntary Action") {
		t.Errorf("name %q", got)
	}
	if got := as[0].Aliases[0]; got != actionbot.CleanText(got) {
		t.Errorf("alias %q", got)
	}
}
