// Package fakeslack is a fake Slack on loopback for tests: a Web API that
// answers as Slack does (chat.postMessage, chat.update, conversations.open,
// conversations.history with message metadata, views.open, views.publish,
// auth.test, apps.connections.open, and files.uploadV2's three steps:
// files.getUploadURLExternal, the upload URL, files.completeUploadExternal),
// response URLs, and a Socket Mode
// WebSocket that sends envelopes and records acks. It records every request
// that reaches it, so tests assert on what really went to Slack. Any method
// can be given another answer (an error, a 429 with Retry-After, a 500).
package fakeslack

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// WaitTimeout bounds how long the Wait helpers wait for a request.
var WaitTimeout = 10 * time.Second

// Request is one request that reached the fake.
type Request struct {
	// Method is the Web API method ("chat.postMessage"), or "response:<id>"
	// for a post to a response URL.
	Method string
	Header http.Header
	// Form holds a form-encoded body; JSON a JSON body.
	Form url.Values
	JSON map[string]any
	Body []byte
	// Token is the token the request carried (Authorization header or the
	// token form field).
	Token string
}

// Param returns a parameter from the form or the JSON body, as text.
func (r Request) Param(name string) string {
	if r.Form != nil && r.Form.Has(name) {
		return r.Form.Get(name)
	}
	if v, ok := r.JSON[name]; ok {
		if s, ok := v.(string); ok {
			return s
		}
		b, _ := json.Marshal(v)
		return string(b)
	}
	return ""
}

// Reply is a scripted answer. Body is encoded as JSON unless it is a string
// or []byte.
type Reply struct {
	Status int
	Header http.Header
	Body   any
}

// Message is a message posted through chat.postMessage, as
// conversations.history returns it.
type Message struct {
	Channel  string          `json:"-"`
	Type     string          `json:"type"`
	TS       string          `json:"ts"`
	Text     string          `json:"text"`
	BotID    string          `json:"bot_id"`
	Blocks   json.RawMessage `json:"blocks,omitempty"`
	Metadata *Metadata       `json:"metadata,omitempty"`
}

// Metadata is a message's metadata.
type Metadata struct {
	EventType    string         `json:"event_type"`
	EventPayload map[string]any `json:"event_payload"`
}

// Server is the fake Slack.
type Server struct {
	*httptest.Server
	tb testing.TB

	mu      sync.Mutex
	reqs    []Request
	changed chan struct{}
	scripts map[string][]func(Request) *Reply
	always  map[string]func(Request) *Reply
	history map[string][]Message // channel → messages, oldest first
	ts      int64
	// Clock, when set, dates message timestamps as Slack does, from the
	// time they are posted; otherwise they count up from October 2012.
	Clock    func() time.Time
	sockets  chan *Socket
	upgrader websocket.Upgrader
	files    map[string]*File  // file id → file (files.go)
	uploads  map[string]string // upload URL's key → file id
}

// New starts a fake Slack, closed when the test ends.
func New(tb testing.TB) *Server {
	tb.Helper()
	s := &Server{tb: tb, changed: make(chan struct{}), scripts: map[string][]func(Request) *Reply{},
		always:  map[string]func(Request) *Reply{},
		history: map[string][]Message{}, ts: 1349175600_000100, sockets: make(chan *Socket, 8),
		upgrader: websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(s.Close)
	return s
}

// APIURL is the Web API base URL, for slack.OptionAPIURL and SLACK_API_URL.
func (s *Server) APIURL() string { return s.URL + "/api/" }

// ResponseURL returns a response URL named id.
func (s *Server) ResponseURL(id string) string { return s.URL + "/response/" + id }

// Script makes the next answer to method come from fn (in order, once
// each); fn may return nil to let the default answer it.
func (s *Server) Script(method string, fn func(Request) *Reply) {
	s.mu.Lock()
	s.scripts[method] = append(s.scripts[method], fn)
	s.mu.Unlock()
}

// Always makes every answer to method come from fn.
func (s *Server) Always(method string, fn func(Request) *Reply) {
	s.mu.Lock()
	s.always[method] = fn
	s.mu.Unlock()
}

// Error is a Slack error answer: {"ok": false, "error": code}.
func Error(code string) *Reply {
	return &Reply{Status: http.StatusOK, Body: map[string]any{"ok": false, "error": code}}
}

// RateLimited is a 429 asking to wait.
func RateLimited(retryAfter time.Duration) *Reply {
	h := http.Header{}
	h.Set("Retry-After", strconv.Itoa(int(retryAfter/time.Second)))
	return &Reply{Status: http.StatusTooManyRequests, Header: h, Body: map[string]any{"ok": false, "error": "ratelimited"}}
}

// ServerError is an HTTP 500.
func ServerError() *Reply {
	return &Reply{Status: http.StatusInternalServerError, Body: "<html>oops</html>"}
}

// Requests returns the requests for method so far ("" for all), in order.
func (s *Server) Requests(method string) []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Request
	for _, r := range s.reqs {
		if method == "" || r.Method == method {
			out = append(out, r)
		}
	}
	return out
}

