// Package web is the adapter of the bot's own pages, for the partners who
// are not on Slack: the links in their e-mails open an action's card, with
// forms to mark it done, record progress, add a note or snooze its
// reminders.
//
// A link (GET /a/<token>, or HEAD) only ever shows: mail scanners and link
// previews follow links, and must change nothing. Only the page's form,
// posted back (POST /a/<token>) with the anti-forgery field the page
// carries, changes anything, and then through the same command handler as
// Slack: the same permissions, personal-data guard, audit and channel
// announcements, as the person the link was sent to. Each form carries a
// one-time submission id, recorded in the inbox as Slack's requests are,
// so the same form sent twice changes nothing twice.
//
// The package is an adapter beside bot and console: it depends on the
// domain, commands and linktoken, never on bot or store (Store is the
// little it needs).
package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/linktoken"
)

// Store is what the pages need of the plan of record beyond the command
// handler: the plans (to name the one an old link belongs to), the action
// (its progress, to start the form from), and the inbox (to record a
// submission before it is made, and find it again).
type Store interface {
	CurrentPlan(ctx context.Context) (*actionbot.Plan, error)
	Plans(ctx context.Context) ([]*actionbot.Plan, error)
	FindAction(ctx context.Context, planID int64, ref string) (*actionbot.Action, error)
	Receive(ctx context.Context, it *actionbot.InboxItem) (int64, bool, error)
	InboxByDelivery(ctx context.Context, delivery string) (*actionbot.InboxItem, error)
	FinishInbox(ctx context.Context, id int64, reply actionbot.Message, committed, confirmed bool) (bool, error)
	// MemberAgencies and IsCoordinator say whether a link's person still
	// has standing in the partnership.
	MemberAgencies(ctx context.Context, userID string) ([]string, error)
	IsCoordinator(ctx context.Context, userID string) (bool, error)
}

// MaxBodyBytes is the largest form accepted: a note of 2,000 characters,
// each percent-encoded emoji (12 bytes), and the hidden fields fit.
const MaxBodyBytes = 32 << 10

// DefaultMaxRequests is how many requests are handled at once unless
// Pages.MaxRequests says otherwise; one more is answered 503 at once.
const DefaultMaxRequests = 16

// SnoozeDays is how long "Snooze" holds an action's reminders, as Slack's
// button does.
const SnoozeDays = 7

// deliveryPrefix starts the inbox delivery id of a form sent from a page.
const deliveryPrefix = "web:"

// Pages serves the link pages.
type Pages struct {
	Handler *commands.Handler
	Store   Store
	// Key is the link secret (ACTIONBOT_LINK_SECRET): it checks the links'
	// tokens and signs the forms' fields.
	Key []byte
	// Now is the clock; tests fix it.
	Now    func() time.Time
	Logger *slog.Logger
	// MaxRequests is how many requests are handled at once
	// (DefaultMaxRequests when 0).
	MaxRequests int

	once     sync.Once
	sem      chan struct{}
	refusals refusalLog
}

func (p *Pages) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return actionbot.WallClock()
}

func (p *Pages) log() *slog.Logger {
	if p.Logger != nil {
		return p.Logger
	}
	return slog.Default()
}

