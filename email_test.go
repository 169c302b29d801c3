package actionbot_test

import (
	"testing"

	"github.com/sevenoaks-csp/actionbot"
)

func TestNormalizeEmail(t *testing.T) {
	good := map[string]string{
		"speedwatch.lead@kent.police.uk":   "speedwatch.lead@kent.police.uk",
		" Speedwatch.Lead@Kent.Police.UK ": "speedwatch.lead@kent.police.uk",
		"mailto:a.b+csp@sevenoaks.gov.uk":  "a.b+csp@sevenoaks.gov.uk",
		"o'brien@nhs.net":                  "o'brien@nhs.net",
		"x@a-b.example.org":                "x@a-b.example.org",
	}
	for in, want := range good {
		got, err := actionbot.NormalizeEmail(in)
		if err != nil || got != want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "U0123ABCD", "lead", "lead@", "@kent.police.uk", "lead@localhost", "Lead <lead@kent.police.uk>",
		"lead@kent..police.uk", "lead@-kent.uk", "lead@[127.0.0.1]", "\"a b\"@kent.uk", "lead@kent.police.uk.", "a@b@c.uk",
		"lead@kent_police.uk", string(make([]byte, 300)) + "@x.uk"} {
		if got, err := actionbot.NormalizeEmail(in); err == nil || actionbot.ErrorCode(err) != actionbot.EINVALID {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want EINVALID", in, got, err)
		}
	}
}

func TestMaskEmail(t *testing.T) {
	for in, want := range map[string]string{
		"speedwatch.lead@kent.police.uk": "s…d@kent.police.uk",
		"ab@x.uk":                        "a…@x.uk",
		"a@x.uk":                         "a…@x.uk",
		"U0123":                          "U0123",
	} {
		if got := actionbot.MaskEmail(in); got != want {
			t.Errorf("MaskEmail(%q) = %q, want %q", in, got, want)
		}
	}
	if got := actionbot.PersonName("speedwatch.lead@kent.police.uk", true); got != "speedwatch.lead@kent.police.uk" {
		t.Errorf("a coordinator sees %q", got)
	}
	if got := actionbot.PersonName("speedwatch.lead@kent.police.uk", false); got != "s…d@kent.police.uk" {
		t.Errorf("a member sees %q", got)
	}
	if actionbot.IsEmail("U0123") || actionbot.IsEmail("C0123") || !actionbot.IsEmail("a@b.uk") {
		t.Error("IsEmail")
	}
}
