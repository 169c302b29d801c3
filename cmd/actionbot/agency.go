package main

import (
	"context"
	"flag"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/internal/config"
)

// The agencies of a plan that names none are added on the command line as
// in Slack (/action admin agency add), through the same handler, rules and
// audit:
//
//	actionbot agency add "South Yorkshire Police" --code SYP --alias "SY Police" --alias Police
//	actionbot agency alias SYP "South Yorks Police"
//	actionbot agencies                  (or agency list)

// stringsFlag is a flag given once for each value: --alias A --alias B.
type stringsFlag []string

func (s *stringsFlag) String() string     { return strings.Join(*s, "; ") }
func (s *stringsFlag) Set(v string) error { *s = append(*s, v); return nil }

// agencyCmd is "actionbot agency …" and "actionbot agencies" (noun).
func (a *app) agencyCmd(ctx context.Context, noun string, args []string) error {
	c, err := config.Load(a.env)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet(noun, flag.ContinueOnError)
	dbFlag(fs, c)
	code := fs.String("code", "", "agency add: the new agency's `code`, such as SYP (default: made from the name)")
	var aliases stringsFlag
	fs.Var(&aliases, "alias", "agency add: another `name` plans use for it; repeat for each")
	flags, pos := splitArgs(args, map[string]bool{"db": true, "code": true, "alias": true})
	if err := a.flags(noun, "add NAME [--code CODE] [--alias ALIAS]… | alias AGENCY ALIAS… | list", fs, flags); err != nil {
		return err
	}
	// The usage is checked before the database is opened.
	change, err := commands.ParseAgency(noun, pos, *code, aliases)
	if err != nil {
		return err
	}
	db, err := a.open(ctx, c, false)
	if err != nil {
		return err
	}
	defer db.Close()
	if change != nil {
		return a.runAsCoordinator(ctx, c, db, &commands.Command{Verb: actionbot.VerbAdmin, Admin: change})
	}
	dir, err := db.Directory(ctx)
	if err != nil {
		return err
	}
	commands.WriteAgencies(a.stdout, dir)
	return nil
}
