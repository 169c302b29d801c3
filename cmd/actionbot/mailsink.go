package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/mail"
)

// mailSinkCmd runs an SMTP server on this machine that prints every e-mail
// it is given and delivers none: a way to try e-mail without a mail server
// (ACTIONBOT_SMTP_URL=smtp://127.0.0.1:2525). It stops on Ctrl-C.
func (a *app) mailSinkCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("mail-sink", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:2525", "the `host:port` to listen on")
	if err := a.flags("mail-sink", "", fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return actionbot.Errorf(actionbot.EUSAGE, "mail-sink takes no arguments besides -addr")
	}
	sink := &mail.Sink{Print: a.stdout}
	got, err := sink.Listen(*addr)
	if err != nil {
		return err
	}
	defer sink.Close()
	fmt.Fprintf(a.stdout, "Listening for e-mail on %s: set ACTIONBOT_SMTP_URL=smtp://%s and every e-mail the bot sends is printed here, and delivered nowhere. Ctrl-C stops.\n", got, got)
	<-ctx.Done()
	fmt.Fprintf(a.stdout, "\nStopped after %s.\n", actionbot.Plural(len(sink.Received()), "e-mail"))
	return nil
}
