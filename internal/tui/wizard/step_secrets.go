package wizard

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui"
)

// parameterStore is what the secrets step asks of Parameter Store. No call reads a value.
type parameterStore interface {
	List(ctx context.Context, prefix string, progress func(n int)) ([]aws.Parameter, []aws.Warning, error)
	Exist(ctx context.Context, names []string) (map[string]bool, error)
	Keys(ctx context.Context, names []string) (map[string]string, error)
	CreateSecureString(ctx context.Context, name, value, kmsKeyID string, overwrite bool) (int64, error)
}

func newSecretsStep(e *env) step { return &secretsStep{env: e} }

// secretsPresence is what is known of a parameter the container reads.
type secretsPresence int

const (
	secretsUnchecked secretsPresence = iota // not known: offline, not allowed, a Secrets Manager secret
	secretsChecking                         // a listing or a check is on its way
	secretsFound
	secretsMissing
)

// secretsFocus is the part of the screen the cursor is in.
type secretsFocus int

const (
	secretsFocusRequired secretsFocus = iota
	secretsFocusPicks
	secretsFocusTree
)

// secretsPickWindow is how many extra secrets are listed at once.
const secretsPickWindow = 3

// secretsListing is a listing of the parameters under the prefix: metadata only.
type secretsListing struct {
	params   []aws.Parameter
	warnings []aws.Warning
}

// secretsCheck is an Exist call: the names asked about and those that exist.
type secretsCheck struct {
	names []string
	found map[string]bool
}

// secretsCreated is a parameter created by the step.
type secretsCreated struct {
	name    string
	version int64
}

// secretsStep shows the parameters under the spec's prefix as a filtered tree, checks
// the required secrets, exposes extra parameters as secrets and creates missing ones.
// It reads metadata only: no call it makes returns a value.
type secretsStep struct {
	env           *env
	ctx           context.Context
	width, height int

	// The listing of the parameters under the prefix.
	listPrefix string // the prefix listed (or being listed)
	listID     int64  // the listing waited for; 0 when none
	loading    bool
	listed     bool          // the listing finished
	progress   *atomic.Int64 // the running count of the listing on its way
	listErr    error
	warnings   []aws.Warning
	params     []aws.Parameter
	byName     map[string]int
	byARN      map[string]string // ARN → name
	tree       *tui.Tree
	filter     string
	// showFilter keeps the tree in view while a filter is typed, until the cursor moves.
	showFilter bool

	// Exist checks of names the listing does not answer for.
	exists   map[string]bool
	checking map[string]bool
	checkIDs map[int64]bool
	checkErr error
	// recheck are names whose listing may be out of date (a parameter whose creation
	// was on its way when the person left the step): they are asked about again.
	recheck map[string]bool

	required   []model.SecretRef   // the module's, in order
	requiredBy map[string]string   // parameter name → required env name
	picks      []model.SecretRef   // secrets_from_parameter_store, by env name
	pickedBy   map[string][]string // parameter name (an ARN resolved when listed) → env names

	focus      secretsFocus
	reqCursor  int
	pickCursor int
	pickTop    int

	pick   *secretsPickDialog
	create *secretsCreateDialog
	prefix *secretsPrefixDialog

	status    string
	statusErr bool
	// hintAt is the row the status is a hint about ("" when it is not one): the hint
	// goes when the cursor leaves the row.
	hintAt     string
	hintStatus string
}

func (s *secretsStep) Title() string { return "Secrets" }

func (s *secretsStep) Init(ctx context.Context) tea.Cmd {
	s.ctx = ctx
	if s.create != nil {
		s.create.value.SetValue("") // a value typed before leaving the step is not kept
		if s.create.creating {
			// PutParameter may have succeeded after all: its answer went nowhere.
			if s.recheck == nil {
				s.recheck = map[string]bool{}
			}
			s.recheck[strings.TrimSpace(s.create.name.Value())] = true
		}
	}
	s.pick, s.create, s.prefix = nil, nil, nil
	s.status, s.statusErr, s.hintAt, s.hintStatus = "", false, "", ""
	s.sync()
	if s.env.cloud() == nil || s.listPrefix != s.env.spec.ParameterPrefix() || !s.listed || s.listErr != nil {
		return s.Connected()
	}
	s.checkIDs, s.checking = map[int64]bool{}, map[string]bool{} // the calls of the last visit were cancelled
	for name := range s.recheck {
		delete(s.exists, name)
	}
	s.relayout()
	return s.checkOutside()
}

