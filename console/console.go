package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/sevenoaks-csp/actionbot"
	"github.com/sevenoaks-csp/actionbot/commands"
)

// Outbox is what the console needs to show queued posts as they go out.
// It holds the console run's own posts only (store.DB with a console Owner):
// posts queued for Slack, by the bot or before a stop, are the Slack
// sender's, and the console never prints them nor marks them sent.
type Outbox interface {
	PendingOutgoing(ctx context.Context, now time.Time, limit int) ([]*actionbot.Outgoing, error)
	MarkSent(ctx context.Context, id int64, remoteRef string) error
}

// Console reads commands from In and writes answers to Out.
type Console struct {
	Handler *commands.Handler
	In      io.Reader
	Out     io.Writer
	// User is the acting user; /as switches it.
	User string
	// Channel is the channel the console pretends to be in.
	Channel string
	// Prompt writes a prompt before each line (for a terminal).
	Prompt bool
	Logger *slog.Logger
	// Next moves the console's clock to the next scheduled run (the
	// digest, the reminders' sweep), makes that run, and says where the
	// clock now is; nil when the console runs on the wall clock.
	Next func(ctx context.Context) (string, error)
	// Box and Clock, when set, let /next print what its run queued at once,
	// before the next line is read.
	Box   Outbox
	Clock func() time.Time

	mu sync.Mutex // serialises writes to Out
}

// Banner is printed when the console starts. Its example is an action of
// the current plan.
func (c *Console) Banner(planName string) {
	c.printf("actionbot console — %s\n", planName)
	c.printf("Type /action help, or an action number such as /action %s. You are %s; /as U123 acts as another person; /help lists the console's own commands. /quit leaves.\n\n", c.examples(context.Background()).Ref, c.User)
}

// examples are the current plan's examples; the shipped plan's when the
// console has no handler.
func (c *Console) examples(ctx context.Context) actionbot.Examples {
	if c.Handler == nil {
		return actionbot.ExamplesOf(nil, nil, nil)
	}
	return c.Handler.Examples(ctx)
}

func (c *Console) printf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	// Nothing non-printable reaches the terminal, whatever the database holds.
	io.WriteString(c.Out, actionbot.Printable(fmt.Sprintf(format, args...)))
}

func (c *Console) prompt() {
	if c.Prompt {
		c.printf("%s> ", c.User)
	}
}

// Run reads lines until /quit, end of input or ctx is done.
func (c *Console) Run(ctx context.Context) error {
	lines := make(chan string)
	errc := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(c.In)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
		errc <- sc.Err()
		close(lines)
	}()
	c.prompt()
	for {
		select {
		case <-ctx.Done():
			return nil
		case line, ok := <-lines:
			if !ok {
				if err := <-errc; err != nil {
					return fmt.Errorf("read console input: %w", err)
				}
				return nil
			}
			if quit := c.line(ctx, line); quit {
				return nil
			}
			c.prompt()
		}
	}
}

// line handles one line; it reports whether to quit.
func (c *Console) line(ctx context.Context, line string) bool {
	line = strings.TrimSpace(line)
	word, rest, _ := strings.Cut(line, " ")
	rest = strings.TrimSpace(rest)
	switch strings.ToLower(word) {
	case "":
		return false
	case "/quit", "/exit", "/q":
		return true
	case "/as":
		id, ok := commands.ParseUser(rest)
		if !ok {
			c.printf("Give a Slack-style user ID: /as U123ABC\n")
			return false
		}
		c.User = id
		c.printf("You are now %s.\n", id)
		return false
	case "/in":
		id, ok := commands.ParseChannel(rest)
		if !ok {
			c.printf("Give a Slack-style channel ID: /in C123ABC\n")
			return false
		}
		c.Channel = id
		c.printf("You are now in #%s.\n", id)
		return false
	case "/help", "/?":
		c.printf("%s", consoleHelp(c.examples(ctx)))
		return false
	case "/next":
		if c.Next == nil {
			c.printf("/next moves a console clock that runs from another instant: start the console with -as-of, e.g. -as-of 2012-11-05T08:29.\n")
			return false
		}
		said, err := c.Next(ctx)
		if err != nil {
			c.printf("⚠️ %s\n", actionbot.ErrorMessage(err))
			return false
		}
		c.printf("%s\n", said)
		if c.Box != nil && c.Clock != nil {
			if err := c.DeliverOnce(ctx, c.Box, c.Clock()); err != nil {
				c.printf("⚠️ %s\n", actionbot.ErrorMessage(err))
			}
		}
		return false
	case "/action":
		line = rest
	default:
		if strings.HasPrefix(word, "/") {
			c.printf("Unknown console command %s: /help lists the console's commands, /action help the bot's.\n", word)
			return false
		}
	}
	msg := c.Handler.Handle(ctx, commands.Request{UserID: c.User, ChannelID: c.Channel, Text: line})
	if msg.Public {
		// In Slack a shared reply is posted for the whole channel to see;
		// here it would look like any other reply without this line.
		c.printf("── shared: posted to #%s for everyone in it ──\n", c.Channel)
	}
	c.printf("%s\n", Render(msg))
	return false
}

// consoleHelp lists the console's own commands, beside /action's, with the
// current plan's examples.
func consoleHelp(ex actionbot.Examples) string {
	return strings.NewReplacer("{ref}", ex.Ref, "{agency}", ex.AgencyCode).Replace(consoleHelpText)
}

const consoleHelpText = `Console commands:
  /action <command>   a command as typed in Slack, e.g. /action {ref} or /action list overdue
                      (the /action may be left out: {ref} done works)
  /action help        what /action can do; /action help <verb> explains one
  /as <user>          act as another person: /as U0123ABCD (or @U0123ABCD)
  /in <channel>       be in another channel: /in C0123ABCD (or #C0123ABCD)
  /next               with -as-of: jump the clock to the next digest or reminders' run,
                      and show what goes out
  /help               this list
  /quit               leave (also /exit, /q, or end of input)
People and channels are given by their Slack IDs wherever Slack takes a mention:
  /action admin member add U0123ABCD {agency}. Replies starting "shared" were posted to
  the channel; the others are private, as in Slack. Posts the bot sends by itself
  (reminders, the digest, announcements) are printed as they go out.
`

// Deliver prints the run's queued posts as a Slack sender would send them,
// and marks them sent. It returns when ctx is done.
func (c *Console) Deliver(ctx context.Context, box Outbox, now func() time.Time, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := c.DeliverOnce(ctx, box, now()); err != nil && ctx.Err() == nil {
			c.logger().Error("console delivery", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// DeliverOnce prints every pending post of the run due at now.
func (c *Console) DeliverOnce(ctx context.Context, box Outbox, now time.Time) error {
	msgs, err := box.PendingOutgoing(ctx, now, 100)
	if err != nil {
		return err
	}
	for _, m := range msgs {
		to := "#" + m.To
		if m.IsDirect() {
			to = "@" + m.To + " (direct message)"
		}
		c.printf("\n── posted to %s (%s) ──\n%s\n", to, m.Kind, Render(m.Message))
		if err := box.MarkSent(ctx, m.ID, "console"); err != nil {
			return fmt.Errorf("mark %d sent: %w", m.ID, err)
		}
	}
	return nil
}

func (c *Console) logger() *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	return slog.Default()
}
