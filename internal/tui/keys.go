package tui

import "charm.land/bubbles/v2/key"

// KeyMap is every key ecswiz answers to, with the help shown for it. Screens match keys
// through it and never by their literal names, so a key changes here only.
type KeyMap struct {
	Next      key.Binding // accept the field or the step
	Back      key.Binding // go back a step, or leave a dialog
	Quit      key.Binding // ask before quitting
	NextField key.Binding
	PrevField key.Binding
	Up        key.Binding // the option above, or scroll
	Down      key.Binding
	Toggle    key.Binding // flip a yes/no, pick an item
	Jump      key.Binding // alt+N: go to a completed step
	TypeOwn   key.Binding // type a value instead of picking one
	Add       key.Binding
	Delete    key.Binding
	Edit      key.Binding
	Create    key.Binding
	Retry     key.Binding
	PrevTab   key.Binding
	NextTab   key.Binding
	PageUp    key.Binding
	PageDown  key.Binding
	Yes       key.Binding
	No        key.Binding
	Follow    key.Binding // the troubleshooter: follow a log stream as it grows
	Fix       key.Binding // the troubleshooter: open the wizard on the revision to fix it
}

// Keys is the key map of every screen.
var Keys = KeyMap{
	Next:      key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next")),
	Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
	Quit:      key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
	NextField: key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab/↓", "next field")),
	PrevField: key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab/↑", "previous field")),
	Up:        key.NewBinding(key.WithKeys("up"), key.WithHelp("↑", "up")),
	Down:      key.NewBinding(key.WithKeys("down"), key.WithHelp("↓", "down")),
	Toggle:    key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "toggle")),
	Jump: key.NewBinding(
		key.WithKeys("alt+1", "alt+2", "alt+3", "alt+4", "alt+5", "alt+6", "alt+7", "alt+8", "alt+9"),
		key.WithHelp("alt+1…9", "go to step")),
	TypeOwn:  key.NewBinding(key.WithKeys("ctrl+t"), key.WithHelp("ctrl+t", "type a value")),
	Add:      key.NewBinding(key.WithKeys("ctrl+a"), key.WithHelp("ctrl+a", "add")),
	Delete:   key.NewBinding(key.WithKeys("ctrl+d"), key.WithHelp("ctrl+d", "delete")),
	Edit:     key.NewBinding(key.WithKeys("ctrl+e"), key.WithHelp("ctrl+e", "edit")),
	Create:   key.NewBinding(key.WithKeys("ctrl+n"), key.WithHelp("ctrl+n", "create")),
	Retry:    key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "retry")),
	PrevTab:  key.NewBinding(key.WithKeys("left", "shift+tab"), key.WithHelp("←", "previous tab")),
	NextTab:  key.NewBinding(key.WithKeys("right", "tab"), key.WithHelp("→", "next tab")),
	PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
	PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
	Yes:      key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "yes")),
	No:       key.NewBinding(key.WithKeys("n", "N"), key.WithHelp("n", "no")),
	Follow:   key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "follow logs")),
	Fix:      key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "fix in wizard")),
}
