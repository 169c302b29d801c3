package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	netmail "net/mail"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/sevenoaks-csp/actionbot"
)

// Sink is an SMTP server that keeps, and may print, every e-mail it is
// given: `actionbot mail-sink` runs one to try e-mail without a real mail
// server, and the tests send through one over loopback. It delivers
// nothing anywhere.
type Sink struct {
	// Rcpt, when set, is asked about each recipient; an error refuses it
	// (a *smtp.SMTPError gives the code, 550 for good or 450 for now).
	Rcpt func(to string) error
	// Accept, when set, is given each e-mail before it is accepted; an
	// error refuses it. It may block (a test holding the server's answer).
	Accept func(r *Received) error
	// Accepted, when set, is told of each e-mail once it is kept, before
	// the client hears it was accepted.
	Accepted func(r *Received)
	// Print, when set, receives each kept e-mail, headers and text part.
	Print io.Writer
	// User and Password, when User is set, make the sink ask for a login
	// (AUTH PLAIN), as an office relay does: a client that does not log in,
	// or logs in with another password, has every e-mail refused.
	User, Password string
	// TLS, when set, is offered by STARTTLS; a login is then taken only
	// over it.
	TLS *tls.Config

	mu   sync.Mutex
	got  []*Received
	srv  *smtp.Server
	addr string
}

// Received is an e-mail the sink was given.
type Received struct {
	From string
	To   []string
	Data []byte
	// User is who logged in to send it, when the sink asks for a login.
	User string
}

// SMTPError is an SMTP answer for Sink.Rcpt and Sink.Accept.
func SMTPError(code int, msg string) error {
	return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCodeNotSet, Message: msg}
}

// Listen starts serving on addr ("127.0.0.1:0" for any free port) and
// returns the address it listens on.
func (k *Sink) Listen(addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("mail sink: listen on %s: %w", addr, err)
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &sinkSession{k: k}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = k.TLS == nil
	srv.TLSConfig = k.TLS
	srv.ReadTimeout, srv.WriteTimeout = time.Minute, time.Minute
	srv.MaxMessageBytes = 10 << 20
	k.mu.Lock()
	k.srv, k.addr = srv, ln.Addr().String()
	k.mu.Unlock()
	go srv.Serve(ln)
	return ln.Addr().String(), nil
}

// Serve is "actionbot mail-sink": it listens on addr, says to w how to
// send it the bot's e-mail, and serves until ctx is done, then says how
// many it was given.
func (k *Sink) Serve(ctx context.Context, addr string, w io.Writer) error {
	got, err := k.Listen(addr)
	if err != nil {
		return err
	}
	defer k.Close()
	fmt.Fprintf(w, "Listening for e-mail on %s: set ACTIONBOT_SMTP_URL=smtp://%s and every e-mail the bot sends is printed here, and delivered nowhere. Ctrl-C stops.\n", got, got)
	<-ctx.Done()
	fmt.Fprintf(w, "\nStopped after %s.\n", actionbot.Plural(len(k.Received()), "e-mail"))
	return nil
}

// URL is the smtp:// URL of the sink, for ACTIONBOT_SMTP_URL.
func (k *Sink) URL() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return "smtp://" + k.addr
}

// Close stops the sink.
func (k *Sink) Close() error {
	k.mu.Lock()
	srv := k.srv
	k.mu.Unlock()
	if srv == nil {
		return nil
	}
	return srv.Close()
}

// Received returns the e-mails kept so far, in the order they came.
func (k *Sink) Received() []*Received {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]*Received(nil), k.got...)
}

type sinkSession struct {
	k    *Sink
	from string
	to   []string
	user string // who logged in, if anyone
}

func (s *sinkSession) Reset()        { s.from, s.to = "", nil }
func (s *sinkSession) Logout() error { return nil }

// AuthMechanisms offers a login only when the sink asks for one.
func (s *sinkSession) AuthMechanisms() []string {
	if s.k.User == "" {
		return nil
	}
	return []string{sasl.Plain}
}

