package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/sevenoaks-csp/actionbot"
)

// signaturePrefix starts the delivery id of a signed HTTP request: its
// signature. Socket Mode envelopes are "envelope:" and their id.
const signaturePrefix = "sig:"

// MaxBodyBytes is the largest request body accepted (1 MB); a larger one is
// refused with 413 before its signature is checked.
const MaxBodyBytes = 1 << 20

// HTTPHandler serves Slack in HTTP mode:
//
//	POST /slack/events          slash commands, interactivity and Events API callbacks
//	POST /slack/commands        the same (an alias, for apps configured per kind)
//	POST /slack/interactivity   the same
//	GET  /healthz               200 when the database can be read and written and was last found whole; 503 with the reason when not
//
// Every POST is verified against the signing secret before anything else is
// done with it (except Slack's unsigned ssl_check, answered 200); a
// missing, malformed, stale or wrong signature gets 401. A signed change is
// recorded under its signature, so that a replay of it within its five
// minutes is answered with its confirmation and not applied again.
func (b *Bot) HTTPHandler(v *Verifier) http.Handler {
	mux := http.NewServeMux()
	slackHandler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { b.serveSlack(w, r, v) })
	for _, p := range []string{"/slack/events", "/slack/commands", "/slack/interactivity"} {
		mux.Handle(p, slackHandler)
	}
	mux.HandleFunc("GET /healthz", b.serveHealth)
	return mux
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
}

// jsonContentType is the Content-Type of every answer with a body, set as
// a shared value rather than a new one each request: net/http copies the
// header when it writes it, and a later Add would reallocate (capacity 1).
var jsonContentType = []string{"application/json; charset=utf-8"}

// bodies holds request-body buffers for reuse: a slash command's body is a
// few hundred bytes, read on every request.
var bodies = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBody is the largest buffer put back: a rare large body (an
// interaction payload) is not kept for ever.
const maxPooledBody = 64 << 10

func releaseBody(buf *bytes.Buffer) {
	if buf.Cap() <= maxPooledBody {
		buf.Reset()
		bodies.Put(buf)
	}
}

func (b *Bot) serveSlack(w http.ResponseWriter, r *http.Request, v *Verifier) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	buf := bodies.Get().(*bytes.Buffer)
	defer releaseBody(buf)
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	body := buf.Bytes() // nothing keeps it: the form and JSON are copied out of it
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			b.log().Warn("slack: request body too large", "limit", MaxBodyBytes)
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "could not read the request", http.StatusBadRequest)
		return
	}
	// Slack's certificate check is answered before the signature is: it is
	// sent unsigned, and asks for nothing to be done (Bolt does the same).
	// The form is parsed once, here; a malformed one is refused after the
	// signature check, as before.
	isJSON := strings.HasPrefix(r.Header.Get("Content-Type"), "application/json")
	var form slackForm
	var formErr error
	if !isJSON {
		form, formErr = parseSlackForm(string(body))
		if formErr == nil && form.get(formSSLCheck) == "1" && !form.has(formCommand) && !form.has(formPayload) {
			w.WriteHeader(http.StatusOK)
			return
		}
	}
	if err := v.Verify(r.Header, body); err != nil {
		b.log().Warn("slack: request refused", "reason", err.Error(), "path", r.URL.Path)
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return
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