func (s *secretsStep) Connected() tea.Cmd {
	s.sync()
	cmd := s.load()
	s.relayout()
	return cmd
}

// sync reads the required secrets and the picks from the spec.
func (s *secretsStep) sync() {
	spec := *s.env.spec
	s.required = model.RequiredSecrets(spec)
	s.requiredBy = make(map[string]string, len(s.required))
	for _, r := range s.required {
		s.requiredBy[r.ValueFrom] = r.Name
	}
	s.picks = s.picks[:0]
	s.pickedBy = map[string][]string{}
	for _, name := range slices.Sorted(maps.Keys(spec.SecretsFromParameterStore)) {
		from := spec.SecretsFromParameterStore[name]
		s.picks = append(s.picks, model.SecretRef{Name: name, ValueFrom: from})
		if n, ok := s.byARN[from]; ok {
			from = n
		}
		s.pickedBy[from] = append(s.pickedBy[from], name)
	}
	s.reqCursor = max(0, min(s.reqCursor, len(s.required)-1))
	s.pickCursor = max(0, min(s.pickCursor, len(s.picks)-1))
	if s.focus == secretsFocusPicks && len(s.picks) == 0 {
		s.focus = secretsFocusRequired
		if s.tree != nil && s.tree.Len() > 0 {
			s.focus = secretsFocusTree
		}
	}
	s.scrollPicks()
}

// load starts listing the prefix, forgetting what an earlier listing found.
func (s *secretsStep) load() tea.Cmd {
	prefix := s.env.spec.ParameterPrefix()
	s.listPrefix, s.listID = prefix, 0
	s.loading, s.listed, s.listErr, s.warnings = false, false, nil, nil
	s.params, s.byName, s.byARN, s.tree = nil, nil, nil, nil
	s.exists, s.checking, s.checkIDs, s.checkErr = map[string]bool{}, map[string]bool{}, map[int64]bool{}, nil
	s.recheck = map[string]bool{}
	s.sync()
	cloud := s.env.cloud()
	if cloud == nil {
		return nil
	}
	if problem := s.prefixProblem(); problem != nil {
		s.listErr = problem
		return nil
	}
	s.loading = true
	s.listID = tui.NewID()
	count := new(atomic.Int64)
	s.progress = count
	log := s.env.log
	list := tui.Call(s.ctx, s.listID, func(ctx context.Context) (secretsListing, error) {
		// progress comes from the listing's goroutines; View reads the count.
		start := time.Now()
		ps, ws, err := cloud.Parameters.List(ctx, prefix, func(n int) { count.Store(int64(n)) })
		took := time.Since(start).Round(time.Millisecond)
		if err != nil {
			log.Warn("parameters not listed", "prefix", prefix, "duration", took, "error", tui.ErrorLine(err))
		} else {
			log.Info("parameters listed", "prefix", prefix, "count", len(ps), "duration", took, "warnings", len(ws))
		}
		for _, w := range ws {
			log.Warn("part of the parameters not listed", "prefix", prefix, "part", w.Part, "error", tui.ErrorLine(w.Err))
		}
		return secretsListing{params: ps, warnings: ws}, err
	})
	return tea.Batch(list, s.checkOutside())
}

// prefixProblem says why the prefix cannot be listed (it is not known yet, or invalid).
func (s *secretsStep) prefixProblem() error {
	spec := *s.env.spec
	if spec.ParameterStorePrefix == "" && (spec.AppName == "" || spec.Environment == "") {
		return errors.New("the prefix /APP/ENV needs the app name and the environment: set them in step 1 (Application)")
	}
	for _, field := range []string{"parameter_store_prefix", "app_name"} {
		if err := fieldError(spec, field, false, func(*model.Spec) {}); err != nil {
			return fmt.Errorf("%s: %w", field, err)
		}
	}
	return nil
}

