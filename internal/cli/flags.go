package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
)

// FlagSet is a subcommand's flag set: -h prints "Usage: actionbot NAME
// SYNOPSIS" and the flags to w.
func FlagSet(name, synopsis string, w io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(w)
	fs.Usage = func() {
		fmt.Fprintf(w, "Usage: actionbot %s\n\nFlags:\n", strings.TrimSpace(name+" "+synopsis))
		fs.PrintDefaults()
	}
	return fs
}

// Parse parses argv's flags into fs and returns the arguments. With
// anywhere, flags may come among the arguments (SplitArgs). -h returns
// flag.ErrHelp; any other mistake is a usage error.
func Parse(fs *flag.FlagSet, argv []string, anywhere bool) ([]string, error) {
	var pos []string
	if anywhere {
		argv, pos = SplitArgs(argv, fs)
	}
	if err := fs.Parse(argv); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, actionbot.Errorf(actionbot.EUSAGE, "%s", err.Error())
	}
	return append(pos, fs.Args()...), nil
}

// SplitArgs separates flags from positional arguments, which may come in
// any order. A negative number ("-1", a rise recorded against a reduction)
// is a positional argument, not a flag; a flag of fs that is not boolean
// takes a value, given after "=" or as the next argument; "--" ends the
// flags.
func SplitArgs(args []string, fs *flag.FlagSet) (flags, positional []string) {
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			return flags, append(positional, args[i+1:]...)
		}
		if _, err := strconv.ParseFloat(strings.TrimSuffix(arg, "%"), 64); err == nil || !strings.HasPrefix(arg, "-") || arg == "-" {
			positional = append(positional, arg)
			continue
		}
		flags = append(flags, arg)
		name := strings.TrimLeft(arg, "-")
		if f := fs.Lookup(name); f != nil && !isBool(f) && i+1 < len(args) {
			i++
			flags = append(flags, args[i])
		}
	}
	return flags, positional
}

func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// Strings is a flag given once for each value: --alias A --alias B.
type Strings []string

func (s *Strings) String() string     { return strings.Join(*s, "; ") }
func (s *Strings) Set(v string) error { *s = append(*s, v); return nil }

// NoArgs refuses any argument after a command's flags.
func NoArgs(name string, args []string) error {
	if len(args) > 0 {
		return actionbot.Errorf(actionbot.EUSAGE, "%s takes flags only, not %q (flags go before the arguments)", name, args[0])
	}
	return nil
}

// Exactly refuses any number of arguments but n, saying want.
func Exactly(n int, want string) func(name string, args []string) error {
	return func(_ string, args []string) error {
		if len(args) != n {
			return actionbot.Errorf(actionbot.EUSAGE, "%s", want)
		}
		return nil
	}
}
