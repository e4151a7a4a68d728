// Package tui holds what every ecswiz screen shares: the styles (one Styles struct with a
// light and a dark theme), the key map with its help, the form fields the wizard's steps
// are made of, and the helper that runs an AWS call as a command.
package tui

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Styles is every style a screen draws with. Screens never build their own colours, so a
// theme is changed here and nowhere else. NO_COLOR needs nothing from here: Bubble Tea
// downsamples the output to the terminal's colour profile, which NO_COLOR sets to none.
type Styles struct {
	Dark bool

	Title     lipgloss.Style // a screen's title
	Subtitle  lipgloss.Style // one line under a title
	Crumb     lipgloss.Style // a step in the header
	CrumbDone lipgloss.Style // a completed step in the header (one can jump to it)
	CrumbNow  lipgloss.Style // the current step in the header
	Context   lipgloss.Style // the AWS context line

	Label      lipgloss.Style // a field's label
	FocusLabel lipgloss.Style // the focused field's label
	Hint       lipgloss.Style // one-line explanation under a field
	Value      lipgloss.Style // a committed answer
	Cursor     lipgloss.Style // the ▸ before the selected option
	Selected   lipgloss.Style // the selected option
	Option     lipgloss.Style // an option that is not selected
	Disabled   lipgloss.Style // an option that cannot be chosen

	OK      lipgloss.Style // found, passing, done
	Warning lipgloss.Style
	Error   lipgloss.Style
	Muted   lipgloss.Style

	Tab       lipgloss.Style
	ActiveTab lipgloss.Style
	Box       lipgloss.Style // a framed panel (dialogs, previews)

	DiffAdd    lipgloss.Style
	DiffRemove lipgloss.Style
	DiffHunk   lipgloss.Style

	Help lipgloss.Style // the key help line
}

// NewStyles returns the dark theme when dark is true, else the light one.
func NewStyles(dark bool) Styles {
	pick := lipgloss.LightDark(dark)
	var (
		accent  = pick(lipgloss.Color("#5A3FC0"), lipgloss.Color("#B8A6FF"))
		text    = pick(lipgloss.Color("#1F1F1F"), lipgloss.Color("#E8E8E8"))
		muted   = pick(lipgloss.Color("#6B6B6B"), lipgloss.Color("#8C8C8C"))
		faint   = pick(lipgloss.Color("#A0A0A0"), lipgloss.Color("#5C5C5C"))
		green   = pick(lipgloss.Color("#1E7B34"), lipgloss.Color("#7BD88F"))
		yellow  = pick(lipgloss.Color("#8A5A00"), lipgloss.Color("#F2C94C"))
		red     = pick(lipgloss.Color("#B3261E"), lipgloss.Color("#FF7A70"))
		cyan    = pick(lipgloss.Color("#00677F"), lipgloss.Color("#6FD3E8"))
		border  = pick(lipgloss.Color("#C8C8C8"), lipgloss.Color("#444444"))
		tabBack = pick(lipgloss.Color("#E6E0FF"), lipgloss.Color("#3B2F6B"))
	)
	fg := func(c color.Color) lipgloss.Style { return lipgloss.NewStyle().Foreground(c) }
	return Styles{
		Dark:       dark,
		Title:      fg(accent).Bold(true),
		Subtitle:   fg(muted),
		Crumb:      fg(faint),
		CrumbDone:  fg(text),
		CrumbNow:   fg(accent).Bold(true).Underline(true),
		Context:    fg(muted),
		Label:      fg(text),
		FocusLabel: fg(accent).Bold(true),
		Hint:       fg(muted),
		Value:      fg(cyan),
		Cursor:     fg(accent).Bold(true),
		Selected:   fg(accent),
		Option:     fg(text),
		Disabled:   fg(faint),
		OK:         fg(green),
		Warning:    fg(yellow),
		Error:      fg(red),
		Muted:      fg(muted),
		Tab:        fg(muted).Padding(0, 1),
		ActiveTab:  fg(accent).Background(tabBack).Bold(true).Padding(0, 1),
		Box:        lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(border).Padding(0, 1),
		DiffAdd:    fg(green),
		DiffRemove: fg(red),
		DiffHunk:   fg(cyan),
		Help:       fg(muted),
	}
}
