// Package cli is the command line's mechanics, apart from what any command
// does: a table of subcommands and its help, did-you-mean for an unknown
// command, -db before the command, a subcommand's flags (before or among
// its arguments) and its usage, and the exit code of an error. It depends
// on the root package alone; cmd/actionbot holds the table itself.
package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
)

// Command is how a subcommand is named and described: the rest of what it
// is (its flags, its run) is the table's in cmd/actionbot.
type Command struct {
	Name    string
	Aliases []string
	// Synopsis is what follows the name on its usage line, flags the
	// command is known by included: "[--as-of DATE] [--post]".
	Synopsis string
	Summary  string // one line of "help"
}

// Is reports whether name names c.
func (c Command) Is(name string) bool { return c.Name == name || slices.Contains(c.Aliases, name) }

// Names are every name and alias of cmds.
func Names(cmds []Command) []string {
	var out []string
	for _, c := range cmds {
		out = append(append(out, c.Name), c.Aliases...)
	}
	return out
}

// WriteHelp writes head, a usage line and summary for each command in
// order, and foot.
func WriteHelp(w io.Writer, head string, cmds []Command, foot string) {
	fmt.Fprint(w, head)
	for _, c := range cmds {
		fmt.Fprintf(w, "  actionbot %s\n      %s\n", strings.TrimSpace(c.Name+" "+c.Synopsis), c.Summary)
	}
	fmt.Fprint(w, foot)
}

// Unknown is the usage error for a command that is not one of names,
// suggesting the nearest (one or two letters off), as the slash command
// does for its verbs.
func Unknown(cmd string, names []string) error {
	if near := Nearest(cmd, names); near != "" {
		return actionbot.Errorf(actionbot.EUSAGE, "unknown command %q: did you mean %s?", cmd, near)
	}
	return actionbot.Errorf(actionbot.EUSAGE, "unknown command %q", cmd)
}

// Nearest is the name of names one or two letters off cmd, or "".
func Nearest(cmd string, names []string) string {
	best, bestD := "", 3
	for _, c := range names {
		if d := actionbot.Levenshtein(strings.ToLower(cmd), c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// Split finds the command in args and returns its name and the arguments
// after it: -db FILE may come before it (DBFirst); without one, or with a
// flag first, it is def; -h and --help ask for help. A name that is not
// one of names is refused, the nearest suggested.
func Split(args, names []string, def string) (name string, rest []string, err error) {
	if args, err = DBFirst(args, names); err != nil {
		return "", nil, err
	}
	name = def
	if len(args) > 0 && (args[0] == "" || args[0][0] != '-' || args[0] == "-h" || args[0] == "--help") {
		name, args = args[0], args[1:]
	}
	if name == "-h" || name == "--help" {
		name = "help"
	}
	if !slices.Contains(names, name) {
		return "", nil, Unknown(name, names)
	}
	return name, args, nil
}

// DBFirst lets -db come before the command, as "every command takes -db
// FILE" invites: "actionbot -db r.db member list" is "actionbot member -db
// r.db list". Anything else is left as it is. It refuses "actionbot -db
// report": the command was taken as the database's file name, and the
// console would start on a new database named after it.
func DBFirst(args, names []string) ([]string, error) {
	i := 0
	for i < len(args) {
		switch a := args[i]; {
		case (a == "-db" || a == "--db") && i+1 < len(args):
			if next := args[i+1]; slices.Contains(names, next) && (i+2 == len(args) || strings.HasPrefix(args[i+2], "-")) {
				return nil, actionbot.Errorf(actionbot.EUSAGE, "-db takes the database's file before the command: actionbot -db FILE %s (here %q was read as the file)", next, next)
			}
			i += 2
		case strings.HasPrefix(a, "-db=") || strings.HasPrefix(a, "--db="):
			i++
		default:
			if i == 0 || !slices.Contains(names, a) {
				return args, nil
			}
			out := append([]string{a}, args[:i]...)
			return append(out, args[i+1:]...), nil
		}
	}
	return args, nil
}