func (s *secretsStep) listLoaded(l secretsListing, err error) tea.Cmd {
	s.loading, s.listed = false, true
	if err != nil {
		s.listErr = err
		return s.checkOutside() // the required secrets are checked one by one instead
	}
	s.setParams(l.params)
	s.warnings = l.warnings
	if len(l.warnings) > 0 {
		s.status, s.statusErr = secretsWarningLine(l.warnings), true
	}
	return s.checkOutside()
}

// setParams shows params (sorted by name) in the tree, keeping the filter.
func (s *secretsStep) setParams(params []aws.Parameter) {
	s.params = params
	s.byName = make(map[string]int, len(params))
	s.byARN = make(map[string]string)
	names := make([]string, len(params))
	for i, p := range params {
		names[i] = p.Name
		s.byName[p.Name] = i
		if p.ARN != "" {
			s.byARN[p.ARN] = p.Name
		}
	}
	s.tree = tui.NewTree(s.listPrefix, names)
	s.tree.SetFilter(s.filter)
	s.sync()
}

func secretsWarningLine(ws []aws.Warning) string {
	line := "Part of the listing could not be read: " + oneLine(ws[0].String())
	if len(ws) > 1 {
		line += fmt.Sprintf(" (and %d more parts)", len(ws)-1)
	}
	return line
}

// checkOutside checks the names the listing does not answer for: picks outside the
// prefix (other names, ARNs) and, when the listing failed or was partial, the required
// secrets it did not show.
func (s *secretsStep) checkOutside() tea.Cmd {
	cloud := s.env.cloud()
	if cloud == nil {
		return nil
	}
	var names []string
	ask := func(from string) {
		switch p, _ := s.presence(from); {
		case p == secretsFound, p == secretsMissing, s.checking[from], model.IsSecretsManagerARN(from), slices.Contains(names, from):
			return
		case s.loading && underPrefix(s.listPrefix, from):
			return // the listing will say
		}
		names = append(names, from)
	}
	for _, p := range s.picks {
		ask(p.ValueFrom)
	}
	for name := range s.recheck {
		ask(name)
	}
	if !s.loading {
		for _, r := range s.required {
			ask(r.ValueFrom)
		}
	}
	if len(names) == 0 {
		return nil
	}
	for _, n := range names {
		s.checking[n] = true
	}
	id := tui.NewID()
	s.checkIDs[id] = true
	log := s.env.log
	return tui.Call(s.ctx, id, func(ctx context.Context) (secretsCheck, error) {
		found, err := cloud.Parameters.Exist(ctx, names)
		if err != nil {
			log.Warn("parameters not checked", "names", names, "error", tui.ErrorLine(err))
		} else {
			log.Debug("parameters checked", "names", names, "found", countTrue(found))
		}
		return secretsCheck{names: names, found: found}, err
	})
}

// countTrue is how many of m's values are true.
func countTrue(m map[string]bool) int {
	n := 0
	for _, v := range m {
		if v {
			n++
		}
	}
	return n
}

func (s *secretsStep) checked(c secretsCheck, err error) {
	for _, n := range c.names {
		delete(s.checking, n)
	}
	if err != nil {
		s.checkErr = err
		s.status, s.statusErr = "Checking parameters: "+oneLine(tui.ErrorLine(err)), true
		return
	}
	s.checkErr = nil
	maps.Copy(s.exists, c.found)
	for _, n := range c.names {
		if s.recheck[n] {
			delete(s.recheck, n)
			if c.found[n] {
				s.markCreated(n, 0)
			}
		}
	}
}

// presence is what is known of the parameter named (or ARN'd) from, with a note.
func (s *secretsStep) presence(from string) (secretsPresence, string) {
	if _, ok := s.byName[from]; ok {
		return secretsFound, ""
	}
	if _, ok := s.byARN[from]; ok {
		return secretsFound, ""
	}
	if found, ok := s.exists[from]; ok {
		if found {
			return secretsFound, ""
		}
		return secretsMissing, ""
	}
	if s.listed && s.listErr == nil && len(s.warnings) == 0 && underPrefix(s.listPrefix, from) && !s.recheck[from] {
		return secretsMissing, ""
	}
	switch {
	case s.env.connecting():
		return secretsUnchecked, "not checked yet: connecting"
	case s.env.cloud() == nil:
		return secretsUnchecked, "not checked: offline"
	case model.IsSecretsManagerARN(from):
		return secretsUnchecked, "Secrets Manager: not checked"
	case s.checking[from] || (s.loading && underPrefix(s.listPrefix, from)):
		return secretsChecking, "checking…"
	case s.checkErr != nil:
		return secretsUnchecked, "not checked: " + aws.KindOf(s.checkErr).String()
	}
	return secretsUnchecked, "not checked"
}

