package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/console"
	"github.com/sevenoaks-csp/actionbot/internal/config"
	"github.com/sevenoaks-csp/actionbot/store"
)

// The CLI's member, coordinator, measure, agency, lead, partners and
// redact are their slash command's twins: the words are read by the slash
// command's own parser (commands/cmdline.go) against the plan's ids ("1a",
// "DAB 1"), checked before the database is opened (or created), and run by
// its handler, so that the rules, the refusals, the audit and the reply
// are the slash command's.

// cliActor is who the audit names for a change made on the command line:
// the person at the keyboard, who owns the database file.
const cliActor = "cli"

// runAs runs a command through the same handler as /action, as actor, who
// coordinates (the person at the keyboard, cliActor, unless redact's -by
// names another): the same rules, wording and audit as the slash command.
// A change that changes nothing is said and is not a failure; any other
// refusal is returned as the error.
func (a *app) runAs(ctx context.Context, actor string, cmd *commands.Command) error {
	db := a.db
	db.ConfiguredCoordinators = append(db.ConfiguredCoordinators, actor)
	msg, err := a.handler(a.c, db).Do(ctx, commands.Request{UserID: actor, ChannelID: config.ConsoleChannel}, cmd)
	switch {
	case err == nil, actionbot.ErrorCode(err) == actionbot.EUNCHANGED:
		fmt.Fprint(a.stdout, console.Render(msg))
		return nil
	default:
		return err
	}
}

// closeDB closes the database the table opened, before the command ends.
func (a *app) closeDB() {
	if a.db != nil {
		a.db.Close()
		a.db = nil
	}
}

// runCmd runs the command its check read (a.cmd) as the coordinator at the
// keyboard.
func (a *app) runCmd(ctx context.Context) error {
	return a.runAs(ctx, cliActor, a.cmd)
}

// measureCheck reads /action measure's arguments, with --as-of for a
// figure that stands at an earlier date and --source for where it comes
// from.
func measureCheck(a *app) (err error) {
	a.cmd, err = commands.ParseMeasure(a.args, a.opt.asOf, a.opt.source)
	return err
}

// agencyCheck reads "actionbot agency add|alias …" (/action admin agency);
// "actionbot agencies" (or agency list) leaves a.cmd nil.
func agencyCheck(a *app) error {
	change, err := commands.ParseAgency(a.name, a.args, a.opt.code, a.opt.aliases)
	if change != nil {
		a.cmd = &commands.Command{Verb: actionbot.VerbAdmin, Admin: change}
	}
	return err
}

func (a *app) agencyCmd(ctx context.Context) error {
	if a.cmd != nil {
		return a.runCmd(ctx)
	}
	return a.handler(a.c, a.db).ListAgencies(ctx, a.stdout)
}

// verbCheck reads the arguments of lead, partners and redact: /action <id>
// lead …, /action <id> partners add|remove … and /action <id> redact note
// N, as the person at the keyboard or, for redact, as -by names them (in
// the marker and the audit). The bot on Slack updates the messages it
// posted with a redacted note. (The redaction of secrets from output is
// internal/cli's Redacting.)
func verbCheck(a *app) error {
	if a.name == "redact" {
		actor, err := commands.RedactActor(a.opt.by)
		if err != nil {
			return err
		}
		a.opt.by = actor
	} else {
		a.opt.by = cliActor
	}
	return commands.CheckVerbArgs(actionbot.Verb(a.name), a.args)
}

// verbCmd runs "/action VERB args…", the verb first as "/action lead 1a
// SYP" may be typed: the action's id, of one word or several, follows it.
func (a *app) verbCmd(ctx context.Context) error {
	verb := actionbot.Verb(a.name)
	cmd, err := a.handler(a.c, a.db).Parse(ctx, a.name+" "+strings.Join(a.args, " "))
	if cmd, err = commands.VerbCommand(verb, cmd, err); err != nil {
		return err
	}
	return a.runAs(ctx, a.opt.by, cmd)
}

// membershipCheck reads "actionbot member add|remove|email|list" or
// "actionbot coordinator add|remove|list" (/action admin member and
// coordinator): a.cmd is the change, nil for a list.
func membershipCheck(noun string) func(a *app) error {
	return func(a *app) error {
		if len(a.args) == 0 && a.name == noun+"s" {
			a.args = []string{"list"} // "actionbot members", as "actionbot agencies"
		}
		m, err := commands.ParseMembership(noun, a.args)
		if err != nil {
			return err
		}
		a.mustExist, a.cmd = !m.MayCreate, m.Change
		return nil
	}
}

func (a *app) memberCmd(ctx context.Context) error {
	if a.cmd != nil {
		return a.changeOrForget(ctx)
	}
	return a.handler(a.c, a.db).ListMembers(ctx, a.stdout, strings.Join(a.args[1:], " "))
}

func (a *app) coordinatorCmd(ctx context.Context) error {
	if a.cmd != nil {
		return a.changeOrForget(ctx)
	}
	return a.handler(a.c, a.db).ListCoordinators(ctx, a.stdout, a.c.Coordinators)
}

// changeOrForget runs a membership change; a database this very command
// created for it is removed again when the change fails ("member add U1
// NOSUCHAGENCY" on a mistyped path), so that a failure leaves nothing
// behind.
func (a *app) changeOrForget(ctx context.Context) error {
	err := a.runCmd(ctx)
	if err != nil && a.db.Created {
		a.closeDB()
		store.RemoveSQLite(a.c.DB)
	}
	return err
}
