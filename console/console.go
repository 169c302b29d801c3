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
	"github.com/sevenoaks-csp/actionbot/outbox"
)

// Outbox is what the console needs to show queued posts as they go out:
// the outbox (store.DB) and whose messages this run's are (its console
// Owner). The console's sender takes the run's own posts only: posts
// queued for Slack, by the bot or before a stop, are the Slack sender's,
// and the console never prints them nor marks them sent.
type Outbox interface {
	outbox.Store
	OutboxOwner() string
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
	// Two lines, each within a terminal's width (issue 25: a newcomer's
	// first screen).
	c.printf("Type /action help, or an action number such as /action %s.\n", c.examples(context.Background()).Ref)
	c.printf("You are %s; /as U123 acts as another person; /help lists the console's own commands. /quit leaves.\n\n", c.User)
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

// Transport is the console as a transport of the outbox: its "API"
// prints each post of the run as it goes out.
type Transport struct {
	Console *Console
	// Of is whose posts it prints: the run's console owner.
	Of string
}

// Owner is the console run's owner of its posts.
func (t *Transport) Owner() string { return t.Of }

// Name names the transport in the log.
func (t *Transport) Name() string { return "console" }

// Send prints a post as the bot would send it.
func (t *Transport) Send(_ context.Context, m *actionbot.Outgoing, _ string) (outbox.Sent, *outbox.Failure) {
	to := "#" + m.To
	if m.IsDirect() {
		to = "@" + m.To + " (direct message)"
	}
	t.Console.printf("\n── posted to %s (%s) ──\n%s\n", to, m.Kind, Render(m.Message))
	return outbox.Sent{Ref: "console"}, nil
}

// sender is the delivery loop of the run's posts on the clock now, in the
// order they were queued.
func (c *Console) sender(box Outbox, now func() time.Time, poll time.Duration) *outbox.Sender {
	return &outbox.Sender{Store: box, Transport: &Transport{Console: c, Of: box.OutboxOwner()}, Logger: c.logger(), Now: now, Poll: poll, InOrder: true}
}

// Deliver prints the run's queued posts as they go out, and marks them
// sent, reading the outbox every poll. It returns when ctx is done.
func (c *Console) Deliver(ctx context.Context, box Outbox, now func() time.Time, poll time.Duration) {
	if err := c.sender(box, now, poll).Run(ctx); err != nil {
		c.logger().Error("console delivery", "err", err)
	}
}

// Serve runs the console until its input ends, printing the run's posts
// as they go out (Deliver, every second) beside the bot's jobs, which
// beside starts on a context that ends with the input and whose wait it
// returns. Before it returns it prints what the last command queued.
func (c *Console) Serve(ctx context.Context, box Outbox, now func() time.Time, beside func(ctx context.Context) (wait func())) error {
	dctx, cancel := context.WithCancel(ctx)
	var delivering sync.WaitGroup
	delivering.Go(func() { c.Deliver(dctx, box, now, time.Second) })
	waitBeside := beside(dctx)
	err := c.Run(ctx)
	cancel()
	delivering.Wait()
	waitBeside()
	if derr := c.DeliverOnce(context.WithoutCancel(ctx), box, now()); derr != nil && err == nil {
		err = derr
	}
	return err
}

// DeliverOnce prints every post of the run due at now.
func (c *Console) DeliverOnce(ctx context.Context, box Outbox, now time.Time) error {
	return c.sender(box, func() time.Time { return now }, 0).Drain(ctx)
}

func (c *Console) logger() *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	return slog.Default()
}
