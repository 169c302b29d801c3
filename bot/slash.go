package bot

import (
	"context"
	"regexp"
	"time"

	"github.com/slack-go/slack"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
)

// slashCommand answers /action. A query (/action 5.2, mine, report…) is
// answered in the ack itself, with no call to Slack and nothing recorded.
// A change is recorded in the inbox under the identity of its request
// (deliveryID: the signature of a signed request, the Socket Mode envelope
// id), so that a replay or a redelivery is answered from the record and
// not applied again. While few changes are in hand a change to an action
// is made before the ack, recorded in its own transaction, and confirmed
// in the ack (changeInOnePass). Any other change, or any under a burst, is
// first recorded, then made before the ack when a place comes free, or
// acked empty, made after and confirmed through the response_url. Either
// way a crash cannot lose it: the inbox item is completed in the same
// transaction as the change, and the next start makes what is pending and
// confirms what was made but not confirmed (RecoverInbox).
func (b *Bot) slashCommand(ctx context.Context, sc *slack.SlashCommand, deliveryID string) reply {
	if want := b.command(); sc.Command != want {
		// Another app's command sent here by mistake (or a request made
		// up): refused, never run as ours.
		b.log().Warn("slack: a slash command that is not the bot's refused", "command", actionbot.Clip(sc.Command, 40), "want", want, "user", sc.UserID)
		return reply{body: encodeResponse(otherCommand(sc.Command, want), false)}
	}
	req := commands.Request{UserID: sc.UserID, ChannelID: sc.ChannelID, Text: PlainText(sc.Text)}
	cmd, err := b.Handler.Parse(ctx, req.Text)
	if err != nil {
		return pooledResponse(b.speak(commands.ErrorReply(err)), sc.ResponseURL)
	}
	if !cmd.Mutates() {
		rep := b.queryReply(ctx, req, cmd, sc.ResponseURL) // cardcache.go
		if b.Handler.WantsPaper(ctx, sc.UserID, cmd) {
			rep.later = b.paperLater(sc.UserID, sc.ResponseURL, cmd) // upload.go
		}
		return rep
	}
	// A change to an action takes milliseconds: while a place is free it
	// is made before the ack in one pass and one transaction, which also
	// records the request, done and answered (a replay is answered from
	// that record), and it is confirmed in the ack, committed before Slack
	// hears anything. The text is checked, and the permission, once, by
	// the change itself; a refusal is recorded after, without the text.
	onePass := commands.RecordsInOnePass(cmd)
	if onePass {
		if release, ok := b.syncSlot(ctx); ok {
			return b.changeInOnePass(ctx, sc, deliveryID, req, cmd, release)
		}
	}
	// What needs no database is checked before anything is recorded: a note
	// with personal data in it is refused and never stored.
	if err := b.Handler.CheckText(cmd.Text); err != nil {
		return reply{body: encodeResponse(b.speak(commands.ErrorReply(err)), false), responseURL: sc.ResponseURL}
	}
	it := &actionbot.InboxItem{Delivery: deliveryID, Kind: actionbot.InboxCommand, UserID: sc.UserID, ChannelID: sc.ChannelID,
		Text: sc.Text, ResponseURL: sc.ResponseURL}
	_, fresh, err := b.Store.Receive(ctx, it)
	if err != nil {
		b.log().Error("slack: record a command", "user", sc.UserID, "verb", cmd.Verb, "ref", cmd.Ref, "err", err)
		return reply{body: encodeResponse(b.speak(notRecorded), false)}
	}
	if !fresh {
		return b.repeated(ctx, deliveryID, sc.ResponseURL)
	}
	b.maybePrune()
	// A coordinator's change, or any change under a burst: recorded first,
	// then made. It waits its turn for a place; only when the database is
	// too slow for the ack's three seconds is it acked empty, made after
	// and confirmed through the response_url.
	// (A change to an action has had its wait for a place already.)
	if !onePass {
		if release, ok := b.syncSlot(ctx); ok {
			msg, _ := b.makeCommand(ctx, it, true)
			release()
			return pooledResponse(b.speak(msg), sc.ResponseURL)
		}
	}
	return reply{later: func(ctx context.Context) { b.runInbox(ctx, it) }}
}

