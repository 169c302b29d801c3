package main

import (
	"context"
	"flag"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/internal/config"
)

// This file is "actionbot redact": removing a note's personal data. (The
// redaction of secrets from output is redact.go's.)

// redactNoteCmd is /action <id> redact note N on the command line, as the
// person at the keyboard, who coordinates (or as -by names them, in the
// marker and the audit): the words are read by the slash command's parser
// against the plan's ids ("1a", "DAB 1") and run by its handler, so that
// the refusals, the audit and the reply are the slash command's. The bot
// on Slack updates the messages it posted with the note.
func (a *app) redactNoteCmd(ctx context.Context, args []string) error {
	c, err := config.Load(a.env)
	if err != nil {
		return err
	}
	fs := flag.NewFlagSet("redact", flag.ContinueOnError)
	dbFlag(fs, c)
	by := fs.String("by", cliActor, "who redacts, as the marker and the audit name them: a Slack member ID (U0123ABCD) or a name")
	flags, pos := splitArgs(args, map[string]bool{"db": true, "by": true})
	if err := a.flags("redact", "ID note N", fs, flags); err != nil {
		return err
	}
	actor, err := commands.RedactActor(*by)
	if err != nil {
		return err
	}
	if err := commands.CheckVerbArgs(actionbot.VerbRedact, pos); err != nil {
		return err
	}
	db, err := a.open(ctx, c, false)
	if err != nil {
		return err
	}
	defer db.Close()
	// The verb first, as "/action redact 1a note 2" may be typed: the
	// action's id, of one word or several, follows it.
	cmd, err := a.handler(c, db).Parse(ctx, string(actionbot.VerbRedact)+" "+strings.Join(pos, " "))
	if cmd, err = commands.VerbCommand(actionbot.VerbRedact, cmd, err); err != nil {
		return err
	}
	return a.runAs(ctx, c, db, actor, cmd)
}