func underPrefix(prefix, name string) bool {
	return prefix != "" && strings.HasPrefix(name, prefix+"/")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Update handles the step's keys and the answers of its calls.
func (s *secretsStep) Update(msg tea.Msg) tea.Cmd {
	cmd := s.update(msg)
	if s.hintAt != "" && (s.status != s.hintStatus || s.cursorRow() != s.hintAt) {
		if s.status == s.hintStatus {
			s.status, s.statusErr = "", false
		}
		s.hintAt, s.hintStatus = "", ""
	}
	s.relayout()
	return cmd
}

// hint shows text in the status line while the cursor stays on its row.
func (s *secretsStep) hint(text string) {
	s.status, s.statusErr = text, false
	s.hintAt, s.hintStatus = s.cursorRow(), text
}

// cursorRow names the row under the cursor.
func (s *secretsStep) cursorRow() string {
	switch s.focus {
	case secretsFocusRequired:
		return fmt.Sprintf("required %d", s.reqCursor)
	case secretsFocusPicks:
		return fmt.Sprintf("pick %d", s.pickCursor)
	}
	if row, ok := s.treeCursor(); ok {
		return "tree " + row.Path
	}
	return "tree"
}

func (s *secretsStep) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tui.Result[secretsListing]:
		if msg.ID != s.listID || !s.loading {
			return nil
		}
		return s.listLoaded(msg.Value, msg.Err)
	case tui.Result[secretsCheck]:
		if !s.checkIDs[msg.ID] {
			return nil
		}
		delete(s.checkIDs, msg.ID)
		s.checked(msg.Value, msg.Err)
		return nil
	case tui.Result[secretsCreated]:
		return s.createDone(msg)
	case tui.FormDoneMsg:
		switch {
		case s.create != nil:
			s.create.confirming = true
		case s.pick != nil:
			return s.applyPick()
		case s.prefix != nil:
			return s.applyPrefix()
		}
		return nil
	case tea.PasteMsg:
		if s.dialogOpen() {
			return s.dialogUpdate(msg)
		}
		s.setFilter(s.filter + oneLine(msg.Content))
		return nil
	case tea.KeyPressMsg:
		if s.dialogOpen() {
			return s.dialogUpdate(msg)
		}
		return s.key(msg)
	}
	if s.dialogOpen() {
		return s.dialogUpdate(msg)
	}
	return nil
}

func (s *secretsStep) dialogOpen() bool { return s.pick != nil || s.create != nil || s.prefix != nil }

func (s *secretsStep) key(k tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(k, tui.Keys.Next):
		return stepDone
	case key.Matches(k, tui.Keys.Back):
		s.setFilter("")
	case key.Matches(k, tui.Keys.Up):
		s.move(-1)
	case key.Matches(k, tui.Keys.Down):
		s.move(1)
	case key.Matches(k, tui.Keys.PageUp):
		if s.tree != nil && s.focus == secretsFocusTree {
			s.tree.Move(-s.tree.Height())
		}
	case key.Matches(k, tui.Keys.PageDown):
		if s.tree != nil && s.tree.Len() > 0 {
			s.focus = secretsFocusTree
			s.tree.Move(s.tree.Height())
		}
	case key.Matches(k, tui.Keys.Toggle):
		s.toggle()
	case key.Matches(k, tui.Keys.Delete):
		s.unpickAtCursor()
	case key.Matches(k, tui.Keys.Edit) && s.focus == secretsFocusRequired:
		s.openPrefix()
	case key.Matches(k, tui.Keys.Edit):
		s.renameAtCursor()
	case key.Matches(k, tui.Keys.Add):
		s.openPick("", "", "")
	case key.Matches(k, tui.Keys.Create):
		s.openCreate()
	case key.Matches(k, tui.Keys.Retry):
		if s.env.cloud() == nil {
			s.status, s.statusErr = "Offline: nothing to retry.", false
			return nil
		}
		s.status = ""
		return s.load()
	case k.Code == tea.KeyBackspace:
		if r := []rune(s.filter); len(r) > 0 {
			s.setFilter(string(r[:len(r)-1]))
		}
	case k.Text != "" && k.Mod&(tea.ModCtrl|tea.ModAlt|tea.ModMeta|tea.ModSuper) == 0:
		s.setFilter(s.filter + k.Text)
	}
	return nil
}

