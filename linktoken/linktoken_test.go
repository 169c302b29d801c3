package linktoken

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var key = []byte("0123456789abcdef0123456789abcdef")

func MustSign(tb testing.TB, l Link) string {
	tb.Helper()
	tok, err := Sign(key, l)
	if err != nil {
		tb.Fatalf("Sign(%+v): %v", l, err)
	}
	return tok
}

func TestALinkNamesItsPersonPlanAndActionUntilItExpires(t *testing.T) {
	made := time.Date(2012, 11, 5, 9, 0, 0, 0, time.UTC)
	l := New("speedwatch.lead@kent.police.uk", 3, "5.2", made)
	tok := MustSign(t, l)
	got, err := Verify(key, tok, made.Add(13*24*time.Hour))
	if err != nil || got != l {
		t.Fatalf("Verify after 13 days = %+v, %v; want %+v", got, err, l)
	}
	got, err = Verify(key, tok, made.Add(Lifetime))
	if !errors.Is(err, ErrExpired) || got.Person != l.Person {
		t.Fatalf("Verify at 14 days = %+v, %v; want the link and ErrExpired", got, err)
	}
}

func TestATamperedOrForeignTokenIsRefused(t *testing.T) {
	now := time.Date(2012, 11, 5, 9, 0, 0, 0, time.UTC)
	tok := MustSign(t, New("U123", 3, "5.2", now))
	other := MustSign(t, New("U999", 3, "5.2", now))
	body, _, _ := strings.Cut(other, ".")
	_, sig, _ := strings.Cut(tok, ".")
	for name, c := range map[string]struct {
		tok  string
		want error
	}{
		"another body under this signature": {body + "." + sig, ErrSignature},
		"no signature":                      {body, ErrMalformed},
		"empty":                             {"", ErrMalformed},
		"signature not base64":              {body + ".!!", ErrMalformed},
		"over-long":                         {strings.Repeat("a", 2000) + "." + sig, ErrMalformed},
	} {
		if _, err := Verify(key, c.tok, now); !errors.Is(err, c.want) {
			t.Errorf("%s: Verify = %v, want %v", name, err, c.want)
		}
	}
	if _, err := Verify([]byte("another key, also thirty-two bytes!"), tok, now); !errors.Is(err, ErrSignature) {
		t.Errorf("another key: Verify = %v, want ErrSignature", err)
	}
}

func TestSignRefusesAShortKeyAndMissingFields(t *testing.T) {
	now := time.Date(2012, 11, 5, 9, 0, 0, 0, time.UTC)
	if _, err := Sign([]byte("short"), New("U1", 1, "1.1", now)); err == nil {
		t.Error("Sign with a 5-byte key succeeded")
	}
	for _, l := range []Link{New("", 1, "1.1", now), New("U1", 0, "1.1", now), New("U1", 1, "", now), New("U1\x1f", 1, "1.1", now)} {
		if _, err := Sign(key, l); err == nil {
			t.Errorf("Sign(%+v) succeeded", l)
		}
	}
}

func TestOnlyThePagesFormTokenPassesTheFormCheck(t *testing.T) {
	now := time.Date(2012, 11, 5, 9, 0, 0, 0, time.UTC)
	tok := MustSign(t, New("U123", 3, "5.2", now))
	other := MustSign(t, New("U123", 3, "5.3", now))
	if !CheckFormToken(key, tok, FormToken(key, tok)) {
		t.Error("the page's own form token was refused")
	}
	for _, form := range []string{"", FormToken(key, other), tok, "%%%"} {
		if CheckFormToken(key, tok, form) {
			t.Errorf("form token %q passed for another token", form)
		}
	}
}

func TestURLIsThePageUnderThePublicAddress(t *testing.T) {
	if got := URL("https://actions.example.org/", "abc.def"); got != "https://actions.example.org/a/abc.def" {
		t.Errorf("URL = %q", got)
	}
}

// base64's decoder skips CR and LF and ignores the last character's spare
// bits, so one signature could be written many ways: a token is accepted
// only as Sign wrote it, and so is a form token.
func TestOnlyTheTokenAsSignedIsAccepted(t *testing.T) {
	now := time.Date(2012, 11, 5, 9, 0, 0, 0, time.UTC)
	tok := MustSign(t, New("U123", 3, "5.2", now))
	body, sig, _ := strings.Cut(tok, ".")
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	twin := string(alphabet[strings.IndexByte(alphabet, sig[len(sig)-1])^1])
	for name, bad := range map[string]string{
		"a newline in the signature": body + "." + sig[:10] + "\n" + sig[10:],
		"a CR LF in the signature":   body + "." + sig[:10] + "\r\n" + sig[10:],
		"a newline at the end":       tok + "\n",
		"the spare bits changed":     body + "." + sig[:len(sig)-1] + twin,
	} {
		if _, err := Verify(key, bad, now); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	form := FormToken(key, tok)
	for name, bad := range map[string]string{
		"a newline":              form[:5] + "\n" + form[5:],
		"the spare bits changed": form[:len(form)-1] + string(alphabet[strings.IndexByte(alphabet, form[len(form)-1])^1]),
	} {
		if CheckFormToken(key, tok, bad) {
			t.Errorf("form token with %s: accepted", name)
		}
	}
	if !CheckFormToken(key, tok, form) {
		t.Error("the form token itself is refused")
	}
}
