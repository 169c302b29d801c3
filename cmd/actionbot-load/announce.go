package main

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/internal/fakeplan"
	"github.com/sevenoaks-csp/actionbot/store"
)

// Announcements. A change of an action's status, progress or deadline is
// announced in its priority's task-group channel when the priority has one
// (commands.announcement, queued in the change's own transaction, keyed
// "announce:<audit entry id>"). A deployment sets the channels with
// `/action admin channel <priority> #channel`; the load tool sets them when
// it prepares the database (setChannels), so that every change it makes
// queues an announcement, as the "done when" asks. The bot then
// delivers them as it does in service: its sender posts, at most one a
// second per channel (ACTIONBOT_SLACK_PACE), to the tool's fake Slack on
// loopback, so nothing leaves the machine; most stay queued under the
// load. After the rounds, verify checks that the outbox holds exactly one
// announcement, queued or sent, per audit entry the load made.

// p0Channel is priority p's task-group channel in the load's database.
func p0Channel(p int) string { return fmt.Sprintf("C0TASK%d", p) }

// noChannel takes a priority's channel away.
func noChannel(int) string { return "" }

// setChannels gives each priority of the current plan the channel
// channel(number), as a coordinator would.
func setChannels(ctx context.Context, db *store.DB, channel func(int) string) error {
	p, err := db.CurrentPlan(ctx)
	if err != nil {
		return err
	}
	ps, err := db.Priorities(ctx, p.ID)
	if err != nil {
		return err
	}
	for _, pr := range ps {
		if err := db.SetPriorityChannel(ctx, pr.Number, channel(pr.Number), fakeplan.Actor); err != nil {
			return fmt.Errorf("set priority %d's channel: %w", pr.Number, err)
		}
	}
	return nil
}

// setChannelsIn is setChannels on the database at path, opened for it.
func setChannelsIn(ctx context.Context, path string, channel func(int) string) error {
	db := store.NewDB(path)
	if err := db.Open(); err != nil {
		return err
	}
	defer db.Close()
	db.ConfiguredCoordinators = []string{fakeplan.Actor}
	return setChannels(ctx, db, channel)
}

// announcements is what the outbox holds for an actor's audit entries.
type announcements struct {
	entries   int64 // the actor's audit entries
	announced int64 // of them, those with their announcement in the outbox
	rows      int64 // announcements in the outbox for the actor's entries
	sent      int64 // of the rows, those delivered (to the fake Slack)
}

// countAnnouncements reads the outbox of the SQLite database at path.
func countAnnouncements(ctx context.Context, path, actor string) (announcements, error) {
	var a announcements
	driver, dsn, actorParam := "sqlite3", floorDSN(path), "?1"
	if store.IsPostgresURL(path) {
		driver, dsn, actorParam = "pgx", path, "$1"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return a, fmt.Errorf("open %s: %w", actionbot.Redact(path), err)
	}
	defer db.Close()
	err = db.QueryRowContext(ctx, strings.ReplaceAll(`SELECT
		(SELECT COUNT(*) FROM audit WHERE actor = ACTOR),
		(SELECT COUNT(*) FROM audit a WHERE a.actor = ACTOR AND EXISTS (SELECT 1 FROM outbox o WHERE o.dedupe_key = 'announce:' || a.id AND o.kind = 'announce')),
		(SELECT COUNT(*) FROM outbox o JOIN audit a ON o.dedupe_key = 'announce:' || a.id WHERE o.kind = 'announce' AND a.actor = ACTOR),
		(SELECT COUNT(*) FROM outbox o JOIN audit a ON o.dedupe_key = 'announce:' || a.id WHERE o.kind = 'announce' AND a.actor = ACTOR AND o.state = 'sent')`,
		"ACTOR", actorParam), actor).Scan(&a.entries, &a.announced, &a.rows, &a.sent)
	if err != nil {
		return a, fmt.Errorf("count announcements in %s: %w", actionbot.Redact(path), err)
	}
	return a, nil
}

// check says whether every entry has exactly one announcement.
func (a announcements) check(name string) error {
	if a.announced != a.entries || a.rows != a.entries {
		return fmt.Errorf("%s: %d audit entries by the load user, %d of them announced, %d announcements in the outbox: want one each", name, a.entries, a.announced, a.rows)
	}
	return nil
}