// changeInOnePass makes a typed change to an action before its ack, in the
// one transaction that records its request (commands.Request.Record). A
// change refused, or that failed, records nothing in that transaction: its
// refusal is recorded after, without the text, so that a replay is
// answered the same; a request recorded already (a replay, a redelivery)
// is answered from its record, and nothing is applied again.
//
// The ack waits for the change at most ChangeWait: a change held up (the
// database locked by another program, a slow disk) is acked with "not
// saved yet" within Slack's three seconds, goes on, and is confirmed
// through the response_url once made (or its refusal told there). It used
// to hold the ack for as long as the database's busy timeout, ten seconds:
// Slack showed the person an error for a change it then made.
func (b *Bot) changeInOnePass(ctx context.Context, sc *slack.SlashCommand, deliveryID string, req commands.Request, cmd *commands.Command, release func()) reply {
	it := &actionbot.InboxItem{Delivery: deliveryID, Kind: actionbot.InboxCommand, UserID: sc.UserID, ChannelID: sc.ChannelID,
		ResponseURL: sc.ResponseURL}
	req.Record = it
	type outcome struct {
		msg actionbot.Message
		err error
	}
	done := make(chan outcome, 1)
	// The change is not abandoned with the request: its own context.
	cctx := context.WithoutCancel(ctx)
	go func() {
		msg, err := b.Handler.Do(cctx, req, cmd)
		release() // before the answer: the place is free once it is given
		done <- outcome{msg, err}
	}()
	wait := time.NewTimer(b.changeWait())
	defer wait.Stop()
	select {
	case o := <-done:
		msg, ok := b.settle(ctx, sc, deliveryID, cmd, it, o.msg, o.err)
		if !ok {
			return reply{}
		}
		return pooledResponse(b.speak(msg), sc.ResponseURL)
	case <-wait.C:
	}
	b.log().Warn("slack: a change took longer than its ack may wait: acknowledged as not saved yet, confirmed once made",
		"user", sc.UserID, "verb", cmd.Verb, "ref", cmd.Ref, "wait", b.changeWait())
	return reply{body: encodeResponse(b.speak(notSavedYet(cmd.Ref)), false), later: func(ctx context.Context) {
		o := <-done
		if o.err == nil && it.ID != 0 {
			// Made, its record answered: confirmed as a change made after
			// its ack is (by direct message once the response_url fails).
			it.Reply = &o.msg
			if it.ReceivedAt.IsZero() {
				it.ReceivedAt = b.now()
			}
			b.confirm(ctx, it, false)
			return
		}
		if msg, ok := b.settle(ctx, sc, deliveryID, cmd, it, o.msg, o.err); ok {
			if err := b.respond(ctx, sc.ResponseURL, msg, false); err != nil {
				b.log().Warn("slack: tell of a change held up and refused", "user", sc.UserID, "ref", cmd.Ref, "err", err)
			}
		}
	}}
}

// settle is what a change made in one pass (changeInOnePass) answers, given
// its outcome: its confirmation, or its refusal once recorded, or a
// recorded request's own answer; ok is false when there is nothing to say
// (a repeated request still in hand).
func (b *Bot) settle(ctx context.Context, sc *slack.SlashCommand, deliveryID string, cmd *commands.Command, it *actionbot.InboxItem, msg actionbot.Message, err error) (actionbot.Message, bool) {
	if err == nil && it.ID != 0 {
		b.maybePrune()
		return msg, true
	}
	if err == nil { // cannot be: a change made is recorded
		b.log().Error("slack: a change made before its ack was not recorded", "user", sc.UserID, "verb", cmd.Verb, "ref", cmd.Ref)
		return msg, true
	}
	// Nothing was changed. The refusal is recorded, without the text (it
	// may be what was refused), unless the request was recorded before.
	it.ID = 0
	_, fresh, rerr := b.Store.Receive(ctx, it)
	if rerr != nil {
		b.log().Error("slack: record a refused command", "user", sc.UserID, "verb", cmd.Verb, "ref", cmd.Ref, "err", rerr)
		return msg, true
	}
	if !fresh {
		return b.recordedAnswer(ctx, deliveryID)
	}
	b.maybePrune()
	if _, ferr := b.Store.FinishInbox(ctx, it.ID, msg, false, true); ferr != nil {
		b.log().Error("slack: record the outcome of a command", "inbox", it.ID, "err", ferr)
	}
	return msg, true
}

// DefaultChangeWait is how long the ack waits for a typed change made
// before it (ChangeWait): with SyncWait's 1.5 s for a place, within the
// three seconds Slack gives the ack.
const DefaultChangeWait = 1200 * time.Millisecond

func (b *Bot) changeWait() time.Duration {
	if b.ChangeWait > 0 {
		return b.ChangeWait
	}
	return DefaultChangeWait
}

