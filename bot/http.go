package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"golang.org/x/net/netutil"

	"github.com/sevenoaks-csp/actionbot"
)

// signaturePrefix starts the delivery id of a signed HTTP request: its
// signature. Socket Mode envelopes are "envelope:" and their id.
const signaturePrefix = "sig:"

// MaxBodyBytes is the largest request body accepted on any route (1 MB);
// each route has a smaller cap (HTTPLimits).
const MaxBodyBytes = 1 << 20

// Body caps per route. Slack's requests are small: a slash command's form
// is its fields and at most a few KB of text (a note is at most 2,000
// characters, 24 KB even if every one were an emoji, percent-encoded); an
// interaction's payload carries the message or view it came from (tens of
// KB for the bot's largest, 50 blocks). A body beyond its route's cap is
// refused 413, before it is read when its Content-Length says so.
const (
	MaxCommandBodyBytes     = 64 << 10  // /slack/commands
	MaxInteractionBodyBytes = 256 << 10 // /slack/interactivity and /slack/events (which takes every kind)
)

// Defaults of HTTPLimits.
const (
	DefaultMaxRequests = 64
	DefaultMaxConns    = 512
)

// maxSSLCheckBytes is the largest unsigned body read: Slack's ssl_check,
// "ssl_check=1&token=…", is sent unsigned and is a few dozen bytes. Any
// other unsigned request is refused before its body is read.
const maxSSLCheckBytes = 256

// refusalLogEvery is how often each reason a request is refused for is
// logged: once when it first happens, then at most once per period, with
// the number refused since the last line.
const refusalLogEvery = time.Minute

// HTTPLimits bound what the HTTP door takes in from anyone who can reach
// it, before a request is known to be Slack's.
type HTTPLimits struct {
	// MaxRequests is how many Slack requests are read and handled at once
	// (ACTIONBOT_HTTP_MAX_REQUESTS; DefaultMaxRequests when 0): one more
	// is answered 503 at once, and Slack retries it. A request refused
	// from its headers alone (unsigned, stale, too large) never takes one.
	MaxRequests int
	// MaxConns is how many connections are open at once
	// (ACTIONBOT_HTTP_MAX_CONNS; DefaultMaxConns when 0): one more waits
	// in the kernel's queue until one closes. See Listener.
	MaxConns int
}

func (l HTTPLimits) maxRequests() int {
	if l.MaxRequests > 0 {
		return l.MaxRequests
	}
	return DefaultMaxRequests
}

func (l HTTPLimits) maxConns() int {
	if l.MaxConns > 0 {
		return l.MaxConns
	}
	return DefaultMaxConns
}

// Listener wraps ln so that no more than MaxConns connections are open at
// once: each idle or slow connection holds buffers and a goroutine.
func (l HTTPLimits) Listener(ln net.Listener) net.Listener {
	return netutil.LimitListener(ln, l.maxConns())
}

// Timeouts and sizes of the HTTP server. Slack sends its headers and body
// at once and waits three seconds for the answer: a request still arriving
// after ten is nobody's that matters.
const (
	httpReadHeaderTimeout = 5 * time.Second
	httpReadTimeout       = 10 * time.Second
	httpWriteTimeout      = 30 * time.Second
	httpIdleTimeout       = 90 * time.Second
	httpMaxHeaderBytes    = 16 << 10 // Slack's are under 2 KB; Go's default is 1 MB
)

// NewHTTPServer returns the server of HTTP mode: the bot's handler (see
// HTTPHandler) within l, with timeouts on reading and writing and a cap on
// header size. Serve it on l.Listener(ln).
func (b *Bot) NewHTTPServer(v *Verifier, l HTTPLimits, errorLog *log.Logger) *http.Server {
	return &http.Server{
		Handler:           b.httpHandler(v, l),
		ReadHeaderTimeout: httpReadHeaderTimeout,
		ReadTimeout:       httpReadTimeout,
		WriteTimeout:      httpWriteTimeout,
		IdleTimeout:       httpIdleTimeout,
		MaxHeaderBytes:    httpMaxHeaderBytes,
		ErrorLog:          errorLog,
	}
}

// HTTPHandler serves Slack in HTTP mode:
//
//	POST /slack/events          slash commands, interactivity and Events API callbacks
//	POST /slack/commands        the same (an alias, for apps configured per kind)
//	POST /slack/interactivity   the same
//	GET  /healthz               200 when the database can be read and written and was last found whole; 503 with the reason when not
//
// Every POST is verified against the signing secret before anything else is
// done with it (except Slack's unsigned ssl_check, answered 200); a
// missing, malformed, stale or wrong signature gets 401. What can be checked
// from the headers (both there, a timestamp within five minutes, a
// well-formed signature, a Content-Length within the route's cap) is
// checked before the body is read. A signed change is recorded under its
// signature, so that a replay of it within its five minutes is answered
// with its confirmation and not applied again.
//
// HTTPHandler has the default HTTPLimits; NewHTTPServer takes others.
func (b *Bot) HTTPHandler(v *Verifier) http.Handler {
	return b.httpHandler(v, HTTPLimits{})
}

