package bot

import (
	"context"

	"github.com/slack-go/slack"

	"github.com/sevenoaks-csp/actionbot/commands"
)

// slashCommand answers /action. A query (/action 5.2, mine, report…) is
// answered in the ack itself, with no call to Slack; a change is acked at
// once and answered through the response_url when done. deliveryID (the
// Socket Mode envelope id) keeps a redelivered change from running twice.
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
	responseURL := sc.ResponseURL
	return reply{later: func(ctx context.Context) {
		msg := sorry
		if first, err := b.first(ctx, deliveryID); err == nil && !first {
			return
		} else if err == nil {
			msg = b.Handler.Run(ctx, req, cmd)
		}
		if err := b.respond(ctx, responseURL, msg, false); err != nil {
			b.log().Error("slack: reply to a command", "user", req.UserID, "verb", cmd.Verb, "ref", cmd.Ref, "err", err)
		}
	}}
}
