package doctorui

import (
	"github.com/ecswiz/ecswiz/internal/tui/tuitest"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/aws/awstest"
	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
	"github.com/ecswiz/ecswiz/internal/doctor"
)

// The screens' tests drive the model in-process: keys go to Update, the commands it
// returns run at once (AWS calls against fakeaws, which speaks the real wire protocols),
// and their messages go back to Update until nothing is left to do.

// demoNow is the demo account's clock: every "ago" of the demo is from it.
var demoNow = time.Date(2025, 6, 3, 14, 30, 0, 0, time.UTC)

func demoClock() time.Time { return demoNow }

// demo starts the demo account at demoNow and returns its clients.
func demo(t *testing.T, opts ...fakeaws.Option) (*aws.Clients, *fakeaws.Server) {
	t.Helper()
	srv := fakeaws.NewDemo(append([]fakeaws.Option{fakeaws.WithClock(demoClock)}, opts...)...)
	clients := awstest.Start(t, srv)
	return clients, srv
}

// demoOptions are the screens' options on the demo account.
func demoOptions(clients *aws.Clients, srv *fakeaws.Server) Options {
	return Options{
		ECS:  clients.ECS,
		Logs: clients.Logs,
		Checker: &doctor.Checker{Parameters: clients.Parameters, Images: clients.ECR, Logs: clients.Logs,
			Roles: clients.IAM, Region: srv.Region(), Account: srv.Account()},
		Now:         demoClock,
		FollowEvery: time.Millisecond,
	}
}

// driver runs a Model as the program would, without a terminal.
type driver struct {
	t        *testing.T
	m        *Model
	queue    []tea.Cmd // commands not run yet
	quit     bool      // a command asked to quit
	deferred []tea.Msg // follow ticks held back: the test sends them when it wants
}

// begin builds the model and sizes the window; its first commands wait in the queue.
func begin(t *testing.T, o Options, width, height int) *driver {
	t.Helper()
	d := &driver{t: t, m: New(o)}
	d.m.Update(tea.WindowSizeMsg{Width: width, Height: height})
	d.queue = append(d.queue, d.m.Init())
	return d
}

// start builds the model, sizes the window and settles its first commands.
func start(t *testing.T, o Options, width, height int) *driver {
	t.Helper()
	d := begin(t, o, width, height)
	d.drain(nil)
	return d
}

func (d *driver) send(msg tea.Msg) {
	d.t.Helper()
	_, cmd := d.m.Update(msg)
	d.settle(cmd)
}

// keys presses each key and settles its commands.
func (d *driver) keys(ks ...string) {
	d.t.Helper()
	for _, k := range ks {
		d.send(tuitest.Press(k))
	}
}

// screen is the frame as the terminal shows it, without colours.
func (d *driver) screen() string { return tuitest.Plain(d.m.View().Content) }

// settle runs cmd and everything it leads to.
func (d *driver) settle(cmd tea.Cmd) {
	d.t.Helper()
	d.queue = append(d.queue, cmd)
	d.drain(nil)
}

// drain runs the queued commands and feeds every message they yield back to Update,
// until none is left or until holds. Spinner ticks are dropped; follow ticks are kept
// for the test to send.
func (d *driver) drain(until func() bool) {
	d.t.Helper()
	for steps := 0; len(d.queue) > 0; steps++ {
		if until != nil && until() {
			return
		}
		if steps > 2000 {
			d.t.Fatal("settle: commands never stop coming")
		}
		c := d.queue[0]
		d.queue = d.queue[1:]
		if c == nil {
			continue
		}
		msg := tuitest.RunCmd(d.t, c)
		switch msg := msg.(type) {
		case nil:
		case tea.BatchMsg:
			d.queue = append(d.queue, msg...)
		case tea.QuitMsg:
			d.quit = true
		case followTickMsg:
			d.deferred = append(d.deferred, msg)
		default:
			if tuitest.IsCharmInternal(msg) {
				continue
			}
			_, next := d.m.Update(msg)
			d.queue = append(d.queue, next)
		}
	}
	if until != nil && !until() {
		d.t.Fatalf("nothing left to run, and the screen is not there yet:\n%s", d.screen())
	}
}

// tick sends the follow ticks held back.
func (d *driver) tick() {
	d.t.Helper()
	msgs := d.deferred
	d.deferred = nil
	for _, m := range msgs {
		d.send(m)
	}
}