// setFilter filters the tree; the cursor follows the matches.
func (s *secretsStep) setFilter(f string) {
	s.filter, s.showFilter = f, f != ""
	if s.tree == nil {
		return
	}
	s.tree.SetFilter(f)
	if f != "" && s.tree.Len() > 0 {
		s.focus = secretsFocusTree
	}
}

// move moves the cursor a row up or down, from the required secrets through the extra
// ones into the tree.
func (s *secretsStep) move(delta int) {
	s.showFilter = false
	treeRows := 0
	if s.tree != nil {
		treeRows = s.tree.Len()
	}
	toTree := func() bool {
		if treeRows == 0 {
			return false
		}
		s.focus = secretsFocusTree
		s.tree.SetCursorIndex(s.tree.TopIndex())
		return true
	}
	switch s.focus {
	case secretsFocusRequired:
		n := s.reqCursor + delta
		switch {
		case n < 0:
		case n < len(s.required):
			s.reqCursor = n
		case len(s.picks) > 0:
			s.focus, s.pickCursor = secretsFocusPicks, 0
		default:
			toTree()
		}
	case secretsFocusPicks:
		n := s.pickCursor + delta
		switch {
		case n < 0:
			s.focus, s.reqCursor = secretsFocusRequired, len(s.required)-1
		case n < len(s.picks):
			s.pickCursor = n
		default:
			toTree()
		}
	case secretsFocusTree:
		if s.tree == nil || treeRows == 0 || (delta < 0 && s.tree.CursorIndex() == 0) {
			if len(s.picks) > 0 {
				s.focus, s.pickCursor = secretsFocusPicks, len(s.picks)-1
			} else {
				s.focus, s.reqCursor = secretsFocusRequired, len(s.required)-1
			}
			break
		}
		s.tree.Move(delta)
	}
	s.scrollPicks()
}

func (s *secretsStep) scrollPicks() {
	if s.pickCursor < s.pickTop {
		s.pickTop = s.pickCursor
	}
	if s.pickCursor >= s.pickTop+secretsPickWindow {
		s.pickTop = s.pickCursor - secretsPickWindow + 1
	}
	s.pickTop = max(0, min(s.pickTop, len(s.picks)-secretsPickWindow))
}

// treeCursor is the parameter under the cursor in the tree, if any.
func (s *secretsStep) treeCursor() (tui.TreeRow, bool) {
	if s.focus != secretsFocusTree || s.tree == nil {
		return tui.TreeRow{}, false
	}
	return s.tree.Cursor()
}

// toggle exposes the parameter under the cursor, or stops exposing it.
func (s *secretsStep) toggle() {
	switch s.focus {
	case secretsFocusRequired:
		if len(s.required) > 0 {
			r := s.required[s.reqCursor]
			s.hint(r.Name + " is required: the module always adds it from " + r.ValueFrom + ".")
		}
		return
	case secretsFocusPicks:
		s.unpickAtCursor()
		return
	}
	row, ok := s.treeCursor()
	if !ok {
		return
	}
	if row.Dir() {
		s.hint("A directory: space exposes one parameter; type to filter, ctrl+n creates one in it.")
		return
	}
	name := row.Path
	if env, ok := s.requiredBy[name]; ok {
		s.hint(fmt.Sprintf("%s is required (%s): the module adds it automatically.", name, env))
		return
	}
	if envs := s.pickedBy[name]; len(envs) > 0 {
		s.unpick(envs...)
		return
	}
	env := suggestEnvName(name)
	if err := s.checkEnv(env, name, ""); err != nil {
		s.openPick(name, env, "")
		s.pick.form.Focused().SetErr(err)
		return
	}
	if s.envWarning(env, name, "") != "" {
		s.openPick(name, env, "") // the warning shows in the dialog; enter exposes it all the same
		return
	}
	s.expose(env, name, "")
}

