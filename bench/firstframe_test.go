package bench

import (
	"context"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/ecswiz/ecswiz/internal/measure"
	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui/wizard"
)

// BenchmarkFirstFrame is the wizard's own share of its first frame ("in-process"): the
// model built, Init, the window's size and the first View, with the AWS session still
// loading (the connector never answers). bench/firstframe.sh measures the whole, from
// starting the binary to the frame on a real terminal.
func BenchmarkFirstFrame(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	blocked := func(context.Context) (*wizard.Session, error) { <-ctx.Done(); return nil, ctx.Err() }
	b.Run("in-process", func(b *testing.B) {
		sample, err := measure.Time(101, func() error {
			m := wizard.New(wizard.Options{Spec: model.NewSpec(), Connect: blocked})
			m.Init() // its commands, the session among them, run in the program's goroutines
			m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
			if v := m.View(); !strings.Contains(v.Content, "loading profile, Region and account") {
				return fmt.Errorf("the first frame does not show the session loading:\n%s", v.Content)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		measure.Report(b, sample, nil)
	})
}
