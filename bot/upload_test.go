package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sevenoaks-csp/actionbot/bot/fakeslack"
	"github.com/sevenoaks-csp/actionbot/commands"
	"github.com/sevenoaks-csp/actionbot/report"
	"github.com/sevenoaks-csp/actionbot/store/storetest"
)

// papersOn makes board papers in a temporary directory, "printed" as a
// small PDF naming the paper's quarter: what the upload carries, not the
// browser's work (report's print test prints with Chromium).
func papersOn(tb testing.TB, e *testEnv) string {
	dir := tb.TempDir()
	e.bot.Handler.Papers = &commands.Papers{Dir: dir, Print: func(_ context.Context, r *report.Report) ([]byte, error) {
		return []byte("%PDF-1.4\n% board paper " + r.Quarter.Quarter.String() + "\n%%EOF\n"), nil
	}}
	e.clock.Set(time.Date(2013, time.January, 9, 9, 0, 0, 0, storetest.London))
	return dir
}

// TestReportQuarterUploadsThePaperToTheCoordinator: "/action report
// quarter 2012-Q3" from a coordinator is answered with the headline, and
// the PDF follows in their direct messages through files.uploadV2's three
// steps, as they reached the fake Slack.
func TestReportQuarterUploadsThePaperToTheCoordinator(t *testing.T) {
	e := mustEnv(t)
	dir := papersOn(t, e)
	code, body := e.signed(t, "/slack/commands", formType, e.slashForm(uCoord, "report quarter 2012-Q3", "r1"), nil)
	if code != http.StatusOK || !strings.Contains(string(body), "Quarterly monitoring") || !strings.Contains(string(body), "The board paper (PDF) follows in a direct message.") {
		t.Fatalf("ack %d: %s", code, body)
	}
	e.bot.Wait()
	want := []byte("%PDF-1.4\n% board paper 2012-Q3\n%%EOF\n")
	const name = "sevenoaks-district-csp-action-plan-2012-13-2012-Q3.pdf"

	open := e.slack.Requests("conversations.open")
	if len(open) != 1 || open[0].Param("users") != uCoord {
		t.Fatalf("conversations.open: %+v", open)
	}
	get := e.slack.Requests("files.getUploadURLExternal")
	if len(get) != 1 || get[0].Param("filename") != name || get[0].Param("length") != strconv.Itoa(len(want)) || get[0].Token != testBotToken {
		t.Fatalf("files.getUploadURLExternal: %+v", get)
	}
	up := e.slack.Requests("upload:F00000001")
	if len(up) != 1 || up[0].Token != testBotToken || !bytes.Contains(up[0].Body, want) {
		t.Fatalf("the upload URL got %d posts: %+v", len(up), up)
	}
	done := e.slack.Requests("files.completeUploadExternal")
	if len(done) != 1 || done[0].Param("channel_id") != "DCOORD1" || !strings.Contains(done[0].Param("initial_comment"), "Q3 2012-13 (October to December 2012): ") {
		t.Fatalf("files.completeUploadExternal: %+v", done)
	}
	var files []struct{ ID, Title string }
	if err := json.Unmarshal([]byte(done[0].Param("files")), &files); err != nil || len(files) != 1 || files[0].ID != "F00000001" ||
		files[0].Title != "Sevenoaks District CSP Action Plan 2012-13 — board paper, Q3 2012-13 (October to December 2012)" {
		t.Errorf("files %s (%v)", done[0].Param("files"), err)
	}
	got := e.slack.Files()
	if len(got) != 1 || !bytes.Equal(got[0].Content, want) || !got[0].Completed || got[0].Channel != "DCOORD1" {
		t.Errorf("the fake holds %+v", got)
	}
	if b, err := os.ReadFile(filepath.Join(dir, name)); err != nil || !bytes.Equal(b, want) {
		t.Errorf("ACTIONBOT_REPORT_DIR holds %q (%v)", b, err)
	}
	if len(e.slack.Requests("response:r1")) != 0 {
		t.Errorf("a message went to the response URL: %+v", e.slack.Requests("response:r1"))
	}
}

// Only coordinators get the paper, and only where papers are made; the
// others get the headline alone, and nothing is uploaded.
func TestReportQuarterSendsNoPaperToOthers(t *testing.T) {
	e := mustEnv(t)
	papersOn(t, e)
	_, body := e.signed(t, "/slack/commands", formType, e.slashForm(uCSU, "report quarter 2012-Q3", "r1"), nil)
	if !strings.Contains(string(body), "Quarterly monitoring") || strings.Contains(string(body), "follows in a direct message") {
		t.Errorf("a member's ack: %s", body)
	}
	e.bot.Handler.Papers = nil
	_, body = e.signed(t, "/slack/commands", formType, e.slashForm(uCoord, "report quarter 2012-Q3", "r2"), nil)
	if strings.Contains(string(body), "follows in a direct message") {
		t.Errorf("without ACTIONBOT_REPORT_DIR: %s", body)
	}
	e.bot.Wait()
	for _, m := range []string{"conversations.open", "files.getUploadURLExternal", "files.completeUploadExternal"} {
		if n := len(e.slack.Requests(m)); n != 0 {
			t.Errorf("%d requests to %s", n, m)
		}
	}
}

// When Slack refuses the upload, the coordinator is told through the
// response URL, and the paper stays in the directory.
func TestReportQuarterSaysWhenTheUploadFails(t *testing.T) {
	e := mustEnv(t)
	dir := papersOn(t, e)
	e.slack.Script("files.completeUploadExternal", func(fakeslack.Request) *fakeslack.Reply { return fakeslack.Error("not_in_channel") })
	e.signed(t, "/slack/commands", formType, e.slashForm(uCoord, "report quarter 2012-Q3", "r1"), nil)
	e.bot.Wait()
	said := e.slack.Requests("response:r1")
	if len(said) != 1 || !strings.Contains(string(said[0].Body), "couldn't send you the board paper") {
		t.Errorf("the response URL got %+v", said)
	}
	if _, err := os.Stat(filepath.Join(dir, "sevenoaks-district-csp-action-plan-2012-13-2012-Q3.pdf")); err != nil {
		t.Errorf("the paper is not kept: %v", err)
	}
}
