package wizard

import (
	"context"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ecswiz/ecswiz/internal/tui"
)

// stubStep stands in for a step not built yet: Enter moves on. DELETE when every step exists.
type stubStep struct {
	env   *env
	title string
}

func (s *stubStep) Title() string                { return s.title }
func (s *stubStep) Init(context.Context) tea.Cmd { return nil }
func (s *stubStep) Connected() tea.Cmd           { return nil }
func (s *stubStep) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, tui.Keys.Next) {
		return stepDone
	}
	return nil
}
func (s *stubStep) View() string        { return s.env.styles.Title.Render(s.title) + "\n\n(not built yet)" }
func (s *stubStep) SetSize(int, int)    {}
func (s *stubStep) Capturing() bool     { return false }
func (s *stubStep) Help() []key.Binding { return []key.Binding{tui.Keys.Next} }
