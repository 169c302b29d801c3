// Package bot is the Slack adapter: it takes slash commands, button clicks,
// modal submissions and Events API callbacks over HTTP (signed requests) or
// Socket Mode, runs them through the command handler, renders the
// transport-neutral replies as Block Kit, publishes the App Home, and
// delivers the outbox (announcements, reminders, the digest) with pacing,
// retries and exactly-once bookkeeping. Commands are never interpreted here:
// commands.Handler is the only place they run.
package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
)

// Store is what the adapter needs of the database, beside the command
// handler's own store.
type Store interface {
	// Ping checks that the database answers (GET /healthz).
	Ping(ctx context.Context) error
	CurrentPlan(ctx context.Context) (*actionbot.Plan, error)
	FindAction(ctx context.Context, planID int64, ref string) (*actionbot.Action, error)
	// FirstDelivery records a delivery id and reports whether it is new.
	FirstDelivery(ctx context.Context, id string, ttl time.Duration) (bool, error)
	// SentMessage finds a message the bot posted through the outbox.
	SentMessage(ctx context.Context, channel, ts string) (*actionbot.Outgoing, error)
	ReviseSentMessage(ctx context.Context, id int64, revise func(*actionbot.Message) bool) (*actionbot.Message, error)

	// The inbox records every change (typed, clicked or submitted) before
	// it is acknowledged, under the identity of its request, and follows
	// it until the person has been told (slash.go, inbox.go).
	Receive(ctx context.Context, it *actionbot.InboxItem) (int64, bool, error)
	InboxByDelivery(ctx context.Context, delivery string) (*actionbot.InboxItem, error)
	FinishInbox(ctx context.Context, id int64, reply actionbot.Message, committed, confirmed bool) (bool, error)
	ConfirmInbox(ctx context.Context, id int64) error
	ConfirmInboxByMessage(ctx context.Context, id int64, msg *actionbot.Outgoing) error
	PendingInbox(ctx context.Context) ([]*actionbot.InboxItem, error)
	UnconfirmedInbox(ctx context.Context) ([]*actionbot.InboxItem, error)
	PruneInbox(ctx context.Context, before time.Time) (int, error)
}

// DefaultDeliveryTTL is how long delivery ids are remembered. Slack retries
// an Events API delivery three times within about an hour, and redelivers a
// Socket Mode envelope within minutes.
const DefaultDeliveryTTL = 24 * time.Hour

// workTimeout bounds the work done after an ack (a reply through
// response_url, a modal, a Home tab).
const workTimeout = 30 * time.Second

// Bot handles what Slack sends, whatever the transport.
type Bot struct {
	Handler *commands.Handler
	Store   Store
	// API calls Slack's Web API with the bot token.
	API *slack.Client
	// HTTPClient posts replies to response URLs. It never follows a
	// redirect, whatever its CheckRedirect says.
	HTTPClient *http.Client
	// ResponseURLs are the prefixes of the response URLs the bot posts
	// replies to (DefaultResponseURLs when empty): a response_url anywhere
	// else, though a signed payload names it, is not posted to. Tests and
	// a fake Slack widen it (ACTIONBOT_SLACK_RESPONSE_URLS).
	ResponseURLs []string
	Logger       *slog.Logger
	// Now returns the current instant; tests fix it.
	Now func() time.Time
	// HealthDetail, when set, gives /healthz lines after "ok" about what
	// works but is held up (e-mail waiting for an unreachable server): the
	// bot is up, so the status stays 200.
	HealthDetail func(ctx context.Context) []string
	// DeliveryTTL is how long delivery ids are remembered (DefaultDeliveryTTL).
	DeliveryTTL time.Duration
	// SyncChanges is how many typed changes may be made at once before
	// their ack, and answered in it; others (and all, when 0) are recorded,
	// acked, made after and answered through the response_url.
	SyncChanges int
	// SyncWait is how long a typed change waits for one of those places
	// when all are taken (DefaultSyncWait when 0; no wait when negative).
	// Past it, the change is acked empty and answered after: the ack must
	// reach Slack within three seconds.
	SyncWait time.Duration
	// ChangeWait is how long the ack waits for a typed change made before
	// it (DefaultChangeWait when 0): past it, the ack says the change is
	// not saved yet, and the change, once made, is confirmed through the
	// response_url.
	ChangeWait time.Duration
	// Command is the slash command the bot answers (DefaultCommand when
	// empty); a signed request for any other is refused, not run.
	Command string
	// CardCacheBytes bounds the encoded cards kept for look-ups
	// (cardcache.go; DefaultCardCacheBytes when 0, none when negative).
	CardCacheBytes int

	wg      sync.WaitGroup
	mu      sync.Mutex
	locks   map[string]*msgLock
	syncSem chan struct{}
	pruned  time.Time // when the inbox was last pruned (inbox.go)

	cards     cardCache // cardcache.go
	cardsOnce sync.Once
}