// Wait waits until n requests for method have arrived and returns them; it
// fails the test after WaitTimeout.
func (s *Server) Wait(tb testing.TB, method string, n int) []Request {
	tb.Helper()
	deadline := time.After(WaitTimeout)
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if rs := s.Requests(method); len(rs) >= n {
			return rs
		}
		select {
		case <-ch:
		case <-deadline:
			tb.Fatalf("fake Slack: waited %s for %d %s requests; got %d (all: %v)", WaitTimeout, n, method, len(s.Requests(method)), s.methods())
			return nil
		}
	}
}

// WaitFor waits for a request for method that satisfies match, and returns
// it; it fails the test after WaitTimeout.
func (s *Server) WaitFor(tb testing.TB, method string, match func(Request) bool) Request {
	tb.Helper()
	deadline := time.After(WaitTimeout)
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		for _, r := range s.Requests(method) {
			if match(r) {
				return r
			}
		}
		select {
		case <-ch:
		case <-deadline:
			tb.Fatalf("fake Slack: waited %s for a matching %s request (all: %v)", WaitTimeout, method, s.methods())
			return Request{}
		}
	}
}

func (s *Server) methods() []string {
	var ms []string
	for _, r := range s.Requests("") {
		ms = append(ms, r.Method)
	}
	return ms
}

// History returns the messages posted to a channel, oldest first.
func (s *Server) History(channel string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.history[channel]...)
}

// AddHistory records a message in a channel as if it had been posted.
func (s *Server) AddHistory(m Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m.TS == "" {
		m.TS = s.nextTS()
	}
	m.Type = "message"
	s.history[m.Channel] = append(s.history[m.Channel], m)
}

func (s *Server) nextTS() string {
	s.ts += 100
	if s.Clock != nil {
		s.ts = max(s.ts, s.Clock().UnixMicro())
	}
	return fmt.Sprintf("%d.%06d", s.ts/1_000_000, s.ts%1_000_000)
}

// record records a request and returns its scripted answer, if any.
func (s *Server) record(r Request) *Reply {
	s.mu.Lock()
	s.reqs = append(s.reqs, r)
	close(s.changed)
	s.changed = make(chan struct{})
	fn := s.always[r.Method]
	if fns := s.scripts[r.Method]; len(fns) > 0 {
		fn, s.scripts[r.Method] = fns[0], fns[1:]
	}
	s.mu.Unlock()
	if fn == nil {
		return nil
	}
	return fn(r)
}

func (s *Server) serve(w http.ResponseWriter, hr *http.Request) {
	if hr.URL.Path == "/ws" {
		s.serveSocket(w, hr)
		return
	}
	if strings.HasPrefix(hr.URL.Path, uploadPath) {
		s.serveUpload(w, hr) // files.go
		return
	}
	body, _ := io.ReadAll(hr.Body)
	r := Request{Header: hr.Header.Clone(), Body: body}
	switch {
	case strings.HasPrefix(hr.URL.Path, "/api/"):
		r.Method = strings.TrimPrefix(hr.URL.Path, "/api/")
	case strings.HasPrefix(hr.URL.Path, "/response/"):
		r.Method = "response:" + strings.TrimPrefix(hr.URL.Path, "/response/")
	default:
		http.NotFound(w, hr)
		return
	}
	if strings.HasPrefix(hr.Header.Get("Content-Type"), "application/json") {
		json.Unmarshal(body, &r.JSON)
	} else {
		r.Form, _ = url.ParseQuery(string(body))
		for k, v := range hr.URL.Query() {
			if r.Form == nil {
				r.Form = url.Values{}
			}
			r.Form[k] = v
		}
	}
	r.Token = strings.TrimPrefix(hr.Header.Get("Authorization"), "Bearer ")
	if r.Token == "" && r.Form != nil {
		r.Token = r.Form.Get("token")
	}
	rep := s.record(r)
	if rep == nil {
		rep = s.answer(r, hr)
	}
	for k, vs := range rep.Header {
		w.Header()[k] = vs
	}
	var out []byte
	switch b := rep.Body.(type) {
	case string:
		out = []byte(b)
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "text/plain")
		}
	case []byte:
		out = b
	default:
		out, _ = json.Marshal(b)
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(max(rep.Status, 200))
	w.Write(out)
}

func ok(fields map[string]any) *Reply {
	body := map[string]any{"ok": true}
	for k, v := range fields {
		body[k] = v
	}
	return &Reply{Status: http.StatusOK, Body: body}
}

