package bot

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// MaxSignatureAge is how far a request's timestamp may be from now, either
// way, for its signature to be accepted.
const MaxSignatureAge = 5 * time.Minute

// Reasons a request's signature is refused. None says more than this to the
// caller.
var (
	ErrNoSignature    = errors.New("request is not signed: X-Slack-Signature or X-Slack-Request-Timestamp missing")
	ErrBadTimestamp   = errors.New("request timestamp is not a number of seconds")
	ErrStaleSignature = errors.New("request timestamp is more than five minutes from now")
	ErrBadSignature   = errors.New("request signature does not match")
)

// Verifier checks Slack's request signatures: the hex HMAC-SHA256 of
// "v0:<timestamp>:<body>" keyed with the app's signing secret, in the
// X-Slack-Signature header as "v0=<hex>", with the timestamp (seconds) in
// X-Slack-Request-Timestamp within five minutes of now either way.
type Verifier struct {
	secret []byte
	// Now returns the current instant; tests replace it.
	Now func() time.Time
	// macs holds keyed HMACs for reuse (*keyedMAC): keying one allocates,
	// and every request needs one. Reset returns an HMAC to its keyed state.
	macs sync.Pool
}

// keyedMAC is a keyed HMAC with room for what is written to it and what it
// sums: a buffer on the stack would escape through the hash.Hash interface,
// one allocation each a request.
type keyedMAC struct {
	hash.Hash
	head [64]byte
	out  [sha256.Size]byte
}

// NewVerifier returns a verifier for the signing secret.
func NewVerifier(signingSecret string) *Verifier {
	v := &Verifier{secret: []byte(signingSecret), Now: time.Now}
	v.macs.New = func() any { return &keyedMAC{Hash: hmac.New(sha256.New, v.secret)} }
	return v
}

// CheckHeaders checks all of a request's signature that can be checked
// without its body: both headers there, the timestamp a number within
// MaxSignatureAge of now, the signature "v0=" and 64 hex digits. The HTTP
// door calls it before it reads a byte of the body, so a request that can
// never verify costs no more than its headers.
func (v *Verifier) CheckHeaders(h http.Header) error {
	_, _, err := v.checkHeaders(h)
	return err
}

// checkHeaders is CheckHeaders, returning the timestamp and the decoded
// signature when they pass.
func (v *Verifier) checkHeaders(h http.Header) (ts string, got [sha256.Size]byte, err error) {
	sig := h.Get("X-Slack-Signature")
	ts = h.Get("X-Slack-Request-Timestamp")
	if sig == "" || ts == "" {
		return "", got, ErrNoSignature
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sec <= 0 {
		return "", got, ErrBadTimestamp
	}
	if d := v.Now().Sub(time.Unix(sec, 0)); d > MaxSignatureAge || d < -MaxSignatureAge {
		return "", got, ErrStaleSignature
	}
	hexSig, ok := strings.CutPrefix(sig, "v0=")
	if !ok || len(hexSig) != 2*sha256.Size {
		return "", got, ErrBadSignature
	}
	for i := range got { // hex.Decode, without a copy of hexSig to decode from
		hi, ok1 := fromHex(hexSig[2*i])
		lo, ok2 := fromHex(hexSig[2*i+1])
		if !ok1 || !ok2 {
			return "", got, ErrBadSignature
		}
		got[i] = hi<<4 | lo
	}
	return ts, got, nil
}

// fromHex is the value of a hex digit, in either case.
func fromHex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// Verify checks the signature of a request with the given headers and raw
// body. The comparison takes the same time whatever the signature.
func (v *Verifier) Verify(h http.Header, body []byte) error {
	ts, got, err := v.checkHeaders(h)
	if err != nil {
		return err
	}
	var want [sha256.Size]byte
	if !hmac.Equal(got[:], v.sum(want[:0], ts, body)) {
		return ErrBadSignature
	}
	return nil
}

// sum appends the HMAC of "v0:<ts>:<body>" to dst.
func (v *Verifier) sum(dst []byte, ts string, body []byte) []byte {
	mac := v.macs.Get().(*keyedMAC)
	defer v.macs.Put(mac)
	mac.Reset()
	mac.Write(append(append(append(mac.head[:0], "v0:"...), ts...), ':'))
	mac.Write(body)
	return append(dst, mac.Sum(mac.out[:0])...)
}

// Sign returns the X-Slack-Signature of a body sent at ts, as Slack computes
// it; tests and tools use it to make signed requests.
func Sign(signingSecret string, ts time.Time, body []byte) (timestamp, signature string) {
	v := NewVerifier(signingSecret)
	timestamp = strconv.FormatInt(ts.Unix(), 10)
	return timestamp, "v0=" + hex.EncodeToString(v.sum(nil, timestamp, body))
}