// suggestEnvName is the environment name a parameter suggests: its last path segment
// in upper case, anything but letters and digits turned into _.
func suggestEnvName(from string) string {
	last := from
	if i := strings.LastIndexAny(from, "/:"); i >= 0 {
		last = from[i+1:]
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		}
		return '_'
	}, last)
}

// checkEnv checks name as the environment name of a secret read from from, renaming
// old ("" adds a secret): the model's rules, and no extra secret named twice. Naming a
// required secret overrides it: the model warns (envWarning), it does not refuse.
func (s *secretsStep) checkEnv(name, from, old string) error {
	name = strings.TrimSpace(name)
	spec := *s.env.spec
	if name != old && name != "" {
		if other, ok := spec.SecretsFromParameterStore[name]; ok {
			return fmt.Errorf("%s is taken: it already reads %s — choose another name", name, other)
		}
	}
	edit := secretsEdit(name, from, old)
	if err := fieldError(spec, fmt.Sprintf("secrets_from_parameter_store[%q]", name), true, edit); err != nil {
		return err
	}
	if _, ok := spec.EnvironmentVariables[name]; ok {
		return fieldError(spec, fmt.Sprintf("environment_variables[%q]", name), true, edit)
	}
	return nil
}

// envWarning is the model's warning about exposing from as name (renaming old): that
// it overrides a required secret, or is not a shell-safe name.
func (s *secretsStep) envWarning(name, from, old string) string {
	name = strings.TrimSpace(name)
	if name == "" {
		return ""
	}
	spec := *s.env.spec
	secretsEdit(name, from, old)(&spec)
	return fieldWarning(spec, fmt.Sprintf("secrets_from_parameter_store[%q]", name))
}

// secretsEdit sets secrets_from_parameter_store[name] = from, removing old. The map is
// copied: a spec shares its maps with its copies.
func secretsEdit(name, from, old string) func(*model.Spec) {
	return func(x *model.Spec) {
		m := maps.Clone(x.SecretsFromParameterStore)
		if m == nil {
			m = map[string]string{}
		}
		if old != "" {
			delete(m, old)
		}
		m[strings.TrimSpace(name)] = strings.TrimSpace(from)
		x.SecretsFromParameterStore = m
	}
}

// expose writes the pick into the spec (checked already).
func (s *secretsStep) expose(name, from, old string) {
	name, from = strings.TrimSpace(name), strings.TrimSpace(from)
	s.env.update(secretsEdit(name, from, old))
	s.sync()
	verb := "Exposed " + from + " as " + name
	if old != "" {
		verb = "Renamed " + old + " to " + name
	}
	s.hint(verb + " · ctrl+e renames it, space again removes it.")
	if w := fieldWarning(*s.env.spec, fmt.Sprintf("secrets_from_parameter_store[%q]", name)); w != "" {
		s.status, s.statusErr = verb+" · ⚠ "+w, true
	}
}

// unpick removes the secrets named from the spec.
func (s *secretsStep) unpick(names ...string) {
	s.env.update(func(x *model.Spec) {
		m := maps.Clone(x.SecretsFromParameterStore)
		for _, n := range names {
			delete(m, n)
		}
		x.SecretsFromParameterStore = m
	})
	s.sync()
	s.status, s.statusErr = "Removed "+strings.Join(names, ", ")+".", false
}

func (s *secretsStep) unpickAtCursor() {
	switch s.focus {
	case secretsFocusPicks:
		if len(s.picks) > 0 {
			s.unpick(s.picks[s.pickCursor].Name)
		}
	case secretsFocusTree:
		if row, ok := s.treeCursor(); ok && len(s.pickedBy[row.Path]) > 0 {
			s.unpick(s.pickedBy[row.Path]...)
		}
	}
}

