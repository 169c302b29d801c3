package bot

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/slack-go/slack"
)

// eventEnvelope is the outer Events API payload, over HTTP or Socket Mode.
type eventEnvelope struct {
	Type      string          `json:"type"`
	Challenge string          `json:"challenge"`
	EventID   string          `json:"event_id"`
	Event     json.RawMessage `json:"event"`
}

type innerEvent struct {
	Type string `json:"type"`
	User string `json:"user"`
	Tab  string `json:"tab"`
}

// eventCallback handles an Events API callback: the ack is empty and the
// work (publishing the Home tab) follows, once per event id however often
// Slack delivers it.
func (b *Bot) eventCallback(env *eventEnvelope) reply {
	var ev innerEvent
	if err := json.Unmarshal(env.Event, &ev); err != nil {
		b.log().Warn("slack: unreadable event", "event_id", env.EventID, "err", err)
		return reply{}
	}
	switch ev.Type {
	case "app_home_opened":
		if ev.Tab != "" && ev.Tab != "home" {
			return reply{} // the Messages tab
		}
		id, user := env.EventID, ev.User
		return reply{later: func(ctx context.Context) {
			if first, _ := b.first(ctx, "event:"+id); first {
				if err := b.PublishHome(ctx, user); err != nil {
					b.log().Error("slack: publish the Home tab", "user", user, "err", err)
				}
			}
		}}
	}
	b.log().Debug("slack: event ignored", "type", ev.Type)
	return reply{}
}

// PublishHome publishes a person's Home tab.
func (b *Bot) PublishHome(ctx context.Context, user string) error {
	msg, err := b.Handler.Home(ctx, user)
	if err != nil {
		return fmt.Errorf("build Home tab: %w", err)
	}
	view := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: slackBlocks(b.speak(msg), MaxViewBlocks)}}
	if _, err := b.API.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: user, View: view}); err != nil {
		return fmt.Errorf("views.publish: %w", err)
	}
	return nil
}
