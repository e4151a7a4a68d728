package doctorui

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
	"github.com/ecswiz/ecswiz/internal/doctor"
)

// The screens' tests drive the model in-process: keys go to Update, the commands it
// returns run at once (AWS calls against fakeaws, which speaks the real wire protocols),
// and their messages go back to Update until nothing is left to do.

var update = flag.Bool("update", false, "rewrite the golden screens in testdata/")

// demoNow is the demo account's clock: every "ago" of the demo is from it.
var demoNow = time.Date(2025, 6, 3, 14, 30, 0, 0, time.UTC)

func demoClock() time.Time { return demoNow }

// demo starts the demo account at demoNow and returns its clients.
func demo(t *testing.T, opts ...fakeaws.Option) (*aws.Clients, *fakeaws.Server) {
	t.Helper()
	srv := fakeaws.NewDemo(append([]fakeaws.Option{fakeaws.WithClock(demoClock)}, opts...)...)
	if _, err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	clients, err := aws.Load(context.Background(), aws.Options{
		Region:      srv.Region(),
		EndpointURL: srv.URL(),
		Credentials: &aws.StaticCredentials{AccessKeyID: "demo", SecretAccessKey: "demo"},
		Getenv:      func(string) string { return "" },
		HomeDir:     t.TempDir(),
		MaxAttempts: 1,
		CallTimeout: 5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
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
		d.send(press(k))
	}
}

// screen is the frame as the terminal shows it, without colours.
func (d *driver) screen() string { return plain(d.m.View().Content) }

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
		msg := runCmd(d.t, c)
		switch msg := msg.(type) {
		case nil:
		case tea.BatchMsg:
			d.queue = append(d.queue, msg...)
		case tea.QuitMsg:
			d.quit = true
		case followTickMsg:
			d.deferred = append(d.deferred, msg)
		default:
			if isCharmInternal(msg) {
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

// runCmd runs one command, failing the test if it takes more than 10 s.
func runCmd(t *testing.T, c tea.Cmd) tea.Msg {
	t.Helper()
	done := make(chan tea.Msg, 1)
	go func() { done <- c() }()
	select {
	case msg := <-done:
		return msg
	case <-time.After(10 * time.Second):
		t.Fatal("a command did not return within 10 s")
		return nil
	}
}

// isCharmInternal reports messages of the Charm libraries' own timing (spinner ticks).
func isCharmInternal(msg tea.Msg) bool {
	pkg := reflect.TypeOf(msg).PkgPath()
	return strings.HasPrefix(pkg, "charm.land/") && !strings.HasPrefix(pkg, "charm.land/bubbletea")
}

// press is a key press as Bubble Tea delivers it: "enter", "esc", "ctrl+c", "f".
func press(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "pgup":
		return tea.KeyPressMsg{Code: tea.KeyPgUp}
	}
	if mod, rest, ok := strings.Cut(k, "+"); ok && len(rest) == 1 {
		m := map[string]tea.KeyMod{"ctrl": tea.ModCtrl, "alt": tea.ModAlt}[mod]
		return tea.KeyPressMsg{Code: rune(rest[0]), Mod: m}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// plain is a view without colours or styles, as the golden screens hold it.
func plain(view string) string {
	lines := strings.Split(ansi.Strip(view), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// golden compares got with testdata/NAME.golden, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, t.Name())
	}
	if string(want) != got {
		t.Errorf("screen %s differs from the golden file (go test -update rewrites it):\n--- want\n%s\n--- got\n%s", name, want, got)
	}
}
