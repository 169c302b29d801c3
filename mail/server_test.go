package mail_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/sevenoaks-csp/actionbot/mail"
)

func TestParseServer(t *testing.T) {
	for raw, want := range map[string]mail.Server{
		"smtp://relay.sevenoaks.gov.uk":                {Host: "relay.sevenoaks.gov.uk", Port: 587},
		"smtp://bot%40csp:p%40ss@relay.example.org:25": {Host: "relay.example.org", Port: 25, User: "bot@csp", Password: "p@ss"},
		"smtps://bot:pw@smtp.office365.com":            {Host: "smtp.office365.com", Port: 465, ImplicitTLS: true, User: "bot", Password: "pw"},
		"  smtp://127.0.0.1:2525  ":                    {Host: "127.0.0.1", Port: 2525},
	} {
		got, err := mail.ParseServer(raw)
		if err != nil || *got != want {
			t.Errorf("ParseServer(%q) = %+v, %v; want %+v", raw, got, err, want)
		}
		if strings.Contains(got.String(), "pw") || strings.Contains(got.String(), "p@ss") || strings.Contains(got.String(), "bot") {
			t.Errorf("String() shows the user or password: %s", got)
		}
	}
	for _, raw := range []string{"", "relay.example.org", "http://u:s3cret@relay.example.org", "smtp://u:s3cret@relay.example.org:99999",
		"smtp://u:s3cret@relay.example.org:port", "smtp://u:s3cret@relay.example.org/path", "smtp://:s3cret@relay.example.org", "smtp://u:s3cret@%zz"} {
		_, err := mail.ParseServer(raw)
		if err == nil {
			t.Errorf("ParseServer(%q) accepted", raw)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("ParseServer(%q) error shows the password: %v", raw, err)
		}
	}
}

func TestParseFromAndAddresses(t *testing.T) {
	name, addr, err := mail.ParseFrom("Community Safety Partnership <Actions@Sevenoaks.gov.uk>")
	if err != nil || name != "Community Safety Partnership" || addr != "actions@sevenoaks.gov.uk" {
		t.Errorf("ParseFrom = %q %q %v", name, addr, err)
	}
	if _, _, err := mail.ParseFrom("actions"); err == nil {
		t.Error("ParseFrom accepted a bare word")
	}
	got, err := mail.ParseAddresses("ACTIONBOT_DIGEST_EMAIL", " tasking@sevenoaks.gov.uk, Chair@Kent.Police.uk,,tasking@sevenoaks.gov.uk")
	if err != nil || strings.Join(got, " ") != "tasking@sevenoaks.gov.uk chair@kent.police.uk" {
		t.Errorf("ParseAddresses = %v, %v", got, err)
	}
	if _, err := mail.ParseAddresses("ACTIONBOT_DIGEST_EMAIL", "tasking@sevenoaks.gov.uk, U0123"); err == nil || !strings.Contains(err.Error(), "ACTIONBOT_DIGEST_EMAIL") {
		t.Errorf("a bad address: %v", err)
	}
}

// mail-sink says where it listens and, once stopped, how many e-mails it
// was given.
func TestSinkServeSaysWhereAndHowMany(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var w bytes.Buffer
	if err := (&mail.Sink{}).Serve(ctx, "127.0.0.1:0", &w); err != nil {
		t.Fatal(err)
	}
	if got := w.String(); !strings.Contains(got, "Listening for e-mail on 127.0.0.1:") || !strings.Contains(got, "Stopped after 0 e-mails.") {
		t.Errorf("printed %q", got)
	}
	if err := (&mail.Sink{}).Serve(ctx, "256.0.0.1:1", &w); err == nil {
		t.Error("no error listening on an address that is none")
	}
}