type msgLock struct {
	sync.Mutex
	users int
}

func (b *Bot) now() time.Time {
	if b.Now != nil {
		return b.Now()
	}
	return actionbot.WallClock()
}

func (b *Bot) log() *slog.Logger {
	if b.Logger != nil {
		return b.Logger
	}
	return slog.Default()
}

// defaultHTTPClient posts to response URLs when Bot.HTTPClient is nil.
var defaultHTTPClient = &http.Client{Timeout: 10 * time.Second, CheckRedirect: noRedirects}

// noRedirects stops a client at a redirect: the reply goes to the
// response_url Slack named, or nowhere.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

func (b *Bot) httpClient() *http.Client {
	if b.HTTPClient == nil {
		return defaultHTTPClient
	}
	c := *b.HTTPClient
	c.CheckRedirect = noRedirects
	return &c
}

// DefaultResponseURLs is where Slack's response URLs are: replies go there
// and nowhere else unless Bot.ResponseURLs says otherwise.
var DefaultResponseURLs = []string{"https://hooks.slack.com/"}

// ResponseURLAllowed reports whether a response_url starts with one of
// prefixes (DefaultResponseURLs when there are none): the same scheme and
// host (any case), a path starting with the prefix's path, and no user
// information.
func ResponseURLAllowed(responseURL string, prefixes []string) bool {
	if len(prefixes) == 0 {
		prefixes = DefaultResponseURLs
	}
	u, err := url.Parse(responseURL)
	if err != nil || u.User != nil || u.Host == "" || u.Opaque != "" {
		return false
	}
	for _, p := range prefixes {
		pu, err := url.Parse(p)
		if err != nil || pu.Host == "" {
			continue
		}
		if strings.EqualFold(u.Scheme, pu.Scheme) && strings.EqualFold(u.Host, pu.Host) && strings.HasPrefix(u.Path, pu.Path) {
			return true
		}
	}
	return false
}

// spawn runs work after an ack, in the background, with its own deadline:
// it is not cut short when the request or the server's context ends. Wait
// waits for it.
func (b *Bot) spawn(work func(ctx context.Context)) {
	if work == nil {
		return
	}
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), workTimeout)
		defer cancel()
		defer func() {
			if p := recover(); p != nil {
				b.log().Error("slack: work after ack panicked", "panic", fmt.Sprint(p))
			}
		}()
		work(ctx)
	}()
}

// Wait waits for the work started after acks to finish.
func (b *Bot) Wait() { b.wg.Wait() }

// first reports whether a delivery is seen for the first time. An empty id
// (a transport that does not redeliver) is always new. When the record
// cannot be written it returns an error and the delivery must not be acted
// on: acting twice is worse than asking the person to try again.
func (b *Bot) first(ctx context.Context, id string) (bool, error) {
	if id == "" {
		return true, nil
	}
	ttl := b.DeliveryTTL
	if ttl <= 0 {
		ttl = DefaultDeliveryTTL
	}
	ok, err := b.Store.FirstDelivery(ctx, id, ttl)
	if err != nil {
		b.log().Error("slack: record delivery", "delivery", id, "err", err)
		return false, err
	}
	if !ok {
		b.log().Info("slack: redelivery ignored", "delivery", id)
	}
	return ok, nil
}

// sorry is the answer when a request could not be handled at all.
var sorry = actionbot.Simple("❌ " + actionbot.ErrorMessage(errors.New("internal")))

// reply is what to answer Slack at once (the HTTP response body or the
// Socket Mode ack payload; nil for an empty answer), and the work to do
// after answering.
type reply struct {
	body []byte
	// responseURL is where a body too large for a Socket Mode ack may be
	// posted instead.
	responseURL string
	later       func(ctx context.Context)
	// enc, when set, is the pooled encoder holding body: release returns it
	// once body has been written.
	enc *encoder
}

// maxPooledBuffer bounds the buffers kept for reuse (a long list's answer
// is not kept).
const maxPooledBuffer = 64 << 10