// notSavedYet is the ack of a change the database held up: it is not
// saved, and its confirmation follows.
func notSavedYet(ref string) actionbot.Message {
	what := "Your change"
	if ref != "" {
		what = "Your change to " + ref
	}
	return actionbot.Simple("⏳ " + what + " is not saved yet: the database is busy. I'll confirm here as soon as it is.")
}

// repeated answers a request whose change is recorded already (a replay of
// a signed request, a redelivered envelope) with the change's confirmation,
// or, while the change is still in hand, with an empty ack: its
// confirmation follows. Nothing is applied again.
func (b *Bot) repeated(ctx context.Context, deliveryID, responseURL string) reply {
	msg, ok := b.recordedAnswer(ctx, deliveryID)
	if !ok {
		return reply{}
	}
	return reply{body: encodeResponse(b.speak(msg), false), responseURL: responseURL}
}

// recordedAnswer is the recorded answer of a request recorded already;
// ok is false while it has none (its change still in hand).
func (b *Bot) recordedAnswer(ctx context.Context, deliveryID string) (actionbot.Message, bool) {
	it, err := b.Store.InboxByDelivery(ctx, deliveryID)
	if err != nil {
		b.log().Error("slack: find the change of a repeated request", "err", err)
		return actionbot.Message{}, false
	}
	b.log().Info("slack: repeated request answered from its record, not applied again", "inbox", it.ID, "kind", it.Kind)
	if it.Reply == nil || it.Kind != actionbot.InboxCommand {
		return actionbot.Message{}, false
	}
	return *it.Reply, true
}

// DefaultSyncWait is how long a typed change waits for a place to be made
// before its ack: half of the three seconds Slack gives the ack.
const DefaultSyncWait = 1500 * time.Millisecond

// syncSlot takes one of the SyncChanges places for a change made before its
// ack, waiting up to SyncWait for one; ok is false when none came free in
// time (or there are none).
func (b *Bot) syncSlot(ctx context.Context) (release func(), ok bool) {
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
	}
	wait := b.SyncWait
	if wait == 0 {
		wait = DefaultSyncWait
	}
	if wait < 0 {
		return nil, false
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case sem <- struct{}{}:
		return func() { <-sem }, true
	case <-t.C:
	case <-ctx.Done():
	}
	return nil, false
}

// notRecorded is the answer when a change could not be recorded.
var notRecorded = actionbot.Simple("❌ I couldn't record that change, so nothing was changed. Please try again in a moment.")

// makeCommand makes a recorded typed change and records its outcome;
// inAck says that the reply goes in the acknowledgement, which confirms
// it. ok is false when another run of the same item had made it already
// (it confirms it).
func (b *Bot) makeCommand(ctx context.Context, it *actionbot.InboxItem, inAck bool) (msg actionbot.Message, ok bool) {
	req := commands.Request{UserID: it.UserID, ChannelID: it.ChannelID, Text: PlainText(it.Text), Inbox: it.ID}
	cmd, err := b.Handler.Parse(ctx, req.Text)
	if err != nil {
		msg = commands.ErrorReply(err)
	} else {
		msg, err = b.Handler.Do(ctx, req, cmd)
	}
	// A change to an action completed its item with the change; anything
	// else (a refusal, a coordinator's command) is completed here.
	committed := err == nil && cmd.Verb.IsChange()
	ok, ferr := b.Store.FinishInbox(ctx, it.ID, msg, committed, inAck)
	if ferr != nil {
		b.log().Error("slack: record the outcome of a command", "inbox", it.ID, "err", ferr)
		return msg, inAck
	}
	return msg, ok
}

// DefaultCommand is the slash command the bot answers unless Bot.Command
// (ACTIONBOT_SLASH_COMMAND) says another: the manifest's.
const DefaultCommand = "/action"

func (b *Bot) command() string {
	if b.Command != "" {
		return b.Command
	}
	return DefaultCommand
}

// commandName is a slash command's name as Slack allows it; a command that
// is not one is not echoed.
var commandName = regexp.MustCompile(`^/[a-z0-9_-]{1,32}$`)

// ValidCommand says whether name is a slash command's name, such as /action.
func ValidCommand(name string) bool { return commandName.MatchString(name) }

// otherCommand refuses a command that is not the bot's.
func otherCommand(got, want string) actionbot.Message {
	what := "That command"
	if commandName.MatchString(got) {
		what = "`" + got + "`"
	}
	return actionbot.Simple("⚠️ This app answers " + want + " only: " + what + " is not its command, so nothing was done. Type `" + want + " help` to see what it does.")
}
