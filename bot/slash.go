package bot

import (
	"context"
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/store"
)

// slashCommand answers /action. A query (/action 5.2, mine, report…) is
// answered in the ack itself, with no call to Slack. A change is first
// recorded in the inbox, then acked, then made and answered through the
// response_url: a crash after the ack cannot lose it, because the inbox
// item is completed in the same transaction as the change and pending
// items are made on the next start (RecoverInbox). deliveryID (the Socket
// Mode envelope id) keeps a redelivered change from being recorded twice.
func (b *Bot) slashCommand(ctx context.Context, sc *slack.SlashCommand, deliveryID string) reply {
	req := commands.Request{UserID: sc.UserID, ChannelID: sc.ChannelID, Text: sc.Text}
	cmd, err := commands.Parse(sc.Text)
	if err != nil {
		// Handle parses again and explains the mistake.
		return reply{body: encodeResponse(b.Handler.Handle(ctx, req), false), responseURL: sc.ResponseURL}
	}
	if !cmd.Mutates() {
		return reply{body: encodeResponse(b.Handler.Run(ctx, req, cmd), false), responseURL: sc.ResponseURL}
	}
	// What needs no database is checked before anything is recorded: a note
	// with personal data in it is refused and never stored.
	if err := b.Handler.CheckText(cmd.Text); err != nil {
		return reply{body: encodeResponse(commands.ErrorReply(err), false), responseURL: sc.ResponseURL}
	}
	// A change takes milliseconds: while few are in hand it is made before
	// the ack and answered in it, committed before Slack hears anything.
	// Under a burst, the rest are recorded and made after the ack.
	if release, ok := b.syncSlot(); ok {
		msg := b.Handler.Run(ctx, req, cmd)
		release()
		return reply{body: encodeResponse(msg, false), responseURL: sc.ResponseURL}
	}
	it := &store.InboxItem{Delivery: deliveryID, UserID: sc.UserID, ChannelID: sc.ChannelID, Text: sc.Text, ResponseURL: sc.ResponseURL}
	_, fresh, err := b.Store.Receive(ctx, it)
	if err != nil {
		b.log().Error("slack: record a command", "user", sc.UserID, "verb", cmd.Verb, "ref", cmd.Ref, "err", err)
		return reply{body: encodeResponse(notRecorded, false)}
	}
	if !fresh {
		b.log().Info("slack: redelivery ignored", "delivery", deliveryID)
		return reply{}
	}
	return reply{later: func(ctx context.Context) { b.runInbox(ctx, it) }}
}

// syncSlot takes one of the SyncChanges places for a change made before its
// ack; ok is false when all are taken (or there are none).
func (b *Bot) syncSlot() (release func(), ok bool) {
	if b.SyncChanges <= 0 {
		return nil, false
	}
	b.mu.Lock()
	if b.syncSem == nil {
		b.syncSem = make(chan struct{}, b.SyncChanges)
	}
	sem := b.syncSem
	b.mu.Unlock()
	select {
	case sem <- struct{}{}:
		return func() { <-sem }, true
	default:
		return nil, false
	}
}

// notRecorded is the answer when a change could not be recorded.
var notRecorded = actionbot.Simple("❌ I couldn't record that change, so nothing was changed. Please try again in a moment.")

// responseURLLife is how long Slack accepts replies through a response_url.
const responseURLLife = 30 * time.Minute

// runInbox makes a recorded change and answers through its response_url
// while that is still valid.
func (b *Bot) runInbox(ctx context.Context, it *store.InboxItem) {
	req := commands.Request{UserID: it.UserID, ChannelID: it.ChannelID, Text: it.Text, Inbox: it.ID}
	cmd, err := commands.Parse(it.Text)
	var msg actionbot.Message
	if err != nil {
		msg = commands.ErrorReply(err)
	} else {
		msg, err = b.Handler.Try(ctx, req, cmd)
	}
	// A change to an action completed its item with the change; anything
	// else (a refusal, a coordinator's command) is completed here.
	if err != nil || !actionbot.Verb(cmd.Verb).IsChange() {
		if cerr := b.Store.CompleteInbox(ctx, it.ID); cerr != nil {
			b.log().Error("slack: complete a command", "inbox", it.ID, "err", cerr)
		}
	}
	if it.ResponseURL == "" || b.now().Sub(it.ReceivedAt) > responseURLLife {
		return
	}
	if err := b.respond(ctx, it.ResponseURL, msg, false); err != nil {
		b.log().Error("slack: reply to a command", "user", req.UserID, "inbox", it.ID, "err", err)
	}
}

// RecoverInbox makes the changes that were acknowledged but not made before
// the bot stopped (a crash, a kill), in the order they came, answering
// those still within their response_url's life. It returns at once; Wait
// waits for the work.
func (b *Bot) RecoverInbox(ctx context.Context) error {
	items, err := b.Store.PendingInbox(ctx)
	if err != nil {
		return fmt.Errorf("recover acknowledged changes: %w", err)
	}
	if len(items) > 0 {
		b.log().Info("slack: making changes acknowledged before a restart", "count", len(items))
	}
	b.spawn(func(ctx context.Context) {
		for _, it := range items {
			b.runInbox(ctx, it)
		}
	})
	return nil
}
