package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/sevenoaks-csp/actionbot"
)

// maxAckBytes is the largest Socket Mode ack payload sent; Slack drops acks
// of 20 KB or more without a word, so a larger answer goes through the
// response_url instead.
const maxAckBytes = 19 * 1024

// FatalSocketError is a Socket Mode failure that reconnecting cannot mend:
// Slack refused the app-level token.
type FatalSocketError struct {
	Cause error
}

func (e *FatalSocketError) Error() string {
	return fmt.Sprintf("Slack refused the Socket Mode connection (%v): check SLACK_APP_TOKEN (an xapp- token with connections:write, from the app's Basic Information page)", e.Cause)
}

func (e *FatalSocketError) Unwrap() error { return e.Cause }

// RunSocketMode serves Slack over Socket Mode until ctx is done (it then
// returns nil after the requests in hand are acked and the work after them
// done) or the connection fails for good (a *FatalSocketError). Every
// envelope is acked with its id first; the work follows. slack-go reconnects
// on disconnects and refreshes.
func (b *Bot) RunSocketMode(ctx context.Context, client *socketmode.Client) error {
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- client.RunContext(runCtx) }()
	for {
		select {
		case err := <-errc:
			b.Wait()
			if ctx.Err() != nil {
				return nil
			}
			return classifySocketError(err)
		case evt := <-client.Events:
			b.socketEvent(runCtx, client, evt)
		}
	}
}

func classifySocketError(err error) error {
	if err == nil {
		return nil
	}
	var sc slack.StatusCodeError
	switch {
	case errors.As(err, &sc) && sc.Code == http.StatusNotFound:
		return &FatalSocketError{Cause: err}
	}
	switch err.Error() {
	case "invalid_auth", "account_inactive", "not_authed", "token_revoked", "token_expired", "not_allowed_token_type":
		return &FatalSocketError{Cause: err}
	}
	return fmt.Errorf("socket mode: %w", err)
}

func (b *Bot) socketEvent(ctx context.Context, client *socketmode.Client, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		b.log().Debug("slack: connecting (Socket Mode)")
	case socketmode.EventTypeConnected:
		b.log().Info("slack: connected (Socket Mode)")
	case socketmode.EventTypeHello:
		b.log().Debug("slack: hello")
	case socketmode.EventTypeDisconnect:
		b.log().Info("slack: Slack asked us to reconnect")
	case socketmode.EventTypeConnectionError:
		if ce, ok := evt.Data.(*slack.ConnectionErrorEvent); ok {
			b.log().Warn("slack: connection failed; retrying", "attempt", ce.Attempt, "backoff", ce.Backoff, "err", actionbot.RedactError(ce.ErrorObj))
		}
	case socketmode.EventTypeInvalidAuth:
		b.log().Error("slack: Slack refused the app-level token")
	case socketmode.EventTypeErrorBadMessage:
		// An envelope slack-go could not read is acked all the same, or
		// Slack sends it again and again.
		b.log().Warn("slack: unreadable Socket Mode message", "type", string(evt.Type))
		if bad, ok := evt.Data.(*socketmode.ErrorBadMessage); ok {
			var env struct {
				EnvelopeID string `json:"envelope_id"`
			}
			if json.Unmarshal(bad.Message, &env) == nil && env.EnvelopeID != "" {
				b.serveEnvelope(client, &socketmode.Request{EnvelopeID: env.EnvelopeID}, func() reply { return reply{} })
			}
		}
	case socketmode.EventTypeIncomingError, socketmode.EventTypeErrorWriteFailed:
		b.log().Warn("slack: socket mode trouble", "type", string(evt.Type))
	case socketmode.EventTypeSlashCommand:
		sc, ok := evt.Data.(slack.SlashCommand)
		if !ok {
			b.ackUnread(client, evt)
			return
		}
		b.serveEnvelope(client, evt.Request, func() reply { return b.slashCommand(ctx, &sc, "envelope:"+evt.Request.EnvelopeID) })
	case socketmode.EventTypeInteractive:
		ic, ok := evt.Data.(slack.InteractionCallback)
		if !ok {
			b.ackUnread(client, evt)
			return
		}
		b.serveEnvelope(client, evt.Request, func() reply { return b.interaction(ctx, &ic, "envelope:"+evt.Request.EnvelopeID) })
	case socketmode.EventTypeEventsAPI:
		if evt.Request == nil {
			return
		}
		var env eventEnvelope
		if err := json.Unmarshal(evt.Request.Payload, &env); err != nil {
			b.log().Warn("slack: unreadable event envelope", "err", err)
			b.ack(client, evt.Request, reply{})
			return
		}
		b.serveEnvelope(client, evt.Request, func() reply {
			if env.Type != "event_callback" {
				return reply{}
			}
			return b.eventCallback(&env)
		})
	default:
		// Anything else carrying an envelope is acked, whether or not it
		// means anything to the bot.
		if evt.Request != nil && evt.Request.EnvelopeID != "" {
			b.serveEnvelope(client, evt.Request, func() reply { return reply{} })
		}
	}
}

// ackUnread acks an envelope whose payload could not be read.
func (b *Bot) ackUnread(client *socketmode.Client, evt socketmode.Event) {
	b.log().Warn("slack: unreadable envelope acked", "type", string(evt.Type))
	if evt.Request != nil && evt.Request.EnvelopeID != "" {
		b.serveEnvelope(client, evt.Request, func() reply { return reply{} })
	}
}

// serveEnvelope answers one envelope in its own goroutine (a slow query
// must not hold up the others), acking it before the work that follows.
func (b *Bot) serveEnvelope(client *socketmode.Client, req *socketmode.Request, handle func() reply) {
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		var rep reply
		func() {
			defer func() {
				if p := recover(); p != nil {
					// Ack anyway, or Slack redelivers it to fail again.
					b.log().Error("slack: envelope handler panicked", "panic", fmt.Sprint(p))
					rep = reply{}
				}
			}()
			rep = handle()
		}()
		b.ack(client, req, rep)
	}()
}

func (b *Bot) ack(client *socketmode.Client, req *socketmode.Request, rep reply) {
	body := rep.body
	var late []byte
	if len(body) >= maxAckBytes && rep.responseURL != "" {
		late, body = body, nil
	}
	// The ack waits for room in slack-go's send queue; after a disconnect
	// that room may never come, and shutdown must not hang on it.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var payload any
	if body != nil {
		payload = json.RawMessage(body)
	}
	if err := client.AckCtx(ctx, req.EnvelopeID, payload); err != nil {
		b.log().Error("slack: ack", "envelope", req.EnvelopeID, "err", err)
	}
	if late != nil {
		url := rep.responseURL
		b.spawn(func(ctx context.Context) {
			if err := b.postResponse(ctx, url, late); err != nil {
				b.log().Error("slack: send a long answer", "err", err)
			}
		})
	}
	b.spawn(rep.later)
}
