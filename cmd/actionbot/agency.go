package main

import (
	"context"
	"flag"
	"fmt"
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

const agencyUsage = `agency add NAME [--code CODE] [--alias ALIAS]…, agency alias AGENCY ALIAS…, or agency list (also: actionbot agencies)`

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
	if noun == "agencies" && len(pos) == 0 {
		pos = []string{"list"}
	}
	// The usage is checked before the database is opened.
	var change *commands.Admin
	switch op := firstArg(pos); {
	case op == "add" && len(pos) >= 2:
		change = &commands.Admin{Op: commands.AdminAgencyAdd, Agency: strings.Join(pos[1:], " "), Code: *code, Aliases: aliases}
	case op == "alias" && len(pos) >= 3:
		rest := pos[1:]
		if rest[0] == "add" {
			rest = rest[1:]
		}
		if len(rest) < 2 {
			return actionbot.Errorf(actionbot.EUSAGE, "%s", agencyUsage)
		}
		change = &commands.Admin{Op: commands.AdminAgencyAlias, Agency: rest[0], Aliases: rest[1:]}
	case op == "list" && len(pos) == 1:
	default:
		return actionbot.Errorf(actionbot.EUSAGE, "%s", agencyUsage)
	}
	if (*code != "" || len(aliases) > 0) && (change == nil || change.Op != commands.AdminAgencyAdd) {
		return actionbot.Errorf(actionbot.EUSAGE, "%s", "--code and --alias go with agency add: "+agencyUsage)
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
	list := dir.Agencies()
	if len(list) == 0 {
		fmt.Fprintln(a.stdout, `No agencies yet: actionbot agency add "South Yorkshire Police" --code SYP adds one.`)
	}
	for _, ag := range list {
		line := ag.Code + "\t" + ag.Name
		if len(ag.Aliases) > 0 {
			line += "\taka " + strings.Join(ag.Aliases, "; ")
		}
		fmt.Fprintln(a.stdout, line)
	}
	return nil
}

func firstArg(pos []string) string {
	if len(pos) == 0 {
		return ""
	}
	return pos[0]
}
