package commands

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/report"
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
		if cmd.Measure.AsOf, err = report.ParseAsOfDate(asOf); err != nil {
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

// verbUsage is what the command line's "lead", "partners" or "redact"
// (verb) takes, and the fewest arguments it needs.
func verbUsage(verb actionbot.Verb) (string, int) {
	switch verb {
	case actionbot.VerbPartners:
		return "partners takes the action, add or remove, and the agencies: actionbot partners 1a add DCST (several separated by \";\", quoted for the shell)", 3
	case actionbot.VerbRedact:
		return "redact takes the action and its note's number, as its history numbers them: actionbot redact 5.2 note 2 [-by NAME]", 2
	}
	return "lead takes the action and its lead agencies: actionbot lead 1a South Yorkshire Police (several separated by \";\", quoted for the shell: actionbot lead \"DAB 1\" \"CSU; Police\")", 2
}

// CheckVerbArgs refuses "lead", "partners" or "redact" (verb) with too
// few arguments (pos), before the database is opened.
func CheckVerbArgs(verb actionbot.Verb, pos []string) error {
	if usage, min := verbUsage(verb); len(pos) < min {
		return usageError(usage)
	}
	return nil
}

// VerbCommand is the words of "lead", "partners" or "redact" (verb) as the
// handler parsed them against the plan's ids (Handler.Parse: cmd, err),
// refused unless they are verb's command.
func VerbCommand(verb actionbot.Verb, cmd *Command, err error) (*Command, error) {
	if err != nil {
		return nil, usageError(actionbot.ErrorMessage(err))
	}
	if cmd.Verb != verb {
		usage, _ := verbUsage(verb)
		return nil, usageError(usage)
	}
	return cmd, nil
}

// RedactActor reads redact's -by: who redacts, as the marker and the audit
// name them, a Slack member ID (an @ before it is dropped) or a short name.
func RedactActor(by string) (string, error) {
	actor := strings.TrimSpace(actionbot.CleanText(by))
	switch {
	case actor == "":
		return "", usageError("-by names who redacts: a Slack member ID (U0123ABCD) or a name")
	case strings.ContainsAny(actor, "[]\n"), len([]rune(actor)) > 80:
		return "", usageError("-by takes a Slack member ID or a short name, without brackets")
	}
	if actionbot.IsUserID(strings.TrimPrefix(actor, "@")) {
		actor = strings.TrimPrefix(actor, "@")
	}
	return actor, nil
}

// agencyUsage is what the command line's "agency" takes.
const agencyUsage = `agency add NAME [--code CODE] [--alias ALIAS]…, agency alias AGENCY ALIAS…, or agency list (also: actionbot agencies)`

// ParseAgency reads the command line's "agency" or "agencies" (noun): its
// words (pos), and agency add's --code and --alias. It returns the change,
// as /action admin agency add or alias makes it, or nil for the list.
func ParseAgency(noun string, pos []string, code string, aliases []string) (*Admin, error) {
	if noun == "agencies" && len(pos) == 0 {
		pos = []string{"list"}
	}
	var change *Admin
	op := ""
	if len(pos) > 0 {
		op = pos[0]
	}
	switch {
	case op == "add" && len(pos) >= 2:
		change = &Admin{Op: AdminAgencyAdd, Agency: strings.Join(pos[1:], " "), Code: code, Aliases: aliases}
	case op == "alias" && len(pos) >= 3:
		rest := pos[1:]
		if rest[0] == "add" {
			rest = rest[1:]
		}
		if len(rest) < 2 {
			return nil, usageError(agencyUsage)
		}
		change = &Admin{Op: AdminAgencyAlias, Agency: rest[0], Aliases: rest[1:]}
	case op == "list" && len(pos) == 1:
	default:
		return nil, usageError(agencyUsage)
	}
	if (code != "" || len(aliases) > 0) && (change == nil || change.Op != AdminAgencyAdd) {
		return nil, usageError("--code and --alias go with agency add: " + agencyUsage)
	}
	return change, nil
}

// WriteAgencies writes the command line's list of agencies: code, name and
// other names, one a line.
func WriteAgencies(w io.Writer, dir *actionbot.Directory) {
	list := dir.Agencies()
	if len(list) == 0 {
		fmt.Fprintln(w, `No agencies yet: actionbot agency add "South Yorkshire Police" --code SYP adds one.`)
	}
	for _, ag := range list {
		line := ag.Code + "\t" + ag.Name
		if len(ag.Aliases) > 0 {
			line += "\taka " + strings.Join(ag.Aliases, "; ")
		}
		fmt.Fprintln(w, line)
	}
}

// WriteMembers writes the command line's list of members: agency, its
// name, the person, who added them and when (in loc).
func WriteMembers(w io.Writer, dir *actionbot.Directory, ms []actionbot.Member, loc *time.Location) {
	if len(ms) == 0 {
		fmt.Fprintln(w, "Nobody is registered yet: actionbot member add U123 CSU")
	}
	for _, m := range ms {
		fmt.Fprintf(w, "%s\t%s\t%s\tadded by %s on %s\n", m.Agency, dir.Name(m.Agency), m.UserID, m.AddedBy, m.AddedAt.In(loc).Format("2006-01-02"))
	}
}

// WriteCoordinators writes the command line's list of coordinators, each
// named by configuration (ACTIONBOT_COORDINATORS: configured) marked so.
func WriteCoordinators(w io.Writer, ids, configured []string) {
	for _, id := range ids {
		if slices.Contains(configured, id) {
			fmt.Fprintf(w, "%s\t(ACTIONBOT_COORDINATORS)\n", id)
		} else {
			fmt.Fprintf(w, "%s\n", id)
		}
	}
	if len(ids) == 0 {
		fmt.Fprintln(w, "No coordinators yet: actionbot coordinator add U123")
	}
}

// ListAgencies writes the command line's list of agencies (WriteAgencies).
func (h *Handler) ListAgencies(ctx context.Context, w io.Writer) error {
	dir, err := h.Store.Directory(ctx)
	if err != nil {
		return err
	}
	WriteAgencies(w, dir)
	return nil
}

// ListMembers writes the command line's list of members (WriteMembers):
// of the agency that agency names by any of its names, or of every agency
// when it is empty.
func (h *Handler) ListMembers(ctx context.Context, w io.Writer, agency string) error {
	dir, err := h.Store.Directory(ctx)
	if err != nil {
		return err
	}
	var codes []string
	if agency != "" {
		ag, err := ResolveAgency(dir, agency)
		if err != nil {
			return err
		}
		codes = append(codes, ag.Code)
	}
	ms, err := h.Store.Members(ctx, codes...)
	if err != nil {
		return err
	}
	WriteMembers(w, dir, ms, h.Location)
	return nil
}

// ListCoordinators writes the command line's list of coordinators
// (WriteCoordinators), those named by configuration marked so.
func (h *Handler) ListCoordinators(ctx context.Context, w io.Writer, configured []string) error {
	ids, err := h.Store.Coordinators(ctx)
	if err != nil {
		return err
	}
	WriteCoordinators(w, ids, configured)
	return nil
}
