package bot

import (
	"net/url"
	"testing"
)

// formCases are bodies Slack sends and bodies it never would: parseSlackForm
// must accept, refuse and read them exactly as url.ParseQuery does.
var formCases = []string{
	"",
	"token=x&team_id=T1&channel_id=C1&user_id=U1&command=%2Faction&text=5.2&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F1&trigger_id=1.2.3&api_app_id=A1",
	"command=%2Faction&text=5.2+progress+60+two+schemes+%26+a+%3Cnote%3E",
	"command=%2Faction&text=",
	"command=",
	"command",
	"text=only",
	"payload=%7B%22type%22%3A%22block_actions%22%7D",
	"ssl_check=1&token=x",
	"ssl_check=1&command=%2Faction",
	"command=%2Fa&command=%2Fb&text=first&text=second",
	"text=&text=second&command=x",
	"&&command=x&&",
	"command=x;text=y",
	"command=x&text=a;b",
	"command=%zz",
	"text=%4",
	"t%65xt=key+escaped&command=x",
	"%zz=1&command=x",
	"other=%zz&command=x",
	"command=x&other=%",
	"command=x&text=%E2%9C%85+done",
	"command=x&text=%ff%fe",
	"=&=x&command=x",
	"command=x&text=a=b=c",
}

func TestSlackFormReadsWhatParseQueryReads(t *testing.T) {
	for _, body := range formCases {
		t.Run(body, func(t *testing.T) { mustMatchParseQuery(t, body) })
	}
}

func FuzzSlackFormMatchesParseQuery(f *testing.F) {
	for _, body := range formCases {
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body string) { mustMatchParseQuery(t, body) })
}

func mustMatchParseQuery(tb testing.TB, body string) {
	tb.Helper()
	want, wantErr := url.ParseQuery(body)
	got, err := parseSlackForm(body)
	if (err == nil) != (wantErr == nil) {
		tb.Fatalf("parseSlackForm(%q) error %v; url.ParseQuery error %v", body, err, wantErr)
	}
	for i, key := range formKeys {
		if got.has(i) != want.Has(key) {
			tb.Errorf("parseSlackForm(%q) has %s = %v; url.ParseQuery says %v", body, key, got.has(i), want.Has(key))
		}
		if got.get(i) != want.Get(key) {
			tb.Errorf("parseSlackForm(%q) %s = %q; url.ParseQuery says %q", body, key, got.get(i), want.Get(key))
		}
	}
}
