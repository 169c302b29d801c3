package bot

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/slack-go/slack"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
)

// paperTimeout bounds making and sending a board paper after the ack: the
// browser prints it in seconds, the upload takes a few more.
const paperTimeout = 3 * time.Minute

// paperLater is the work after the ack of "/action report quarter" asked by
// a coordinator where papers are made: the PDF, sent to them.
func (b *Bot) paperLater(userID, responseURL string, cmd *commands.Command) func(ctx context.Context) {
	return func(ctx context.Context) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), paperTimeout)
		defer cancel()
		if err := b.sendPaper(ctx, userID, cmd); err != nil {
			b.log().Error("slack: send the board paper", "user", userID, "err", err)
			msg := actionbot.Simple("❌ I couldn't send you the board paper: " + actionbot.ErrorMessage(err))
			if actionbot.ErrorCode(err) == actionbot.EINTERNAL {
				msg = actionbot.Simple("❌ I couldn't send you the board paper. `actionbot report --quarter " + cmd.Quarter + " --format pdf -o paper.pdf` makes it on the server.")
			}
			if responseURL != "" {
				if err := b.respond(ctx, responseURL, msg, false); err != nil {
					b.log().Error("slack: say the board paper was not sent", "user", userID, "err", err)
				}
			}
		}
	}
}

// sendPaper makes the paper (commands.Handler.QuarterPaper) and uploads it
// to the person's direct messages with files.uploadV2, as slack-go makes
// it: files.getUploadURLExternal, the file posted to the URL it gives,
// then files.completeUploadExternal sharing it in the conversation.
func (b *Bot) sendPaper(ctx context.Context, userID string, cmd *commands.Command) error {
	paper, err := b.Handler.QuarterPaper(ctx, userID, cmd)
	if err != nil {
		return err
	}
	dm, _, _, err := b.API.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{userID}, ReturnIM: true})
	if err != nil {
		return fmt.Errorf("open a direct message to %s: %w", userID, err)
	}
	_, err = b.API.UploadFileContext(ctx, slack.UploadFileParameters{
		Reader:         bytes.NewReader(paper.PDF),
		FileSize:       len(paper.PDF),
		Filename:       paper.Name,
		Title:          paper.Title,
		Channel:        dm.ID,
		InitialComment: EscapeText(paper.Headline, 3000),
	})
	if err != nil {
		return fmt.Errorf("upload %s to %s: %w", paper.Name, dm.ID, err)
	}
	b.log().Info("slack: board paper sent", "user", userID, "quarter", paper.Quarter.String(), "file", paper.Path, "bytes", len(paper.PDF))
	return nil
}
