package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/console"
	"github.com/sevenoaks-csp/actionbot/store"
)

// cliActor is who the audit names for a change made on the command line:
// the person at the keyboard, who owns the database file.
const cliActor = "cli"

// runAsCoordinator runs a command through the same handler as /action, as
// the person at the keyboard, who coordinates: the same rules, wording and
// audit as the slash command. A change that changes nothing is said and is
// not a failure; any other refusal is returned as the error.
func (a *app) runAsCoordinator(ctx context.Context, c *Config, db *store.DB, cmd *commands.Command) error {
	h := a.handler(c, db)
	h.Coordinators = append(h.Coordinators, cliActor)
	msg, err := h.Try(ctx, commands.Request{UserID: cliActor, ChannelID: consoleChannel}, cmd)
	switch {
	case err == nil, actionbot.ErrorCode(err) == actionbot.EUNCHANGED:
		fmt.Fprint(a.stdout, console.Render(msg))
		return nil
	default:
		return err
	}
}

// adminCommand is the /action admin command a "member" or "coordinator"
// subcommand stands for: rest is its arguments after the flags, already
// checked for shape.
func adminCommand(noun string, rest []string) *commands.Command {
	ad := &commands.Admin{User: rest[1]}
	switch noun + " " + rest[0] {
	case "member add":
		ad.Op, ad.Agency = commands.AdminMemberAdd, strings.Join(rest[2:], " ")
	case "member remove":
		ad.Op, ad.Agency = commands.AdminMemberRemove, strings.Join(rest[2:], " ")
	case "coordinator add":
		ad.Op = commands.AdminCoordinatorAdd
	case "coordinator remove":
		ad.Op = commands.AdminCoordinatorRemove
	}
	if user, ok := commands.ParseUser(ad.User); ok {
		ad.User = user
	}
	return &commands.Command{Verb: commands.VerbAdmin, Admin: ad}
}
