package commands

import (
	"strconv"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
)

// The command line (cmd/actionbot) offers some of /action's commands as
// subcommands: member, coordinator, measure, lead, partners. Their
// arguments are read here, by the slash command's own parser, before any
// database is opened, so that a mistake is refused in the slash command's
// words and changes nothing. Every refusal is an actionbot.EUSAGE error.

func usageError(msg string) error { return actionbot.Errorf(actionbot.EUSAGE, "%s", msg) }

// Membership is what "member" or "coordinator" asks for.
type Membership struct {
	// Change is the add, remove or email, parsed as /action admin parses
	// it; nil for a list.
	Change *Command
	// MayCreate says the command may create a missing database: a list
	// only reads, and a removal has nobody to remove from a new database.
	MayCreate bool
}

// ParseMembership reads the arguments of the command line's "member" or
// "coordinator" (noun), those after its flags.
func ParseMembership(noun string, rest []string) (*Membership, error) {
	var ok bool
	var usage string
	switch noun {
	case "member":
		ok = len(rest) >= 1 && (rest[0] == "add" || rest[0] == "remove" || rest[0] == "email" || rest[0] == "list")
		usage = "member add USER AGENCY, member remove USER AGENCY, or member list [AGENCY]"
	default:
		ok = len(rest) >= 1 && (rest[0] == "add" || rest[0] == "remove") || len(rest) == 1 && rest[0] == "list"
		usage = "coordinator add USER, coordinator remove USER, or coordinator list"
	}
	if err := FlagsAfterArgs(noun, rest); err != nil && (ok || noun == "coordinator") {
		return nil, err
	}
	if !ok {
		return nil, usageError(usage)
	}
	if rest[0] == "list" {
		return &Membership{}, nil
	}
	cmd, err := Parse("admin " + noun + " " + strings.Join(rest, " "))
	if err != nil {
		return nil, usageError(actionbot.ErrorMessage(err))
	}
	return &Membership{Change: cmd, MayCreate: rest[0] != "remove"}, nil
}

// FlagsAfterArgs refuses a flag given after the arguments, where Go's flag
// package does not see it ("coordinator add U1 -db x.db" would otherwise
// use the default database), showing the command written with its flags
// first.
func FlagsAfterArgs(cmd string, rest []string) error {
	for _, arg := range rest {
		if strings.HasPrefix(arg, "-") && len(arg) > 1 {
			return actionbot.Errorf(actionbot.EUSAGE, "the flag %s comes after the arguments, so it was not read and nothing was done: put flags first, as in actionbot %s", arg, flagsFirst(cmd, rest))
		}
	}
	return nil
}

// flagsFirst is the command written with its flags (each with the value
// after it, unless written -flag=value) before its other arguments.
func flagsFirst(cmd string, rest []string) string {
	var flags, args []string
	for i := 0; i < len(rest); i++ {
		arg := rest[i]
		switch {
		case !strings.HasPrefix(arg, "-") || len(arg) == 1:
			args = append(args, arg)
		case !strings.Contains(arg, "=") && i+1 < len(rest) && !strings.HasPrefix(rest[i+1], "-"):
			flags = append(flags, arg, rest[i+1])
			i++
		default:
			flags = append(flags, arg)
		}
	}
	return strings.Join(append(append([]string{cmd}, flags...), args...), " ")
}

// ParseAsOfDate reads a command line's --as-of date (2012-10-01).
func ParseAsOfDate(s string) (actionbot.Date, error) {
	d, err := actionbot.ParseISODate(strings.TrimSpace(s))
	if err != nil {
		return actionbot.Date{}, actionbot.Errorf(actionbot.EUSAGE, "--as-of %q is not a date like 2012-10-01", s)
	}
	return d, nil
}

// measureUsage is what the command line's "measure" takes.
const measureUsage = "measure takes the priority, the measure's number and the value: actionbot measure 3 1 -2.5 --source \"police figures to September\" (a change with its direction: -2.5% or \"fell 2.5%\", +1% or \"rose 1%\"; a rate such as 82%; or yes/no)"

// ParseMeasure reads the command line's "measure PRIORITY N VALUE" (pos)
// as /action measure reads it: the value in one or two words ("fell
// 2.5%"), then "as of DATE" and a note; asOf and source are its --as-of
// and --source, each of which may be given once, as a flag or in the words.
func ParseMeasure(pos []string, asOf, source string) (*Command, error) {
	if len(pos) < 3 {
		return nil, usageError(measureUsage)
	}
	if _, err := strconv.Atoi(pos[0]); err != nil {
		return nil, usageError(measureUsage)
	}
	cmd, err := Parse("measure " + strings.Join(pos, " "))
	if err != nil {
		return nil, usageError(actionbot.ErrorMessage(err))
	}
	if asOf != "" {
		if !cmd.Measure.AsOf.IsZero() {
			return nil, usageError("give the date once: --as-of or \"as of\", not both")
		}
		if cmd.Measure.AsOf, err = ParseAsOfDate(asOf); err != nil {
			return nil, err
		}
	}
	if source != "" {
		if cmd.Text != "" {
			return nil, actionbot.Errorf(actionbot.EUSAGE, "give the source once: --source or after the value, not both (%q)", cmd.Text)
		}
		cmd.Text = source
	}
	return cmd, nil
}

// cmdlinePartiesUsage is what the command line's "lead" or "partners" (verb)
// takes, and the fewest arguments it needs.
func cmdlinePartiesUsage(verb actionbot.Verb) (string, int) {
	if verb == actionbot.VerbPartners {
		return "partners takes the action, add or remove, and the agencies: actionbot partners 1a add DCST (several separated by \";\", quoted for the shell)", 3
	}
	return "lead takes the action and its lead agencies: actionbot lead 1a South Yorkshire Police (several separated by \";\", quoted for the shell: actionbot lead \"DAB 1\" \"CSU; Police\")", 2
}

// CheckPartiesArgs refuses "lead" or "partners" (verb) with too few
// arguments (pos), before the database is opened.
func CheckPartiesArgs(verb actionbot.Verb, pos []string) error {
	if usage, min := cmdlinePartiesUsage(verb); len(pos) < min {
		return usageError(usage)
	}
	return nil
}

// PartiesCommand is the words of "lead" or "partners" (verb) as the
// handler parsed them against the plan's ids (Handler.Parse: cmd, err),
// refused unless they are verb's command.
func PartiesCommand(verb actionbot.Verb, cmd *Command, err error) (*Command, error) {
	if err != nil {
		return nil, usageError(actionbot.ErrorMessage(err))
	}
	if cmd.Verb != verb {
		usage, _ := cmdlinePartiesUsage(verb)
		return nil, usageError(usage)
	}
	return cmd, nil
}
