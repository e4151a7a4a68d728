package wizard

import (
	"context"
	"flag"
	"log/slog"
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
	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// The wizard's tests drive steps in-process: keys go to Update, the commands it returns
// run at once (AWS calls against fakeaws, which speaks the real wire protocols), and
// their messages go back to Update until nothing is left to do.

var update = flag.Bool("update", false, "rewrite the golden screens in testdata/")

// demoSession starts the demo account and returns a session on it.
func demoSession(t *testing.T, opts ...fakeaws.Option) (*Session, *fakeaws.Server) {
	t.Helper()
	srv := fakeaws.NewDemo(opts...)
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
	return &Session{Region: srv.Region(), Account: srv.Account(), Demo: true, Cloud: NewCloud(clients)}, srv
}

// newTestEnv is a step's env over spec, with session (nil: offline).
func newTestEnv(spec model.Spec, session *Session) *env {
	st := tui.NewStyles(true)
	if session == nil {
		session = &Session{}
	}
	return &env{spec: &spec, session: session, styles: &st, log: slog.New(slog.DiscardHandler)}
}

// demoSpec is a complete spec on the demo account, as a person would have answered.
func demoSpec() model.Spec {
	s := model.NewSpec()
	s.AppName, s.Environment, s.ContainerName = "demo-shop", "dev", "demo-shop"
	s.ContainerImage = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/demo-shop:1.4.2"
	s.ExecutionRoleARN = "arn:aws:iam::123456789012:role/demo-shop-execution"
	s.LogGroupName = "/ecs/demo-shop-dev"
	s.AWSRegion = "eu-west-2"
	return s
}

// settle runs cmd and feeds every message it yields back to update, until no command
// is left. Bubble Tea's own timing messages (spinner ticks, blinks) are dropped: the
// root wizard owns those.
func settle(t *testing.T, update func(tea.Msg) tea.Cmd, cmd tea.Cmd) {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 1000 {
			t.Fatal("settle: commands never stop coming")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := runCmd(t, c)
		switch msg := msg.(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		default:
			if isCharmInternal(msg) {
				continue
			}
			queue = append(queue, update(msg))
		}
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

// isCharmInternal reports messages of the Charm libraries' own timing (ticks, blinks).
func isCharmInternal(msg tea.Msg) bool {
	pkg := reflect.TypeOf(msg).PkgPath()
	return strings.HasPrefix(pkg, "charm.land/") && !strings.HasPrefix(pkg, "charm.land/bubbletea")
}

// press is a key press as Bubble Tea delivers it: "enter", "tab", "ctrl+t", "a", "A".
func press(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
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

// typeText is one key press per character.
func typeText(t *testing.T, update func(tea.Msg) tea.Cmd, text string) {
	t.Helper()
	for _, r := range text {
		settle(t, update, update(press(string(r))))
	}
}

// keys presses each key and settles its commands.
func keys(t *testing.T, update func(tea.Msg) tea.Cmd, ks ...string) {
	t.Helper()
	for _, k := range ks {
		settle(t, update, update(press(k)))
	}
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
