package main

import (
	"context"
	"flag"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/internal/config"
)

// partiesCmd is /action <id> lead … (verb lead) and /action <id> partners
// add|remove … (verb partners) on the command line, as the person at the
// keyboard, who coordinates: the words are read by the slash command's own
// parser against the plan's ids ("1a", "DAB 1"), and run by its handler, so
// that the rules, the refusals, the audit and the reply are the slash
// command's.
func (a *app) partiesCmd(ctx context.Context, verb actionbot.Verb, args []string) error {
	c, err := config.Load(a.env)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet(string(verb), flag.ContinueOnError)
	dbFlag(fs, c)
	flags, pos := splitArgs(args, map[string]bool{"db": true})
	if err := a.flags(string(verb), "ID AGENCY…", fs, flags); err != nil {
		return err
	}
	if err := commands.CheckVerbArgs(verb, pos); err != nil {
		return err
	}
	db, err := a.open(ctx, c, false)
	if err != nil {
		return err
	}
	defer db.Close()
	// The verb first, as "/action lead 1a SYP" may be typed: the action's
	// id, of one word or several, follows it.
	cmd, err := a.handler(c, db).Parse(ctx, string(verb)+" "+strings.Join(pos, " "))
	if cmd, err = commands.VerbCommand(verb, cmd, err); err != nil {
		return err
	}
	return a.runAsCoordinator(ctx, c, db, cmd)
}
