package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sevenoaks-csp/actionbot"
)

// NoteRedaction is what RedactNote did.
type NoteRedaction = actionbot.NoteRedaction

// RedactNote removes the text of note n (numbered as actionbot.Notes
// numbers them) of action ref in plan planID wherever the database keeps
// it, replacing it with marker: the note's own audit entry, every other
// entry and change of the action carrying it (a reason set, then cleared by
// an unblock), the action's current reason, every message recorded in the
// outbox (queued, sent or failed) and the commands recorded in the inbox.
// Each message the bot had posted to Slack is queued again as an update
// (actionbot.OutboxUpdate) naming it, which the Slack sender delivers with
// chat.update. The redaction is recorded in the admin audit — who, when,
// which note of which action — never the text. All of it is one
// transaction.
//
// ENOTFOUND when the action has no note n (actionbot.NoNoteError), and
// EUNCHANGED when the note is redacted already; EUNAUTHORIZED unless actor
// coordinates.
func (db *DB) RedactNote(ctx context.Context, planID int64, ref string, n int, actor, marker string) (*NoteRedaction, error) {
	if !actionbot.IsRedacted(marker) {
		return nil, fmt.Errorf("redact note %d of %s: %q is not a redaction marker", n, ref, marker)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if err := db.mayCoordinate(ctx, tx, actor, "redact a note"); err != nil {
		return nil, err
	}
	if !db.Postgres() {
		// What the rewrites below free is zeroed, not left in the file.
		if _, err := tx.ExecContext(ctx, `PRAGMA secure_delete = ON`); err != nil {
			return nil, fmt.Errorf("redact note %d of %s: %w", n, ref, err)
		}
	}
	a, err := findAction(ctx, tx, planID, ref)
	if err != nil {
		return nil, err
	}
	trail, err := auditEntries(ctx, tx, `a.action_id = ?`, []any{a.ID}, false, 0)
	if err != nil {
		return nil, fmt.Errorf("redact note %d of %s: %w", n, a.Ref, err)
	}
	notes := actionbot.Notes(trail)
	if n < 1 || n > len(notes) {
		return nil, actionbot.NoNoteError(a.Ref, n, len(notes))
	}
	target := notes[n-1]
	if actionbot.IsRedacted(target.Note) {
		return nil, actionbot.Errorf(actionbot.EUNCHANGED, "Note %d of %s is already redacted (%s).", n, a.Ref, target.Note)
	}
	texts := actionbot.RedactedTexts(target)
	res := &NoteRedaction{Ref: a.Ref, Number: n, Marker: marker}
	now := db.now()

	// The audit trail: every entry of the action, the target's whole note.
	for _, e := range trail {
		note, changed := e.Note, false
		if e.ID == target.ID {
			note, changed = marker, true
		} else {
			note, changed = actionbot.ScrubText(e.Note, texts, marker)
		}
		if changed {
			if _, err := tx.ExecContext(ctx, `UPDATE audit SET note = ? WHERE id = ?`, note, e.ID); err != nil {
				return nil, fmt.Errorf("redact note %d of %s: audit entry %d: %w", n, a.Ref, e.ID, err)
			}
			e.Note = note
			res.AuditRows++
		}
		for i := range e.Changes {
			c := &e.Changes[i]
			if c.Field != "reason" {
				continue // states, numbers, dates and the plan's own words
			}
			from, fc := actionbot.ScrubText(c.From, texts, marker)
			to, tc := actionbot.ScrubText(c.To, texts, marker)
			if !fc && !tc {
				continue
			}
			// Positions are the changes' order (insertAudit).
			if _, err := tx.ExecContext(ctx, `UPDATE audit_changes SET from_value = ?, to_value = ? WHERE audit_id = ? AND position = ?`,
				from, to, e.ID, i); err != nil {
				return nil, fmt.Errorf("redact note %d of %s: audit entry %d: %w", n, a.Ref, e.ID, err)
			}
			c.From, c.To = from, to
			res.AuditRows++
		}
		if e.ID == target.ID {
			res.Entry = e
		}
	}
	if reason, changed := actionbot.ScrubText(a.Reason, texts, marker); changed {
		if _, err := tx.ExecContext(ctx, `UPDATE actions SET reason = ? WHERE id = ?`, reason, a.ID); err != nil {
			return nil, fmt.Errorf("redact note %d of %s: its reason: %w", n, a.Ref, err)
		}
		res.Reason = true
	}
	if err := redactOutbox(ctx, tx, target, texts, marker, now, res); err != nil {
		return nil, fmt.Errorf("redact note %d of %s: %w", n, a.Ref, err)
	}
	if err := redactInbox(ctx, tx, texts, marker, res); err != nil {
		return nil, fmt.Errorf("redact note %d of %s: %w", n, a.Ref, err)
	}
	detail := fmt.Sprintf("audit entry %d (%s by %s at %s): %d audit rows, %d recorded messages (%d to update on Slack), %d recorded commands",
		target.ID, target.Verb, target.Actor, formatTime(target.At), res.AuditRows, res.Messages, res.Updates, res.Inbox)
	if err := adminAudit(ctx, tx, now, actor, "redact note", fmt.Sprintf("%s note %d", a.Ref, n), detail); err != nil {
		return nil, err
	}
	// The snapshots hold each action's latest entry and reason: read them
	// afresh (no audit entry is added for them to notice).
	if err := bumpPlanRevision(ctx, tx); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("redact note %d of %s: commit: %w", n, a.Ref, err)
	}
	db.changed()
	db.forgetOldPages(ctx)
	return res, nil
}