// pooledResponse encodes an answer as encodeResponse does, into a buffer
// from the pool; the caller that writes it may release it.
func pooledResponse(msg actionbot.Message, responseURL string) reply {
	enc := getEncoder()
	enc.out = appendResponse(enc.out, &enc.scratch, msg, false)
	return reply{body: enc.out, responseURL: responseURL, enc: enc}
}

// release returns a pooled body's buffer to the pool, once the body has
// been written and nothing holds it; the reply's body is gone after.
func (r *reply) release() {
	if r.enc == nil {
		return
	}
	r.enc.release()
	r.enc, r.body = nil, nil
}

// encodeResponse renders a message as the JSON of a slash command or
// response_url reply: {"response_type", "replace_original", "text",
// "blocks"}, ephemeral unless the message is public.
func encodeResponse(msg actionbot.Message, replace bool) []byte {
	enc := getEncoder() // for its scratch buffer only
	out := appendResponse(make([]byte, 0, 4096), &enc.scratch, msg, replace)
	enc.release()
	return out
}

// appendResponse appends what encodeResponse returns to b, rendering each
// text in *scratch.
func appendResponse(b []byte, scratch *[]byte, msg actionbot.Message, replace bool) []byte {
	rt := "ephemeral"
	if msg.Public {
		rt = "in_channel"
	}
	b = append(b, `{"response_type":`...)
	b = appendJSONString(b, rt)
	b = append(b, `,"replace_original":`...)
	b = strconv.AppendBool(b, replace)
	b = append(b, `,"text":`...)
	b = appendFallbackJSON(b, scratch, msg)
	mark := len(b)
	b = append(b, `,"blocks":`...)
	if b, n := appendMessageBlocks(b, scratch, msg, MaxMessageBlocks); n > 0 {
		return append(b, '}')
	}
	return append(b[:mark], '}')
}

// respond posts a reply to a response_url: a new ephemeral message (or
// public, if the message is) or, with replace, a replacement of the message
// the interaction came from.
func (b *Bot) respond(ctx context.Context, responseURL string, msg actionbot.Message, replace bool) error {
	return b.postResponse(ctx, responseURL, encodeResponse(b.speak(msg), replace))
}

func (b *Bot) postResponse(ctx context.Context, responseURL string, body []byte) error {
	if responseURL == "" {
		return errors.New("post reply: no response_url")
	}
	if !ResponseURLAllowed(responseURL, b.ResponseURLs) {
		// Named by a signed payload, but not Slack's: never posted to, and
		// not logged whole (a response_url is a credential).
		return fmt.Errorf("post reply: the response_url is not Slack's (%s), so nothing was posted to it", urlHost(responseURL))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, responseURL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("post reply: %w", actionbot.RedactError(err))
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := b.httpClient().Do(req)
	if err != nil {
		return fmt.Errorf("post reply: %w", actionbot.RedactError(err))
	}
	defer resp.Body.Close()
	// The answer's body is read (so the connection is used again) but
	// never shown: it is whatever the far end chose to say.
	io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		// Slack answers 404 "expired_url" or "used_url" once a response_url
		// has had its five uses or thirty minutes; a redirect is not
		// followed.
		return fmt.Errorf("post reply: the response_url answered %s", resp.Status)
	}
	return nil
}

// urlHost is the scheme and host of a URL, for a message: its path (a
// response_url's token) is left out.
func urlHost(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return "not a URL"
	}
	return u.Scheme + "://" + u.Host
}

// lockMessage serialises in-place updates of one message, so that two
// clicks on one digest cannot overwrite each other's change.
func (b *Bot) lockMessage(key string) func() {
	b.mu.Lock()
	if b.locks == nil {
		b.locks = map[string]*msgLock{}
	}
	l := b.locks[key]
	if l == nil {
		l = &msgLock{}
		b.locks[key] = l
	}
	l.users++
	b.mu.Unlock()
	l.Lock()
	return func() {
		l.Unlock()
		b.mu.Lock()
		if l.users--; l.users == 0 {
			delete(b.locks, key)
		}
		b.mu.Unlock()
	}
}

// location is the partnership's time zone, for times shown in messages.
func (b *Bot) location() *time.Location {
	if b.Handler != nil && b.Handler.Location != nil {
		return b.Handler.Location
	}
	return time.UTC
}

// speak is msg in the app's own slash command (command_word.go).
func (b *Bot) speak(msg actionbot.Message) actionbot.Message { return speak(msg, b.command()) }