// Routes returns the pages' routes, for a mux under "/a/":
//
//	GET, HEAD /a/<token>              the action's card and its forms; never changes anything
//	GET       /a/<token>?done=<id>    the same, saying what the form <id> did
//	POST      /a/<token>              a form: with a valid anti-forgery field, the change
//
// Every answer carries the security headers (a Content-Security-Policy
// that runs no script, no framing, no referrer, no caching); any other
// method is answered 405.
func (p *Pages) Routes() http.Handler {
	p.once.Do(func() {
		n := p.MaxRequests
		if n <= 0 {
			n = DefaultMaxRequests
		}
		p.sem = make(chan struct{}, n)
		p.refusals.last = map[string]*refusalCount{}
	})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /a/{token}", p.serveShow) // HEAD too
	mux.HandleFunc("POST /a/{token}", p.serveChange)
	mux.HandleFunc("/a/", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodPost {
			w.Header().Set("Allow", "GET, HEAD, POST")
			p.page(w, r, http.StatusMethodNotAllowed, &view{Title: "Not allowed", Help: []string{"This page is opened from a link in an e-mail, and changed only through its own forms."}})
			return
		}
		p.page(w, r, http.StatusNotFound, &view{Title: "No such page", Help: []string{notFoundHelp}})
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", cspHeader)
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer") // the token is in the URL
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		select {
		case p.sem <- struct{}{}:
			defer func() { <-p.sem }()
		default:
			h.Set("Retry-After", "1")
			p.refuse(r, "busy")
			p.page(w, r, http.StatusServiceUnavailable, &view{Title: "Busy", Help: []string{"The bot is busy just now. Please try again in a moment."}})
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// What the pages say to do when a link does not work.
const (
	askForLink   = "Reply to the reminder e-mail, or ask the partnership's coordinator for a new link."
	notFoundHelp = "This address is not a page of the bot. Open the link from your reminder e-mail again; " + askForLink
)

// link checks the request's token. When it is not usable, it answers with a
// page saying why and what to do (410 for an expired link, 403 for one
// whose signature does not match, 400 for one that is not a link at all),
// logs the reason (never the token), and returns false. A link whose
// person is no longer a member of any agency, nor a coordinator, is
// refused (403) too.
func (p *Pages) link(w http.ResponseWriter, r *http.Request) (linktoken.Link, string, bool) {
	token := r.PathValue("token")
	l, err := linktoken.Verify(p.Key, token, p.now())
	switch {
	case err == nil:
		standing, serr := p.standing(r.Context(), l.Person)
		switch {
		case serr != nil:
			p.internal(w, r, fmt.Errorf("check a link's person: %w", serr))
			return l, token, false
		case !standing:
			p.refuse(r, "not a member", "plan", l.Plan, "action", l.Action, "person", maskPerson(l.Person))
			p.page(w, r, http.StatusForbidden, &view{Title: "This link no longer works", BannerClass: "refused",
				Banner: "This link was sent to someone who is no longer registered with an agency of the partnership, so it shows nothing and nothing was changed.",
				Help:   []string{"If you still work on the action plan, ask the partnership's coordinator to add you to your agency again; the link will then work."}})
			return l, token, false
		}
		return l, token, true
	case errors.Is(err, linktoken.ErrExpired):
		p.refuse(r, "expired", "plan", l.Plan, "action", l.Action, "person", maskPerson(l.Person))
		p.page(w, r, http.StatusGone, &view{Title: "This link has expired", BannerClass: "info",
			Banner: "This link has expired: links work for " + strconv.Itoa(int(linktoken.Lifetime/(24*time.Hour))) + " days, and nothing was changed.",
			Help:   []string{"Your next reminder e-mail will carry a fresh link to " + l.Action + ". " + askForLink}})
	case errors.Is(err, linktoken.ErrSignature):
		p.refuse(r, "signature")
		p.page(w, r, http.StatusForbidden, &view{Title: "This link does not work", BannerClass: "refused",
			Banner: "This link is not one the bot made, or it was changed on the way, so nothing was changed.",
			Help:   []string{"Open it again from your reminder e-mail, without editing it. " + askForLink}})
	case errors.Is(err, linktoken.ErrMalformed):
		p.refuse(r, "malformed")
		p.page(w, r, http.StatusBadRequest, &view{Title: "This link is incomplete", BannerClass: "refused",
			Banner: "This link is not complete (it may have been cut short when it was copied), so nothing was changed.",
			Help:   []string{"Open it again from your reminder e-mail: click it rather than copying it. " + askForLink}})
	default:
		p.log().Error("web: check a link", "err", err)
		p.page(w, r, http.StatusInternalServerError, &view{Title: "Something went wrong", Help: []string{"Nothing was changed. " + askForLink}})
	}
	return l, token, false
}

// standing reports whether person may still use a link: a member of an
// agency or a coordinator. A link is the only credential of a person known
// by e-mail address, so once they are removed from their agency it opens
// nothing, neither the card (with its notes) nor the forms, for the rest
// of its 14 days.
func (p *Pages) standing(ctx context.Context, person string) (bool, error) {
	agencies, err := p.Store.MemberAgencies(ctx, person)
	if err != nil {
		return false, fmt.Errorf("agencies of a link's person: %w", err)
	}
	if len(agencies) > 0 {
		return true, nil
	}
	coord, err := p.Store.IsCoordinator(ctx, person)
	if err != nil {
		return false, fmt.Errorf("is a link's person a coordinator: %w", err)
	}
	return coord, nil
}

// reveal says which addresses viewer's page shows in full: their own, and
// every one to a coordinator; other members' are masked, as in lists.
func (p *Pages) reveal(ctx context.Context, viewer string) func(string) bool {
	coord, err := p.Store.IsCoordinator(ctx, viewer)
	if err != nil {
		p.log().Error("web: is the viewer a coordinator", "err", err)
	}
	return func(address string) bool { return coord || strings.EqualFold(address, viewer) }
}

// serveShow shows the action's card and its forms: GET and HEAD, which
// change nothing. With ?done=<submission> it says first what that form did.
func (p *Pages) serveShow(w http.ResponseWriter, r *http.Request) {
	l, token, ok := p.link(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	if !p.currentPlan(w, r, l) {
		return
	}
	v, status := p.card(ctx, l, token)
	if sid := r.URL.Query().Get("done"); sid != "" && v.Forms != nil {
		p.outcome(ctx, l, token, sid, v)
	}
	p.page(w, r, status, v)
}

// outcome puts what the form sid did at the top of v, from its record.
func (p *Pages) outcome(ctx context.Context, l linktoken.Link, token, sid string, v *view) {
	key, bad := checkSubmission(p.Key, token, sid, p.now())
	if bad != "" {
		// Not this link's, or so old that its record may be forgotten:
		// the card shows where the action stands.
		return
	}
	it, err := p.Store.InboxByDelivery(ctx, deliveryPrefix+key)
	switch {
	case actionbot.ErrorCode(err) == actionbot.ENOTFOUND:
		return
	case err != nil:
		p.log().Error("web: find a form's outcome", "err", err)
		return
	case it.UserID != l.Person:
		return
	case it.Reply != nil:
		v.Banner, v.BannerClass = it.Reply.Text, "refused"
		if it.Changed {
			v.BannerClass = "ok"
		}
	case it.Changed:
		v.Banner, v.BannerClass = "Your change was made.", "ok"
	default:
		v.Banner, v.BannerClass = "Your change is being made: reload this page in a moment to see it.", "info"
	}
}

// currentPlan answers a link to an action of a plan that is no longer the
// current one with a read-only page naming its plan, and returns false.
func (p *Pages) currentPlan(w http.ResponseWriter, r *http.Request, l linktoken.Link) bool {
	ctx := r.Context()
	cur, err := p.Store.CurrentPlan(ctx)
	if err != nil {
		p.internal(w, r, fmt.Errorf("read the current plan: %w", err))
		return false
	}
	if cur.ID == l.Plan {
		return true
	}
	name := "an earlier plan"
	if plans, err := p.Store.Plans(ctx); err == nil {
		for _, pl := range plans {
			if pl.ID == l.Plan {
				name = pl.Name
			}
		}
	}
	status := http.StatusOK
	if r.Method == http.MethodPost {
		status = http.StatusConflict
	}
	p.page(w, r, status, &view{Title: "This link is for " + name, BannerClass: "info",
		Banner: "This link is for action " + l.Action + " of " + name + ", which is no longer the current plan (" + cur.Name + "), so nothing can be changed through it.",
		Help:   []string{"If the work goes on, ask the partnership's coordinator whether it was carried into " + cur.Name + "; your next reminder will link to it there."}})
	return false
}

// card is the page of the action: its card as Slack shows it (through the
// same handler, as the link's person), and the forms.
func (p *Pages) card(ctx context.Context, l linktoken.Link, token string) (*view, int) {
	msg, err := p.Handler.Do(ctx, commands.Request{UserID: l.Person}, &commands.Command{Verb: actionbot.VerbShow, Ref: l.Action, Plan: l.Plan})
	if err != nil {
		status := http.StatusInternalServerError
		switch actionbot.ErrorCode(err) {
		case actionbot.ENOTFOUND:
			status = http.StatusNotFound
		case actionbot.ECONFLICT:
			status = http.StatusConflict
		}
		return &view{Title: "Action " + l.Action, Banner: msg.Text, BannerClass: "refused", Help: []string{askForLink}}, status
	}
	now := p.now()
	progress := ""
	if a, err := p.Store.FindAction(ctx, l.Plan, l.Action); err == nil {
		progress = strconv.Itoa(a.Progress) // the form starts from where it stands
	}
	return &view{
		Title: "Action " + l.Action,
		Card:  cardOf(msg, p.reveal(ctx, l.Person)),
		Forms: &forms{
			Token: token, CSRF: linktoken.FormToken(p.Key, token), Ref: l.Action,
			Done: newSubmission(p.Key, token, now), Progress: newSubmission(p.Key, token, now),
			Note: newSubmission(p.Key, token, now), Snooze: newSubmission(p.Key, token, now),
			ProgressValue: progress,
			NoteLimit:     actionbot.MaxNoteLength,
			DoneLabel:     "Mark " + l.Action + " done",
			SnoozeLabel:   "Snooze reminders for " + strconv.Itoa(SnoozeDays) + " days",
			Whoever:       "A change here is recorded in the plan's history as yours, and announced to the task group as a change in Slack is.",
		},
	}, http.StatusOK
}

// serveChange makes the change a form asks for, once: POST only, with the
// token's page's anti-forgery field and a submission id the page made; then
// redirects (303) to the page saying what it did.
func (p *Pages) serveChange(w http.ResponseWriter, r *http.Request) {
	l, token, ok := p.link(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		p.refuse(r, "cross-site")
		p.page(w, r, http.StatusForbidden, &view{Title: "Not sent from this page", BannerClass: "refused",
			Banner: "That form was sent from another site, so nothing was changed.", Help: []string{"Open the link from your reminder e-mail and use the form on its page."}})
		return
	}
	if r.ContentLength > MaxBodyBytes {
		p.refuse(r, "too large")
		w.Header().Set("Connection", "close")
		p.page(w, r, http.StatusRequestEntityTooLarge, &view{Title: "Too long", BannerClass: "refused",
			Banner: "That was too long to take, so nothing was changed.", Help: []string{"Notes are at most 2,000 characters."}})
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		p.refuse(r, "content type")
		p.page(w, r, http.StatusUnsupportedMediaType, &view{Title: "Not a form", Help: []string{"Nothing was changed. Use the form on the link's page."}})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			p.refuse(r, "too large")
			w.Header().Set("Connection", "close")
			p.page(w, r, http.StatusRequestEntityTooLarge, &view{Title: "Too long", BannerClass: "refused",
				Banner: "That was too long to take, so nothing was changed.", Help: []string{"Notes are at most 2,000 characters."}})
			return
		}
		p.refuse(r, "unreadable form")
		p.page(w, r, http.StatusBadRequest, &view{Title: "Not a form", Help: []string{"Nothing was changed. Use the form on the link's page."}})
		return
	}
	if !linktoken.CheckFormToken(p.Key, token, r.PostForm.Get("csrf")) {
		p.refuse(r, "form token")
		p.page(w, r, http.StatusForbidden, &view{Title: "Not sent from this page", BannerClass: "refused",
			Banner: "That form did not come from this link's page, so nothing was changed.",
			Help:   []string{"Open the link from your reminder e-mail and use the form on its page."}})
		return
	}
	if !p.currentPlan(w, r, l) {
		return
	}
	key, bad := checkSubmission(p.Key, token, r.PostForm.Get("submission"), p.now())
	if bad != "" {
		p.refuse(r, "submission "+string(bad))
		v, status := p.card(ctx, l, token)
		v.Banner, v.BannerClass = "That page was opened more than 12 hours ago, so nothing was changed. Here it is again, as the action stands now.", "info"
		if bad == submissionBad {
			v.Banner = "That form could not be read, so nothing was changed. Here is the page again."
		}
		if status == http.StatusOK {
			status = http.StatusBadRequest
		}
		p.page(w, r, status, v)
		return
	}
	cmd, problem := p.command(l, r)
	if problem == "" && cmd.Verb == actionbot.VerbNote {
		if err := p.Handler.CheckText(cmd.Text); err != nil {
			// Refused before it is recorded: personal data is never stored.
			problem = actionbot.ErrorMessage(err)
		}
	}
	if problem != "" {
		v, status := p.card(ctx, l, token)
		v.Banner, v.BannerClass = problem+" Nothing was changed.", "refused"
		if v.Forms != nil {
			v.Forms.NoteText = r.PostForm.Get("note")
			if cmd != nil && cmd.Verb == actionbot.VerbProgress || cmd == nil && r.PostForm.Get("do") == "progress" {
				v.Forms.ProgressValue, v.Forms.ProgressError = r.PostForm.Get("progress"), problem
			}
		}
		if status == http.StatusOK {
			status = http.StatusUnprocessableEntity
		}
		p.page(w, r, status, v)
		return
	}
	if err := p.make(ctx, l, key, cmd); err != nil {
		p.log().Error("web: record a change", "verb", cmd.Verb, "ref", cmd.Ref, "person", maskPerson(l.Person), "err", err)
		w.Header().Set("Retry-After", "5")
		v, _ := p.card(ctx, l, token)
		v.Banner, v.BannerClass = "The change could not be recorded, so nothing was changed. Please try again in a moment.", "refused"
		p.page(w, r, http.StatusServiceUnavailable, v)
		return
	}
	// Back to the page, relative to it: under a public address with a path
	// (a proxy serving the pages under /actionbot/), http.Redirect's
	// absolute /a/… would leave that path.
	w.Header().Set("Location", token+"?done="+url.QueryEscape(r.PostForm.Get("submission")))
	w.WriteHeader(http.StatusSeeOther)
}

// command reads the form into the command it asks for, or says what is
// wrong with it.
func (p *Pages) command(l linktoken.Link, r *http.Request) (*commands.Command, string) {
	cmd := &commands.Command{Ref: l.Action, Plan: l.Plan}
	f := r.PostForm
	switch f.Get("do") {
	case "done":
		cmd.Verb = actionbot.VerbDone
	case "progress":
		cmd.Verb = actionbot.VerbProgress
		s := strings.TrimSuffix(strings.TrimSpace(f.Get("progress")), "%")
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 100 {
			return nil, "Progress is a whole number from 0 to 100."
		}
		cmd.Progress = n
	case "note":
		cmd.Verb = actionbot.VerbNote
		cmd.Text = strings.TrimSpace(actionbot.CleanText(f.Get("note")))
		if cmd.Text == "" {
			return nil, "The note is empty."
		}
	case "snooze":
		cmd.Verb, cmd.Days = actionbot.VerbSnooze, SnoozeDays
	default:
		return nil, "That form asks for nothing the page can do."
	}
	return cmd, ""
}

// typed is a command as it would be typed in Slack: the inbox keeps it, so
// that a change recorded and not made (the bot stopped in between) is made
// when the bot starts again, as a typed one is.
func typed(cmd *commands.Command) string {
	s := cmd.Ref + " " + string(cmd.Verb)
	switch cmd.Verb {
	case actionbot.VerbProgress:
		s += " " + strconv.Itoa(cmd.Progress)
	case actionbot.VerbSnooze:
		s += " " + strconv.Itoa(cmd.Days)
	case actionbot.VerbNote:
		s += " " + cmd.Text
	}
	return s
}

// make records the submission in the inbox under its one-time id and, the
// first time only, makes the change through the command handler as the
// link's person, in one transaction with its audit entry, its channel
// announcement and the completion of the inbox item; its outcome is
// recorded as the item's reply, which the page then shows. A submission
// seen before is not made again. It fails only when the submission cannot
// be recorded: then nothing was changed.
func (p *Pages) make(ctx context.Context, l linktoken.Link, key string, cmd *commands.Command) error {
	it := &actionbot.InboxItem{Delivery: deliveryPrefix + key, Kind: actionbot.InboxCommand, UserID: l.Person, Text: typed(cmd)}
	id, fresh, err := p.Store.Receive(ctx, it)
	if err != nil {
		return fmt.Errorf("record a form before making it: %w", err)
	}
	if !fresh {
		p.log().Info("web: a form sent again answered from its record, not applied again", "verb", cmd.Verb, "ref", cmd.Ref)
		return nil
	}
	msg, err := p.Handler.Do(ctx, commands.Request{UserID: l.Person, Inbox: id}, cmd)
	committed := err == nil
	if _, ferr := p.Store.FinishInbox(ctx, id, msg, committed, true); ferr != nil {
		p.log().Error("web: record the outcome of a change", "inbox", id, "err", ferr)
	}
	p.log().Info("web: form", "verb", cmd.Verb, "ref", cmd.Ref, "person", maskPerson(l.Person), "changed", committed, "code", actionbot.ErrorCode(err))
	return nil
}

// page writes a page with status.
func (p *Pages) page(w http.ResponseWriter, r *http.Request, status int, v *view) {
	var buf bytes.Buffer
	if err := render(&buf, v); err != nil {
		p.log().Error("web: render a page", "err", err)
		http.Error(w, "Something went wrong; nothing was changed.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
}

func (p *Pages) internal(w http.ResponseWriter, r *http.Request, err error) {
	p.log().Error("web: "+err.Error(), "path", "/a/…")
	p.page(w, r, http.StatusInternalServerError, &view{Title: "Something went wrong", Help: []string{"Nothing was changed. Please try again in a moment; " + askForLink}})
}

// maskPerson is a person for the log: a member id as it is (U0456EFGH); an
// e-mail address as its first character and its domain, which is enough to
// tell the agency without naming the person.
func maskPerson(person string) string {
	local, domain, ok := strings.Cut(person, "@")
	if !ok {
		return actionbot.Clip(person, 40)
	}
	r := []rune(local)
	if len(r) == 0 {
		return "…@" + domain
	}
	return string(r[0]) + "…@" + domain
}

// refusalLogEvery is how often each reason a request is refused for is
// logged: the first at once, then a line per period with the number since.
const refusalLogEvery = time.Minute

type refusalLog struct {
	mu   sync.Mutex
	last map[string]*refusalCount // by reason: a fixed, small set
}

type refusalCount struct {
	logged     time.Time
	suppressed int
}

// refuse logs a refused request under reason, rate-limited, with attrs (never
// the token or the URL that holds it).
func (p *Pages) refuse(r *http.Request, reason string, attrs ...any) {
	now := p.now()
	p.refusals.mu.Lock()
	c := p.refusals.last[reason]
	if c == nil {
		c = &refusalCount{}
		p.refusals.last[reason] = c
	} else if now.Sub(c.logged) < refusalLogEvery && !c.logged.After(now) {
		c.suppressed++
		p.refusals.mu.Unlock()
		return
	}
	suppressed := c.suppressed
	c.logged, c.suppressed = now, 0
	p.refusals.mu.Unlock()
	args := append([]any{"reason", reason, "method", r.Method}, attrs...)
	if suppressed > 0 {
		args = append(args, "refused_since_last", suppressed)
	}
	p.log().Warn("web: link page refused", args...)
}
