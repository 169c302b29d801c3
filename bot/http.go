package bot

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
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

func (b *Bot) serveSlack(w http.ResponseWriter, r *http.Request, v *Verifier) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
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
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		if form, err := url.ParseQuery(string(body)); err == nil && form.Get("ssl_check") == "1" && !form.Has("command") && !form.Has("payload") {
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
	if ct := r.Header.Get("Content-Type"); strings.HasPrefix(ct, "application/json") {
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
		form, err := url.ParseQuery(string(body))
		if err != nil {
			http.Error(w, "malformed form", http.StatusBadRequest)
			return
		}
		// A signed request is identified by its signature (an HMAC of its
		// timestamp and body) for the five minutes it can be replayed; in
		// lower case, as the verifier accepts either case of hex digits.
		delivery := signaturePrefix + strings.ToLower(r.Header.Get("X-Slack-Signature"))
		switch {
		case form.Has("payload"):
			var ic slack.InteractionCallback
			if err := json.Unmarshal([]byte(form.Get("payload")), &ic); err != nil {
				http.Error(w, "malformed payload", http.StatusBadRequest)
				return
			}
			rep = b.interaction(r.Context(), &ic, delivery)
		case form.Has("command"):
			sc := slack.SlashCommand{
				TeamID: form.Get("team_id"), ChannelID: form.Get("channel_id"), UserID: form.Get("user_id"),
				Command: form.Get("command"), Text: form.Get("text"), ResponseURL: form.Get("response_url"),
				TriggerID: form.Get("trigger_id"), APIAppID: form.Get("api_app_id"),
			}
			rep = b.slashCommand(r.Context(), &sc, delivery)
		default:
			http.Error(w, "not a Slack request this app handles", http.StatusBadRequest)
			return
		}
	}
	if rep.body != nil {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(rep.body)
	} else {
		w.WriteHeader(http.StatusOK)
	}
	b.spawn(rep.later)
}