func (s *secretsStep) renameAtCursor() {
	switch s.focus {
	case secretsFocusPicks:
		if len(s.picks) > 0 {
			p := s.picks[s.pickCursor]
			s.openPick(p.ValueFrom, p.Name, p.Name)
			return
		}
	case secretsFocusTree:
		if row, ok := s.treeCursor(); ok && len(s.pickedBy[row.Path]) > 0 {
			env := s.pickedBy[row.Path][0]
			s.openPick(s.env.spec.SecretsFromParameterStore[env], env, env)
			return
		}
	}
	s.hint(tui.Keys.Edit.Help().Key + " renames an exposed secret: put the cursor on one first.")
}

// missingRequired are the required secrets known to be missing where they are read
// from (under the prefix, or where secrets_from_parameter_store points them).
func (s *secretsStep) missingRequired() []model.SecretRef {
	var missing []model.SecretRef
	sources := model.ContainerSecrets(*s.env.spec)
	for _, r := range s.required {
		if p, _ := s.presence(sources[r.Name]); p == secretsMissing {
			missing = append(missing, r)
		}
	}
	return missing
}

func (s *secretsStep) SetSize(w, h int) {
	s.width, s.height = w, h
	s.relayout()
}

func (s *secretsStep) Capturing() bool {
	return s.dialogOpen() || s.filter != ""
}

// Owns reports whether field (a variable, or a path in one) is answered in this step.
func (s *secretsStep) Owns(field string) bool {
	return ownsVariable(field, "secrets_from_parameter_store", "parameter_store_prefix")
}

func (s *secretsStep) Help() []key.Binding {
	switch {
	case s.create != nil && s.create.confirming:
		return []key.Binding{helpAs(tui.Keys.Yes, "create"), helpAs(tui.Keys.No, "edit"), helpAs(tui.Keys.Back, "cancel")}
	case s.dialogOpen():
		return []key.Binding{tui.Keys.Next, helpAs(tui.Keys.NextField, "field"), helpAs(tui.Keys.Back, "cancel")}
	}
	// Only the keys that do something here and now: offline nothing is listed to
	// expose and nothing can be created.
	b := []key.Binding{helpAs(tui.Keys.Next, "continue")}
	if verb := s.spaceVerb(); verb != "" {
		b = append(b, helpAs(tui.Keys.Toggle, verb))
	}
	if s.canCreate() {
		b = append(b, helpAs(tui.Keys.Create, "create"))
	}
	b = append(b, helpAs(tui.Keys.Add, "type a name"))
	switch {
	case s.focus == secretsFocusRequired:
		b = append(b, helpAs(tui.Keys.Edit, "prefix"))
	case s.renameable():
		b = append(b, helpAs(tui.Keys.Edit, "rename"))
	}
	if s.env.cloud() != nil && (s.listErr != nil || s.checkErr != nil) {
		b = append(b, tui.Keys.Retry)
	}
	return b
}

// spaceVerb is what space does on the row under the cursor ("expose", "remove"), or ""
// when it only explains something (a required secret, a directory, no row).
func (s *secretsStep) spaceVerb() string {
	switch s.focus {
	case secretsFocusPicks:
		if len(s.picks) > 0 {
			return "remove"
		}
	case secretsFocusTree:
		row, ok := s.treeCursor()
		if !ok || row.Dir() {
			return ""
		}
		if _, required := s.requiredBy[row.Path]; required {
			return ""
		}
		if len(s.pickedBy[row.Path]) > 0 {
			return "remove"
		}
		return "expose"
	}
	return ""
}

// canCreate reports whether ctrl+n opens the create dialog: online, and not on a
// required secret that exists.
func (s *secretsStep) canCreate() bool {
	if s.env.cloud() == nil {
		return false
	}
	if s.focus == secretsFocusRequired && len(s.required) > 0 && !s.filterShown() {
		return !s.isParameter(s.required[s.reqCursor].ValueFrom)
	}
	return true
}

// renameable reports whether ctrl+e renames the secret under the cursor.
func (s *secretsStep) renameable() bool {
	switch s.focus {
	case secretsFocusPicks:
		return len(s.picks) > 0
	case secretsFocusTree:
		row, ok := s.treeCursor()
		return ok && len(s.pickedBy[row.Path]) > 0
	}
	return false
}