func (b *Bot) httpHandler(v *Verifier, l HTTPLimits) http.Handler {
	d := &door{b: b, v: v, sem: make(chan struct{}, l.maxRequests()), refusals: refusalLog{last: map[string]*refusalCount{}}}
	mux := http.NewServeMux()
	for p, limit := range map[string]int64{
		"/slack/events":        MaxInteractionBodyBytes,
		"/slack/commands":      MaxCommandBodyBytes,
		"/slack/interactivity": MaxInteractionBodyBytes,
	} {
		mux.Handle(p, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { d.serveSlack(w, r, limit) }))
	}
	mux.HandleFunc("GET /healthz", b.serveHealth)
	return mux
}

// door is the HTTP door's state: the places for requests in hand and the
// refusal log.
type door struct {
	b        *Bot
	v        *Verifier
	sem      chan struct{}
	refusals refusalLog
}

// refusalLog logs refused requests by reason: the first of a reason at
// once, then at most one line per refusalLogEvery, saying how many were
// refused since the last line. A flood of unsigned requests writes a line
// a minute, not one a request.
type refusalLog struct {
	mu   sync.Mutex
	last map[string]*refusalCount // by reason: a fixed, small set
}

type refusalCount struct {
	logged     time.Time // when the last line was written
	suppressed int       // refused since, not logged
}

// refuse answers a refused request with status and msg, and logs it
// under reason (rate-limited).
func (d *door) refuse(w http.ResponseWriter, r *http.Request, status int, msg, reason string) {
	d.logRefusal(r, status, reason)
	// The connection closes after the answer: left open, net/http would
	// read up to 256 KB of an unread body before answering, to reuse it.
	w.Header().Set("Connection", "close")
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	http.Error(w, msg, status)
}

func (d *door) logRefusal(r *http.Request, status int, reason string) {
	now := d.b.now()
	d.refusals.mu.Lock()
	c := d.refusals.last[reason]
	if c == nil {
		c = &refusalCount{}
		d.refusals.last[reason] = c
	} else if now.Sub(c.logged) < refusalLogEvery && !c.logged.After(now) {
		c.suppressed++
		d.refusals.mu.Unlock()
		return
	}
	suppressed := c.suppressed
	c.logged, c.suppressed = now, 0
	d.refusals.mu.Unlock()
	d.b.log().Warn("slack: request refused", "reason", reason, "status", status, "path", r.URL.Path,
		"refused_since_last_line", suppressed, "log_every", refusalLogEvery.String())
}

func (b *Bot) serveHealth(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := b.Store.Ping(ctx); err != nil {
		b.log().Error("health check: database", "err", err)
		// The reason in a few words (damaged, cannot be read or written);
		// the detail, with the file's path, goes to the log only.
		reason := "unavailable"
		var he *actionbot.HealthError
		if errors.As(err, &he) {
			reason = he.What
		}
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, "database "+reason+"\n")
		return
	}
	io.WriteString(w, "ok\n")
	if b.HealthDetail != nil {
		for _, line := range b.HealthDetail(ctx) {
			io.WriteString(w, line+"\n")
		}
	}
}

// jsonContentType is the Content-Type of every answer with a body, set as
// a shared value rather than a new one each request: net/http copies the
// header when it writes it, and a later Add would reallocate (capacity 1).
var jsonContentType = []string{"application/json; charset=utf-8"}

// bodies holds request-body buffers for reuse: a slash command's body is a
// few hundred bytes, read on every request.
var bodies = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBody is the largest buffer put back: one as large as a route
// allows. No more than HTTPLimits.MaxRequests are in use at once, so a
// flood of large bodies reuses those few rather than leaving garbage for
// each; the pool lets go of what it holds after a GC or two.
const maxPooledBody = MaxInteractionBodyBytes + 16<<10 // with room for the allocator rounding up

func releaseBody(buf *bytes.Buffer) {
	if buf.Cap() <= maxPooledBody {
		buf.Reset()
		bodies.Put(buf)
	}
}

// isSSLCheck reports whether a form body is Slack's ssl_check and nothing
// more: no command, no payload.
func isSSLCheck(body []byte) bool {
	form, err := parseSlackForm(string(body))
	return err == nil && form.get(formSSLCheck) == "1" && !form.has(formCommand) && !form.has(formPayload)
}