// answer is Slack's usual answer to a request.
func (s *Server) answer(r Request, hr *http.Request) *Reply {
	if strings.HasPrefix(r.Method, "response:") {
		return &Reply{Status: http.StatusOK, Body: "ok"}
	}
	switch r.Method {
	case "auth.test":
		return ok(map[string]any{"user_id": "UBOT", "bot_id": "BBOT", "team_id": "T1", "user": "actionbot"})
	case "apps.connections.open":
		return ok(map[string]any{"url": "ws://" + hr.Host + "/ws"})
	case "conversations.open":
		users := r.Param("users")
		return ok(map[string]any{"channel": map[string]any{"id": "D" + strings.TrimPrefix(users, "U")}})
	case "chat.postMessage":
		ch := r.Param("channel")
		m := Message{Channel: ch, Text: r.Param("text"), BotID: "BBOT"}
		if b := r.Param("blocks"); b != "" {
			m.Blocks = json.RawMessage(b)
		}
		if md := r.Param("metadata"); md != "" {
			var meta Metadata
			if json.Unmarshal([]byte(md), &meta) == nil && meta.EventType != "" {
				m.Metadata = &meta
			}
		}
		s.AddHistory(m)
		hist := s.History(ch)
		return ok(map[string]any{"channel": ch, "ts": hist[len(hist)-1].TS})
	case "chat.update":
		return ok(map[string]any{"channel": r.Param("channel"), "ts": r.Param("ts"), "text": r.Param("text")})
	case "chat.postEphemeral":
		return ok(map[string]any{"message_ts": "1349175600.999999"})
	case "conversations.history":
		oldest, _ := strconv.ParseFloat(r.Param("oldest"), 64)
		hist := s.History(r.Param("channel"))
		sort.SliceStable(hist, func(i, j int) bool { return hist[i].TS > hist[j].TS })
		var out []Message
		for _, m := range hist {
			if t, _ := strconv.ParseFloat(m.TS, 64); t >= oldest {
				if r.Param("include_all_metadata") != "true" && r.Param("include_all_metadata") != "1" {
					m.Metadata = nil
				}
				out = append(out, m)
			}
		}
		return ok(map[string]any{"messages": out, "has_more": false})
	case "files.getUploadURLExternal":
		return s.getUploadURL(r, hr) // files.go
	case "files.completeUploadExternal":
		return s.completeUpload(r) // files.go
	case "views.open", "views.publish", "views.update":
		return ok(map[string]any{"view": map[string]any{"id": "V1", "type": "modal"}})
	}
	return Error("unknown_method")
}

// Socket is the fake's end of a Socket Mode connection.
type Socket struct {
	conn *websocket.Conn
	mu   sync.Mutex
	acks chan map[string]any
	done chan struct{}
}

func (s *Server) serveSocket(w http.ResponseWriter, hr *http.Request) {
	conn, err := s.upgrader.Upgrade(w, hr, nil)
	if err != nil {
		return
	}
	sock := &Socket{conn: conn, acks: make(chan map[string]any, 64), done: make(chan struct{})}
	sock.Send(map[string]any{"type": "hello", "num_connections": 1, "connection_info": map[string]any{"app_id": "A1"}})
	go func() {
		defer close(sock.done)
		for {
			var m map[string]any
			if err := conn.ReadJSON(&m); err != nil {
				return
			}
			sock.acks <- m
		}
	}()
	s.sockets <- sock
}

// Socket waits for the bot to connect over Socket Mode.
func (s *Server) Socket(tb testing.TB) *Socket {
	tb.Helper()
	select {
	case sock := <-s.sockets:
		tb.Cleanup(func() { sock.conn.Close() })
		return sock
	case <-time.After(WaitTimeout):
		tb.Fatalf("fake Slack: no Socket Mode connection within %s", WaitTimeout)
		return nil
	}
}

// Send sends a message (an envelope) to the bot.
func (k *Socket) Send(v any) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.conn.WriteJSON(v)
}

// Envelope sends a Socket Mode envelope of the given type ("slash_commands",
// "interactive", "events_api") with its payload.
func (k *Socket) Envelope(tb testing.TB, envelopeID, typ string, payload any, retry int) {
	tb.Helper()
	if err := k.Send(map[string]any{"envelope_id": envelopeID, "type": typ, "payload": payload,
		"accepts_response_payload": typ != "events_api", "retry_attempt": retry}); err != nil {
		tb.Fatalf("fake Slack: send envelope: %v", err)
	}
}

// Ack waits for the bot's ack of an envelope and returns its payload (nil
// when it had none).
func (k *Socket) Ack(tb testing.TB, envelopeID string) json.RawMessage {
	tb.Helper()
	deadline := time.After(WaitTimeout)
	for {
		select {
		case m := <-k.acks:
			if m["envelope_id"] != envelopeID {
				continue
			}
			p, ok := m["payload"]
			if !ok || p == nil {
				return nil
			}
			b, _ := json.Marshal(p)
			return b
		case <-deadline:
			tb.Fatalf("fake Slack: no ack of envelope %s within %s", envelopeID, WaitTimeout)
			return nil
		}
	}
}

// Disconnect asks the bot to reconnect, as Slack does before it refreshes
// a connection.
func (k *Socket) Disconnect() error {
	return k.Send(map[string]any{"type": "disconnect", "reason": "refresh_requested"})
}
