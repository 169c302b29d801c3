package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot/store"
)

// mustAdminLog returns the admin log of the invocation's database, each
// entry as "what subject detail" (the actor is compared apart).
func (iv *invocation) mustAdminLog(tb testing.TB) (entries, actors []string) {
	tb.Helper()
	db := store.NewDB(iv.env["ACTIONBOT_DB"])
	if err := db.Open(); err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	log, err := db.AdminLog(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	for _, e := range log {
		entries = append(entries, e.What+" "+e.Subject+" "+e.Detail)
		actors = append(actors, e.Actor)
	}
	return entries, actors
}

// TestEachCLISubcommandIsItsSlashCommandTwin runs each CLI subcommand that
// does what an /action verb does, and then its twin in the console, on the
// same database: the CLI about one person, the console about another in
// the same position, so that each meets the same state. The twin records
// the same audit entry and says the same words.
func TestEachCLISubcommandIsItsSlashCommandTwin(t *testing.T) {
	const cliUser, slashUser = "U0TWINCLI", "U0TWINSLASH"
	steps := []struct {
		name  string
		cli   []string // USER stands for the person
		slash string
	}{
		{"a member added", []string{"member", "add", "USER", "CSU"}, "admin member add USER CSU"},
		{"a member added twice", []string{"member", "add", "USER", "CSU"}, "admin member add USER CSU"},
		{"a member removed, by the agency's name", []string{"member", "remove", "USER", "Community Safety Unit"}, "admin member remove USER Community Safety Unit"},
		{"someone not a member removed", []string{"member", "remove", "USER", "CSU"}, "admin member remove USER CSU"},
		{"All Partners refused", []string{"member", "add", "USER", "ALL"}, "admin member add USER ALL"},
		{"an unknown agency", []string{"member", "add", "USER", "Polise"}, "admin member add USER Polise"},
		{"a coordinator added", []string{"coordinator", "add", "USER"}, "admin coordinator add USER"},
		{"a coordinator added twice", []string{"coordinator", "add", "USER"}, "admin coordinator add USER"},
		{"a coordinator removed", []string{"coordinator", "remove", "USER"}, "admin coordinator remove USER"},
		{"someone not a coordinator removed", []string{"coordinator", "remove", "USER"}, "admin coordinator remove USER"},
		{"a measure's figure", []string{"measure", "3", "1", "fell", "2.5%", "--source", "Kent Police figures"}, "measure 3 1 fell 2.5% Kent Police figures"},
		{"a measure worked out from the actions", []string{"measure", "6", "1", "90"}, "measure 6 1 90"},
		{"a measure's figure dated with as of", []string{"measure", "3", "2", "fell", "2.3", "percent", "as", "of", "2012-09-30", "Kent", "Police"}, "measure 3 2 fell 2.3 percent as of 2012-09-30 Kent Police"},
		{"personal data in a measure's source", []string{"measure", "4", "2", "+12", "--source", "from j.smith@example.org"}, "measure 4 2 +12 from j.smith@example.org"},
	}
	iv := newInvocation(t)
	iv.mustInit(t)
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			args := make([]string, len(st.cli))
			for i, a := range st.cli {
				args[i] = strings.ReplaceAll(a, "USER", cliUser)
			}
			before, _ := iv.mustAdminLog(t)
			_, out, errs := iv.run(t, "", args...)
			afterCLI, actors := iv.mustAdminLog(t)
			// What the CLI said, less the database notes and its "actionbot: "
			// prefix; code spans are shown without their backticks on the console.
			said := strings.TrimSpace(out)
			if said == "" {
				lines := strings.Split(strings.TrimSpace(errs), "\n")
				said = strings.TrimPrefix(lines[len(lines)-1], "actionbot: ")
			}
			said = strings.ReplaceAll(strings.ReplaceAll(said, "`", ""), cliUser, "USER")

			slash := strings.ReplaceAll(st.slash, "USER", slashUser)
			_, console, _ := iv.run(t, "/action "+slash+"\n")
			afterSlash, slashActors := iv.mustAdminLog(t)

			cliEntries := afterCLI[len(before):]
			var slashEntries []string
			for _, e := range afterSlash[len(afterCLI):] {
				slashEntries = append(slashEntries, strings.ReplaceAll(e, slashUser, cliUser))
			}
			if strings.HasPrefix(said, "✅") && len(cliEntries) == 0 {
				t.Errorf("the CLI said %q but recorded nothing in the audit", said)
			}
			if fmt.Sprint(cliEntries) != fmt.Sprint(slashEntries) {
				t.Errorf("audit: the CLI recorded %q, /action %s recorded %q", cliEntries, slash, slashEntries)
			}
			for _, a := range actors[len(before):] {
				if a != cliActor {
					t.Errorf("the CLI's change is recorded as by %q, want %q", a, cliActor)
				}
			}
			for _, a := range slashActors[len(afterCLI):] {
				if a != "UCONSOLE" {
					t.Errorf("the console's change is recorded as by %q, want UCONSOLE", a)
				}
			}
			if said == "" || !strings.Contains(strings.ReplaceAll(console, slashUser, "USER"), said) {
				t.Errorf("the CLI said %q; /action %s replied:\n%s", said, slash, console)
			}
		})
	}
}

func TestTheCLIRefusesAllPartnersAsTheSlashCommandDoes(t *testing.T) {
	iv := newInvocation(t)
	iv.mustInit(t)
	code, out, errs := iv.run(t, "", "member", "add", "U12345678", "ALL")
	want := "“All Partners” is not an agency anyone can join: add the person to their own agency."
	if code != 1 || !strings.Contains(errs, want) || strings.Contains(out, "Added") {
		t.Fatalf("exit %d, stdout %q, stderr %q; want exit 1 and %q", code, out, errs, want)
	}
	if entries, _ := iv.mustAdminLog(t); len(entries) != 0 {
		t.Errorf("the refused change was recorded: %q", entries)
	}
}