// forgetOldPages moves a SQLite database's write-ahead log into the file
// and empties it, so that the pages written before a redaction, which hold
// the text, are not kept there. It is best effort: a reader still holding
// an old page keeps the log until the next checkpoint, which SQLite makes
// on its own. PostgreSQL keeps a row's old version until it is vacuumed.
func (db *DB) forgetOldPages(ctx context.Context) {
	if db.Postgres() {
		return
	}
	// A busy database answers so in the result, not as an error; an error
	// changes nothing either: the redaction is made.
	_, _ = db.rw.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
}

// redactOutbox rewrites every recorded message made since the note that
// shows its text, and queues an update for each that Slack has.
func redactOutbox(ctx context.Context, tx execer, target *actionbot.AuditEntry, texts []string, marker, now string, res *NoteRedaction) error {
	var rows []struct {
		ID            int64  `db:"id"`
		Kind          string `db:"kind"`
		Recipient     string `db:"recipient"`
		Payload       string `db:"payload"`
		State         string `db:"state"`
		Owner         string `db:"owner"`
		RemoteChannel string `db:"remote_channel"`
	}
	// A message showing the note was made after it; a minute's grace for
	// clocks of two processes.
	since := formatTime(target.At.Add(-timeGrace))
	if err := tx.SelectContext(ctx, &rows, `SELECT id, kind, recipient, payload, state, owner, remote_channel FROM outbox WHERE created_at >= ? ORDER BY id`, since); err != nil {
		return fmt.Errorf("read the outbox: %w", err)
	}
	for _, r := range rows {
		var msg actionbot.Message
		if err := json.Unmarshal([]byte(r.Payload), &msg); err != nil {
			return fmt.Errorf("outbox %d: decode: %w", r.ID, err)
		}
		if !actionbot.ScrubMessage(&msg, texts, marker) {
			continue
		}
		b, err := json.Marshal(msg)
		if err != nil {
			return fmt.Errorf("outbox %d: encode: %w", r.ID, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET payload = ? WHERE id = ?`, string(b), r.ID); err != nil {
			return fmt.Errorf("outbox %d: %w", r.ID, err)
		}
		res.Messages++
		// Slack holds a copy of what it was given ('sent') or may have
		// been ('sending': the update waits until it is settled). A
		// pending or failed message is posted, if ever, as now rewritten;
		// a console run's never reaches Slack.
		if r.Kind == actionbot.OutboxUpdate || r.Owner != SlackOwner || r.RemoteChannel == "" ||
			(r.State != string(actionbot.OutboxSent) && r.State != string(actionbot.OutboxSending)) {
			continue
		}
		key := fmt.Sprintf("update:redact:%d:%d", r.ID, target.ID)
		_, inserted, err := insertID(ctx, tx, `INSERT INTO outbox (dedupe_key, kind, recipient, payload, state, next_attempt_at, created_at, owner, updates)
			VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
			key, actionbot.OutboxUpdate, r.Recipient, string(b), now, now, SlackOwner, r.ID)
		if err != nil {
			return fmt.Errorf("queue the update of outbox %d: %w", r.ID, err)
		}
		if inserted {
			res.Updates++
		}
	}
	return nil
}

// timeGrace is how far apart the clocks of two processes writing one
// database may be.
const timeGrace = time.Minute

// redactInbox rewrites the recorded commands and form submissions holding
// the text, and the replies recorded with them.
func redactInbox(ctx context.Context, tx execer, texts []string, marker string, res *NoteRedaction) error {
	var rows []struct {
		ID      int64  `db:"id"`
		Text    string `db:"text"`
		Payload string `db:"payload"`
		Reply   string `db:"reply"`
	}
	if err := tx.SelectContext(ctx, &rows, `SELECT id, text, payload, reply FROM inbox ORDER BY id`); err != nil {
		return fmt.Errorf("read the inbox: %w", err)
	}
	for _, r := range rows {
		text, tc := actionbot.ScrubText(r.Text, texts, marker)
		payload, pc := actionbot.ScrubJSON(r.Payload, texts, marker)
		reply, rc := r.Reply, false
		if strings.TrimSpace(r.Reply) != "" {
			var msg actionbot.Message
			if err := json.Unmarshal([]byte(r.Reply), &msg); err == nil {
				if actionbot.ScrubMessage(&msg, texts, marker) {
					b, err := json.Marshal(msg)
					if err != nil {
						return fmt.Errorf("inbox %d: encode: %w", r.ID, err)
					}
					reply, rc = string(b), true
				}
			} else {
				reply, rc = actionbot.ScrubText(r.Reply, texts, marker)
			}
		}
		if !tc && !pc && !rc {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE inbox SET text = ?, payload = ?, reply = ? WHERE id = ?`, text, payload, reply, r.ID); err != nil {
			return fmt.Errorf("inbox %d: %w", r.ID, err)
		}
		res.Inbox++
	}
	return nil
}

// UpdateTarget returns, for a queued update (actionbot.OutboxUpdate), the
// message it updates as the bot posted it: where (Channel, RemoteRef) and
// what it now reads (Message, as revised since). ENOTFOUND when the row is
// not an update; ECONFLICT when its target was never delivered, so that
// Slack has nothing to update.
func (db *DB) UpdateTarget(ctx context.Context, id int64) (*actionbot.Outgoing, error) {
	var target sql.NullInt64
	err := db.rw.GetContext(ctx, &target, `SELECT updates FROM outbox WHERE id = ? AND kind = ?`, id, actionbot.OutboxUpdate)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !target.Valid {
		return nil, actionbot.Errorf(actionbot.ENOTFOUND, "Queued message %d updates no message.", id)
	} else if err != nil {
		return nil, fmt.Errorf("outbox %d: find the message it updates: %w", id, err)
	}
	ds, err := db.outgoingFrom(ctx, db.rw, `o.id = ?`, target.Int64)
	if err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		return nil, actionbot.Errorf(actionbot.ENOTFOUND, "Queued message %d updates message %d, which is gone.", id, target.Int64)
	}
	d := ds[0]
	if d.State != actionbot.OutboxSent || d.Channel == "" || d.RemoteRef == "" {
		return d, actionbot.Errorf(actionbot.ECONFLICT, "Message %d was not delivered (it is %s), so Slack has nothing to update.", d.ID, d.State)
	}
	return d, nil
}