func (d *door) serveSlack(w http.ResponseWriter, r *http.Request, limit int64) {
	b, v := d.b, d.v
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	// Nothing of the body is read until its headers say it may be Slack's.
	isJSON := strings.HasPrefix(r.Header.Get("Content-Type"), "application/json")
	if err := v.CheckHeaders(r.Header); err != nil {
		// Slack's certificate check is answered before the signature is:
		// it is sent unsigned, and asks for nothing to be done (Bolt does
		// the same). Only a body small enough to be one is read.
		if err == ErrNoSignature && !isJSON && r.ContentLength > 0 && r.ContentLength <= maxSSLCheckBytes {
			var small [maxSSLCheckBytes]byte
			if n, _ := io.ReadFull(r.Body, small[:r.ContentLength]); isSSLCheck(small[:n]) {
				w.WriteHeader(http.StatusOK)
				return
			}
		}
		d.refuse(w, r, http.StatusUnauthorized, "invalid signature", err.Error())
		return
	}
	if r.ContentLength > limit {
		d.refuse(w, r, http.StatusRequestEntityTooLarge, "request body too large", "body over the route's limit")
		return
	}
	// A request that looks signed takes a place while its body is read
	// and it is handled; when all are taken it is refused at once, and
	// Slack retries it.
	select {
	case d.sem <- struct{}{}:
		defer func() { <-d.sem }()
	default:
		d.refuse(w, r, http.StatusServiceUnavailable, "busy: try again", "too many requests in hand")
		return
	}
	buf := bodies.Get().(*bytes.Buffer)
	defer releaseBody(buf)
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength) + bytes.MinRead) // ReadFrom wants MinRead spare before it sees EOF
	}
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, limit))
	body := buf.Bytes() // nothing keeps it: the form and JSON are copied out of it
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			d.refuse(w, r, http.StatusRequestEntityTooLarge, "request body too large", "body over the route's limit")
			return
		}
		d.refuse(w, r, http.StatusBadRequest, "could not read the request", "body could not be read")
		return
	}
	// Nothing is made of the body (not even a copy) before its signature
	// is checked. An ssl_check is answered whatever its signature.
	if err := v.Verify(r.Header, body); err != nil {
		if !isJSON && len(body) <= maxSSLCheckBytes && isSSLCheck(body) {
			w.WriteHeader(http.StatusOK)
			return
		}
		d.refuse(w, r, http.StatusUnauthorized, "invalid signature", err.Error())
		return
	}
	// The form is parsed once, here; a malformed one is refused below.
	var form slackForm
	var formErr error
	if !isJSON {
		form, formErr = parseSlackForm(string(body))
		if formErr == nil && form.get(formSSLCheck) == "1" && !form.has(formCommand) && !form.has(formPayload) {
			w.WriteHeader(http.StatusOK)
			return
		}
	}
	var rep reply
	if isJSON {
		var env eventEnvelope
		if err := json.Unmarshal(body, &env); err != nil {
			http.Error(w, "malformed event", http.StatusBadRequest)
			return
		}
		switch env.Type {
		case "url_verification":
			w.Header().Set("Content-Type", "application/json")
			json.NewEncoder(w).Encode(map[string]string{"challenge": env.Challenge})
			return
		case "event_callback":
			rep = b.eventCallback(&env)
		}
	} else {
		if formErr != nil {
			http.Error(w, "malformed form", http.StatusBadRequest)
			return
		}
		// A signed request is identified by its signature (an HMAC of its
		// timestamp and body) for the five minutes it can be replayed; in
		// lower case, as the verifier accepts either case of hex digits.
		delivery := signaturePrefix + strings.ToLower(r.Header.Get("X-Slack-Signature"))
		switch {
		case form.has(formPayload):
			var ic slack.InteractionCallback
			if err := json.Unmarshal([]byte(form.get(formPayload)), &ic); err != nil {
				http.Error(w, "malformed payload", http.StatusBadRequest)
				return
			}
			rep = b.interaction(r.Context(), &ic, delivery)
		case form.has(formCommand):
			sc := slack.SlashCommand{
				TeamID: form.get(formTeamID), ChannelID: form.get(formChannelID), UserID: form.get(formUserID),
				Command: form.get(formCommand), Text: form.get(formText), ResponseURL: form.get(formResponseURL),
				TriggerID: form.get(formTriggerID), APIAppID: form.get(formAPIAppID),
			}
			rep = b.slashCommand(r.Context(), &sc, delivery)
		default:
			http.Error(w, "not a Slack request this app handles", http.StatusBadRequest)
			return
		}
	}
	if rep.body != nil {
		w.Header()["Content-Type"] = jsonContentType
		w.Write(rep.body)
		rep.release() // written: the buffer may hold the next answer
	} else {
		w.WriteHeader(http.StatusOK)
	}
	b.spawn(rep.later)
}
