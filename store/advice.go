package store

import (
	"errors"
	"path/filepath"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
)

// Advice turns a missing database (*MissingError) or a damaged one
// (*DamagedError), as Open and QuickCheck report them, into an application
// error that says what to do: check the path, create a database with init
// or import, or restore the latest backup. Any other error is returned as
// it is.
func Advice(err error) error {
	var me *MissingError
	if errors.As(err, &me) && me.Link != "" {
		return actionbot.Errorf(actionbot.ENOTFOUND, "%s, and nothing was created. Check ACTIONBOT_DB or -db, or where the link points: a link is never followed to make a new database.", capitalise(me.Error()))
	}
	if errors.As(err, &me) {
		return actionbot.Errorf(actionbot.ENOTFOUND, "%s, and nothing was created. Check ACTIONBOT_DB or -db; to start a new database, run `actionbot init -db %s` (the shipped plan) or `actionbot import -db %s FILE.csv`.",
			capitalise(me.Error()), actionbot.Redact(me.Path), actionbot.Redact(me.Path))
	}
	var ro *ReadOnlyError
	if errors.As(err, &ro) {
		p := actionbot.Redact(ro.Path)
		return actionbot.Errorf(actionbot.EINVALID, "%s. SQLite writes the file and, beside it, %s-wal and %s-shm: the file and its folder (%s) must both be writable by the user actionbot runs as. To read an archived database without changing it, use a copy (cp %s /tmp/plan.db, then -db /tmp/plan.db).",
			capitalise(ro.Error()), p, p, filepath.Dir(p), p)
	}
	var de *DamagedError
	if errors.As(err, &de) {
		p := actionbot.Redact(de.Path)
		return actionbot.Errorf(actionbot.EINVALID, "%s. The bot will not start on a damaged database. Restore the latest copy made by `actionbot backup`, as docs/operations.md says under \"Data, backups and what survives a crash\": stop the bot, move %s and any %s-wal and %s-shm aside, copy the backup to %s, and start again.",
			capitalise(de.Error()), p, p, p, p)
	}
	return err
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