// Auth checks a PLAIN login against the sink's user and password.
func (s *sinkSession) Auth(mech string) (sasl.Server, error) {
	if s.k.User == "" || mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(_, user, password string) error {
		if user != s.k.User || password != s.k.Password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "Authentication credentials invalid"}
		}
		s.user = user
		return nil
	}), nil
}

func (s *sinkSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.k.User != "" && s.user == "" {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	}
	s.from = from
	return nil
}

func (s *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.k.Rcpt != nil {
		if err := s.k.Rcpt(to); err != nil {
			return err
		}
	}
	s.to = append(s.to, to)
	return nil
}

func (s *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	rec := &Received{From: s.from, To: append([]string(nil), s.to...), Data: b, User: s.user}
	if s.k.Accept != nil {
		if err := s.k.Accept(rec); err != nil {
			return err
		}
	}
	s.k.mu.Lock()
	s.k.got = append(s.k.got, rec)
	print := s.k.Print
	s.k.mu.Unlock()
	if print != nil {
		fmt.Fprint(print, rec.Summary())
	}
	if s.k.Accepted != nil {
		s.k.Accepted(rec)
	}
	return nil
}

// Header is the e-mail's header.
func (r *Received) Header() netmail.Header {
	m, err := netmail.ReadMessage(bytes.NewReader(r.Data))
	if err != nil {
		return netmail.Header{}
	}
	return m.Header
}

// Parts returns the e-mail's parts by media type ("text/plain",
// "text/html"), decoded: a single-part e-mail is its one part.
func (r *Received) Parts() (map[string]string, error) {
	m, err := netmail.ReadMessage(bytes.NewReader(r.Data))
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	return out, readPart(m.Header.Get("Content-Type"), m.Header.Get("Content-Transfer-Encoding"), m.Body, out)
}

func readPart(ctype, cte string, body io.Reader, out map[string]string) error {
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		return fmt.Errorf("content type %q: %w", ctype, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if err := readPart(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p, out); err != nil {
				return err
			}
		}
	}
	b, err := decode(cte, body)
	if err != nil {
		return err
	}
	out[mt] = string(b)
	return nil
}

// Summary is the e-mail as mail-sink prints it: its main headers and its
// text part.
func (r *Received) Summary() string {
	h := r.Header()
	var b strings.Builder
	fmt.Fprintf(&b, "──── e-mail from %s to %s ────\n", r.From, strings.Join(r.To, ", "))
	for _, k := range []string{"Message-Id", "Date", "From", "To", "Subject"} {
		if v := h.Get(k); v != "" {
			if k == "Subject" {
				if d, err := new(mime.WordDecoder).DecodeHeader(v); err == nil {
					v = d
				}
			}
			fmt.Fprintf(&b, "%s: %s\n", k, v)
		}
	}
	parts, err := r.Parts()
	if err != nil {
		fmt.Fprintf(&b, "\n(could not read the body: %v)\n", err)
		return b.String()
	}
	kinds := make([]string, 0, len(parts))
	for k := range parts {
		kinds = append(kinds, k)
	}
	fmt.Fprintf(&b, "Parts: %s\n\n%s\n", strings.Join(sorted(kinds), ", "), parts["text/plain"])
	return b.String()
}

func sorted(xs []string) []string {
	slices.Sort(xs)
	return xs
}

// decode undoes a part's transfer encoding.
func decode(cte string, body io.Reader) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "quoted-printable":
		return io.ReadAll(quotedprintable.NewReader(body))
	case "base64":
		return io.ReadAll(base64.NewDecoder(base64.StdEncoding, newlineStripper{body}))
	}
	return io.ReadAll(body)
}

// newlineStripper drops the line breaks of a base64 body.
type newlineStripper struct{ r io.Reader }

func (n newlineStripper) Read(p []byte) (int, error) {
	k, err := n.r.Read(p)
	j := 0
	for _, c := range p[:k] {
		if c != '\r' && c != '\n' {
			p[j] = c
			j++
		}
	}
	return j, err
}
