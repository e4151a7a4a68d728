package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/google/go-cmp/cmp"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/aws/awstest"
	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
	"github.com/ecswiz/ecswiz/internal/doctor"
	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/tui"
	doctorui "github.com/ecswiz/ecswiz/internal/tui/doctor"
	"github.com/ecswiz/ecswiz/internal/tui/tuitest"
	"github.com/ecswiz/ecswiz/internal/tui/wizard"
)

// The fault matrix: every AWS operation ecswiz makes, failed in each of the ways AWS
// fails (throttling, a server error, access denied, no answer, an answer that cannot be
// read), through every command and screen that makes it. Each cell must end with a
// message naming what failed and a way on, without a panic, a frozen screen, a partial
// file or a lost answer. RELIABILITY_DOC=docs/RELIABILITY.md writes the table there.

// operations are every AWS operation ecswiz's adapters call (internal/aws, `.api.X(`).
var operations = []struct{ service, name string }{
	{"sts", "GetCallerIdentity"},
	{"ssm", "DescribeParameters"},
	{"ssm", "GetParameters"},
	{"ssm", "PutParameter"},
	{"ecs", "RegisterTaskDefinition"},
	{"ecs", "DescribeTaskDefinition"},
	{"ecs", "ListTaskDefinitionFamilies"},
	{"ecs", "ListClusters"},
	{"ecs", "DescribeClusters"},
	{"ecs", "ListServices"},
	{"ecs", "DescribeServices"},
	{"ecs", "ListTasks"},
	{"ecs", "DescribeTasks"},
	{"ecr", "DescribeRepositories"},
	{"ecr", "DescribeImages"},
	{"ecr", "BatchGetImage"},
	{"logs", "DescribeLogGroups"},
	{"logs", "GetLogEvents"},
	{"logs", "CreateLogGroup"},
	{"logs", "PutRetentionPolicy"},
	{"iam", "SimulatePrincipalPolicy"},
	{"iam", "ListRoles"},
}

// action is the IAM action of an operation, as classified errors name it.
func action(service, op string) string { return service + ":" + op }

// queryProtocol reports the services that speak awsQuery (XML): their codes differ.
func queryProtocol(service string) bool { return service == "iam" || service == "sts" }

// faultKind is one way a call fails.
type faultKind struct {
	name   string // column heading
	inject func(srv *fakeaws.Server, service, op string)
	// hangs: the cell needs a short call timeout.
	hangs bool
}

var faultKinds = []faultKind{
	{name: "throttled", inject: func(srv *fakeaws.Server, service, op string) {
		code := "ThrottlingException"
		if queryProtocol(service) {
			code = "Throttling"
		}
		srv.Fail(op, code, "Rate exceeded")
	}},
	{name: "server error", inject: func(srv *fakeaws.Server, service, op string) {
		code := "InternalServerError"
		if queryProtocol(service) {
			code = "ServiceUnavailable"
		}
		srv.Fail(op, code, "We encountered an internal error. Please try again.", fakeaws.WithStatus(500))
	}},
	{name: "access denied", inject: func(srv *fakeaws.Server, service, op string) {
		code := "AccessDeniedException"
		if queryProtocol(service) {
			code = "AccessDenied"
		}
		srv.Fail(op, code, fmt.Sprintf("User: arn:aws:iam::123456789012:user/demo is not authorized to perform: %s because no identity-based policy allows the %s action", action(service, op), action(service, op)))
	}},
	{name: "timeout", hangs: true, inject: func(srv *fakeaws.Server, _, op string) { srv.Hang(op) }},
	{name: "broken body", inject: func(srv *fakeaws.Server, _, op string) { srv.Malformed(op, fakeaws.BrokenBody) }},
	{name: "wrong shape", inject: func(srv *fakeaws.Server, _, op string) { srv.Malformed(op, fakeaws.WrongShape) }},
}

// faultCallTimeout is the call timeout of the cells whose call hangs: short, so the
// matrix does not wait 30 s a cell, and long enough that the calls that do not hang
// answer within it on a loaded machine.
const faultCallTimeout = "3s"

// cellDeadline is how long a cell may take before it counts as frozen.
const cellDeadline = 90 * time.Second

// cliSurface is one command line of ecswiz that calls AWS.
type cliSurface struct {
	name string
	args func(dir string) []string
	// output is the file the command writes ("" none): it must be whole or absent.
	output func(dir string) string
}

const demoShopDev = "../../examples/demo-shop-dev.tfvars"

var cliSurfaces = []cliSurface{
	{name: "params", args: func(string) []string { return []string{"params", "/demo-shop/dev"} }},
	{name: "register", args: func(string) []string { return []string{"register", "-f", demoShopDev, "--force"} }},
	{name: "diff", args: func(string) []string { return []string{"diff", "-f", demoShopDev} }},
	{name: "import", args: func(dir string) []string {
		return []string{"import", "--task-definition", "demo-shop-dev", "-o", filepath.Join(dir, "imported.tfvars")}
	}, output: func(dir string) string { return filepath.Join(dir, "imported.tfvars") }},
	{name: "doctor --task-definition", args: func(string) []string { return []string{"doctor", "--task-definition", "demo-shop-dev"} }},
	// One service: a few revisions to check, not the whole demo account's.
	{name: "doctor --json", args: func(string) []string { return []string{"doctor", "--json", "--service", "demo-shop-prod-worker"} }},
}

// cellResult is one cell's outcome on one surface.
type cellResult struct {
	op, fault, surface string
	problems           []string // empty: passed
}

// matrix collects the results of the cells, from every goroutine.
type matrix struct {
	mu      sync.Mutex
	results []cellResult
}

// settle records a cell and fails t on its problems.
func (m *matrix) settle(t *testing.T, r cellResult) {
	for _, p := range r.problems {
		t.Error(p)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.results = append(m.results, r)
}

// runCLI runs one command line against srv, in-process, and reports a panic or a run
// that does not end as a problem.
func runCLI(ctx context.Context, srv *fakeaws.Server, env map[string]string, home string, args []string) (result, string) {
	var stdout, stderr bytes.Buffer
	type ended struct {
		code  int
		panic string
	}
	done := make(chan ended, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- ended{panic: fmt.Sprintf("panic: %v\n%s", p, debug.Stack())}
			}
		}()
		code := run(ctx, args, deps{
			stdout:  &stdout,
			stderr:  &stderr,
			getenv:  func(k string) string { return env[k] },
			homeDir: func() (string, error) { return home, nil },
			newDemo: func() *fakeaws.Server { return srv },
		})
		done <- ended{code: code}
	}()
	select {
	case e := <-done:
		return result{stdout: stdout.String(), stderr: stderr.String(), code: e.code}, e.panic
	case <-time.After(cellDeadline):
		return result{}, fmt.Sprintf("did not end within %s", cellDeadline)
	}
}

// cliUses finds the operations each surface calls when nothing fails.
func cliUses(t *testing.T) map[string][]string {
	t.Helper()
	uses := map[string][]string{}
	for _, s := range cliSurfaces {
		srv := fakeaws.NewDemo()
		dir := t.TempDir()
		got, bad := runCLI(t.Context(), srv, map[string]string{demoEnv: "1"}, t.TempDir(), s.args(dir))
		if bad != "" {
			t.Fatalf("%s without faults: %s", s.name, bad)
		}
		if got.code > 1 {
			t.Fatalf("%s without faults: exit %d, stderr %q", s.name, got.code, got.stderr)
		}
		for _, c := range srv.Calls() {
			if !slices.Contains(uses[c.Operation], s.name) {
				uses[c.Operation] = append(uses[c.Operation], s.name)
			}
		}
	}
	return uses
}

func TestFaultMatrix(t *testing.T) {
	uses := cliUses(t)
	screens := screenUses(t)
	m := &matrix{}
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for _, op := range operations {
		for _, fk := range faultKinds {
			for _, s := range screenSurfaces {
				if !slices.Contains(screens[op.name], s.name) {
					continue
				}
				wg.Go(func() {
					sem <- struct{}{}
					defer func() { <-sem }()
					t.Run(op.name+"/"+fk.name+"/"+s.name, func(t *testing.T) {
						r := screenCell(t, op.service, op.name, fk, s)
						m.settle(t, r)
					})
				})
			}
			for _, s := range cliSurfaces {
				if !slices.Contains(uses[op.name], s.name) {
					continue
				}
				wg.Go(func() {
					sem <- struct{}{}
					defer func() { <-sem }()
					t.Run(op.name+"/"+fk.name+"/"+s.name, func(t *testing.T) {
						r := cliCell(t, op.service, op.name, fk, s)
						m.settle(t, r)
					})
				})
			}
		}
	}
	// An operation no command or screen makes is tried on its adapter.
	for _, op := range operations {
		if len(uses[op.name]) > 0 || len(screens[op.name]) > 0 {
			continue
		}
		call, ok := adapterCalls[op.name]
		if !ok {
			t.Errorf("%s: no command, screen or adapter call tries it", op.name)
			continue
		}
		for _, fk := range faultKinds {
			wg.Go(func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				t.Run(op.name+"/"+fk.name+"/adapter", func(t *testing.T) {
					m.settle(t, adapterCell(t, op.service, op.name, fk, call))
				})
			})
		}
	}
	wg.Wait()
	m.write(t)
}

func cliCell(t *testing.T, service, op string, fk faultKind, s cliSurface) cellResult {
	r := cellResult{op: op, fault: fk.name, surface: s.name}
	srv := fakeaws.NewDemo()
	fk.inject(srv, service, op)
	// Two attempts: a throttled call is retried once, as AWS_MAX_ATTEMPTS=2 does, rather
	// than backing off for seconds four times.
	env := map[string]string{demoEnv: "1", maxAttemptsEnv: "2"}
	if fk.hangs {
		env[callTimeoutEnv] = faultCallTimeout
	}
	dir := t.TempDir()
	got, bad := runCLI(t.Context(), srv, env, t.TempDir(), s.args(dir))
	if bad != "" {
		r.problems = append(r.problems, bad)
		return r
	}
	t.Logf("exit %d\nstdout:\n%s\nstderr:\n%s", got.code, got.stdout, got.stderr)
	r.problems = append(r.problems, judge(got.stderr+got.stdout, service, op)...)
	if s.output != nil {
		if p := partialFile(s.output(dir)); p != "" {
			r.problems = append(r.problems, p)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 1 || len(entries) == 1 && (s.output == nil || entries[0].Name() != filepath.Base(s.output(dir))) {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		r.problems = append(r.problems, fmt.Sprintf("files left behind: %v", names))
	}
	return r
}

// waysOn are the words of a way on: the hints of classified errors, and the keys and
// flags that try again.
var waysOn = []string{"hint", "try again", "tries again", "again", "ask for the permission", "check the network",
	"retry", "refresh", "ctrl+t", "--skip-checks"}

// judge finds what a failure's output or screen lacks: the failed call named (its IAM
// action, as classified errors give it) and a way on. Lines wrap on screens, so words
// are compared with their spacing collapsed.
func judge(out, service, op string) []string {
	// Boxes draw their sides on every line.
	flat := strings.ToLower(strings.Join(strings.Fields(strings.NewReplacer("│", " ", "┃", " ").Replace(out)), " "))
	var problems []string
	if !strings.Contains(flat, strings.ToLower(action(service, op))) {
		problems = append(problems, fmt.Sprintf("it does not name %s", action(service, op)))
	}
	if !slices.ContainsFunc(waysOn, func(w string) bool { return strings.Contains(flat, w) }) {
		problems = append(problems, "it gives no way on (a hint, a retry key)")
	}
	return problems
}

// adapterCalls make the operations that only an adapter method makes (none of the
// commands or screens calls it yet).
var adapterCalls = map[string]func(context.Context, *aws.Clients) error{
	"ListTaskDefinitionFamilies": func(ctx context.Context, c *aws.Clients) error {
		_, err := c.ECS.Families(ctx, "demo-shop")
		return err
	},
}

func adapterCell(t *testing.T, service, op string, fk faultKind, call func(context.Context, *aws.Clients) error) cellResult {
	r := cellResult{op: op, fault: fk.name, surface: "adapter only"}
	srv := fakeaws.NewDemo()
	fk.inject(srv, service, op)
	timeout := 20 * time.Second
	if fk.hangs {
		timeout, _ = time.ParseDuration(faultCallTimeout)
	}
	clients := awstest.Start(t, srv, func(o *aws.Options) { o.MaxAttempts, o.CallTimeout = 2, timeout })
	var err error
	if p := catch(func() { err = call(t.Context(), clients) }); p != "" {
		r.problems = append(r.problems, p)
		return r
	}
	if err == nil {
		r.problems = append(r.problems, "no error")
		return r
	}
	r.problems = append(r.problems, judge(err.Error(), service, op)...)
	return r
}

// partialFile is a problem when path exists but is not a whole spec.
func partialFile(path string) string {
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return ""
	}
	if err != nil {
		return fmt.Sprintf("read %s: %v", path, err)
	}
	if _, err := model.ParseSpec(b, path); err != nil {
		return fmt.Sprintf("%s is not a whole spec: %v", filepath.Base(path), err)
	}
	return ""
}

// docEnv names the file whose fault matrix the test rewrites (make reliability).
const docEnv = "RELIABILITY_DOC"

// Markers around the matrix in the document.
const (
	docBegin = "<!-- faults:begin -->"
	docEnd   = "<!-- faults:end -->"
)

// reproduce is the command that reruns the matrix and rewrites the document.
const reproduce = "RELIABILITY_DOC=docs/RELIABILITY.md go test ./cmd/ecswiz -run TestFaultMatrix -count=1"

// write logs the counts and, with RELIABILITY_DOC set, rewrites the document's table.
func (m *matrix) write(t *testing.T) {
	m.mu.Lock()
	defer m.mu.Unlock()
	rank := func(surface string) int {
		for i, s := range cliSurfaces {
			if s.name == surface {
				return i
			}
		}
		for i, s := range screenSurfaces {
			if s.name == surface {
				return len(cliSurfaces) + i
			}
		}
		return len(cliSurfaces) + len(screenSurfaces)
	}
	sort.SliceStable(m.results, func(i, j int) bool { return rank(m.results[i].surface) < rank(m.results[j].surface) })
	passed := 0
	for _, r := range m.results {
		if len(r.problems) == 0 {
			passed++
		}
	}
	t.Logf("%d cells, %d passed", len(m.results), passed)
	path := os.Getenv(docEnv)
	if path == "" || t.Failed() {
		return
	}
	if !filepath.IsAbs(path) {
		path = filepath.Join("..", "..", path) // the test runs in cmd/ecswiz
	}
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%s: %v", docEnv, err)
	}
	before, rest, ok1 := strings.Cut(string(doc), docBegin)
	_, after, ok2 := strings.Cut(rest, docEnd)
	if !ok1 || !ok2 {
		t.Fatalf("%s has no %s … %s markers", path, docBegin, docEnd)
	}
	out := before + docBegin + "\n" + m.table(passed) + docEnd + after
	if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote the fault matrix to %s", path)
}

// table is the matrix in Markdown: a row per operation, a column per fault; each cell
// names the surfaces tried, a failing one marked ✗ with the note that says why.
func (m *matrix) table(passed int) string {
	var b strings.Builder
	var notes []string
	note := func(text string) int {
		if i := slices.Index(notes, text); i >= 0 {
			return i + 1
		}
		notes = append(notes, text)
		return len(notes)
	}
	fmt.Fprintf(&b, "\n%d cells, %d passed, %d failed.\n\n", len(m.results), passed, len(m.results)-passed)
	fmt.Fprintf(&b, "Reproduce: `%s` (or `make reliability`).\n\n", reproduce)
	b.WriteString("| operation |")
	for _, fk := range faultKinds {
		fmt.Fprintf(&b, " %s |", fk.name)
	}
	b.WriteString("\n|---|")
	for range faultKinds {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, op := range operations {
		fmt.Fprintf(&b, "| %s |", action(op.service, op.name))
		for _, fk := range faultKinds {
			var ok, bad []string
			for _, r := range m.results {
				if r.op != op.name || r.fault != fk.name {
					continue
				}
				switch {
				case len(r.problems) == 0:
					ok = append(ok, r.surface)
				default:
					bad = append(bad, fmt.Sprintf("✗ %s [%d]", r.surface, note(strings.Join(r.problems, "; "))))
				}
			}
			var cell []string
			switch {
			case len(ok) == 0 && len(bad) == 0:
				cell = []string{"—"}
			case len(bad) == 0:
				cell = []string{"pass: " + strings.Join(ok, ", ")}
			default:
				cell = []string{"fail: " + strings.Join(bad, ", ")}
				if len(ok) > 0 {
					cell = append(cell, "pass: "+strings.Join(ok, ", "))
				}
			}
			fmt.Fprintf(&b, " %s |", strings.Join(cell, "<br>"))
		}
		b.WriteString("\n")
	}
	if len(notes) > 0 {
		b.WriteString("\n")
		for i, n := range notes {
			fmt.Fprintf(&b, "%d. %s\n", i+1, strings.ReplaceAll(n, "\n", " "))
		}
	}
	b.WriteString("\n")
	return b.String()
}

// A screen cell drives a model as Bubble Tea would, without a terminal: a key goes to
// Update, the commands it returns run (each within screenCmdDeadline, else the screen is
// frozen) and their messages go back to Update. The Charm libraries' own timing
// messages are dropped, as is doctor's follow tick.

// screenCmdDeadline is how long one command may run before the screen counts as frozen.
const screenCmdDeadline = 30 * time.Second

// maxScreenMessages bounds the messages one key may lead to: more is a loop.
const maxScreenMessages = 2000

// screenModel is what a screen cell drives: the wizard's and doctor's root models.
type screenModel interface {
	Init() tea.Cmd
	Update(tea.Msg) (tea.Model, tea.Cmd)
	View() tea.View
}

type screenDriver struct {
	m        screenModel
	problems []string
}

func (d *screenDriver) fail(format string, args ...any) {
	d.problems = append(d.problems, fmt.Sprintf(format, args...))
}

func (d *screenDriver) send(msg tea.Msg) {
	if len(d.problems) > 0 {
		return
	}
	var cmd tea.Cmd
	if p := catch(func() { _, cmd = d.m.Update(msg) }); p != "" {
		d.fail("%s", p)
		return
	}
	d.run(cmd)
}

func (d *screenDriver) keys(ks ...string) {
	for _, k := range ks {
		d.send(tuitest.Press(k))
	}
}

func (d *screenDriver) typeText(s string) {
	for _, r := range s {
		d.send(tuitest.Press(string(r)))
	}
}

func (d *screenDriver) screen() string {
	var v string
	if p := catch(func() { v = tuitest.Plain(d.m.View().Content) }); p != "" {
		d.fail("%s", p)
	}
	return v
}

func (d *screenDriver) run(cmd tea.Cmd) {
	queue := []tea.Cmd{cmd}
	for n := 0; len(queue) > 0 && len(d.problems) == 0; n++ {
		if n > maxScreenMessages {
			d.fail("more than %d messages after one key: the screen loops", maxScreenMessages)
			return
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg, ok := runScreenCmd(c)
		if !ok {
			d.fail("a command did not return within %s: the screen is frozen", screenCmdDeadline)
			return
		}
		if cmds, ok := tui.Commands(msg); ok {
			queue = append(cmds, queue...)
			continue
		}
		if p, ok := msg.(panicMsg); ok {
			d.fail("%s", p)
			return
		}
		if msg == nil || charmOwn(msg) {
			continue
		}
		if _, ok := msg.(tea.QuitMsg); ok {
			continue
		}
		var next tea.Cmd
		if p := catch(func() { _, next = d.m.Update(msg) }); p != "" {
			d.fail("%s", p)
			return
		}
		queue = append(queue, next)
	}
}

func runScreenCmd(c tea.Cmd) (tea.Msg, bool) {
	done := make(chan tea.Msg, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- panicMsg(fmt.Sprintf("panic in a command: %v\n%s", p, debug.Stack()))
			}
		}()
		done <- c()
	}()
	select {
	case msg := <-done:
		return msg, true
	case <-time.After(screenCmdDeadline):
		return nil, false
	}
}

// panicMsg carries a command's panic to the cell.
type panicMsg string

func catch(fn func()) (p string) {
	defer func() {
		if r := recover(); r != nil {
			p = fmt.Sprintf("panic: %v\n%s", r, debug.Stack())
		}
	}()
	fn()
	return ""
}

// charmOwn reports the Charm libraries' own messages (spinner ticks, blinks, requests to
// the terminal) and doctor's follow tick, which would poll for ever.
func charmOwn(msg tea.Msg) bool {
	t := reflect.TypeOf(msg)
	if t.Name() == "followTickMsg" {
		return true
	}
	pkg := t.PkgPath()
	if pkg == "charm.land/bubbletea/v2" {
		return t.Name() != "" && strings.ToLower(t.Name()[:1]) == t.Name()[:1]
	}
	return strings.HasPrefix(pkg, "charm.land/")
}

// screenSurface is one screen and what a person does there: a wizard opened on spec
// with wizardOpts, or doctor's screens with doctorOpts.
type screenSurface struct {
	name       string
	wizard     bool
	spec       func() model.Spec // nil: the demo spec
	wizardOpts wizard.Options
	doctorOpts doctorui.Options
	act        func(d *screenDriver) // the keys that make the calls; nil: opening does
	// owns are the operations whose outcome this screen shows. A screen also makes calls
	// for others (the session, lookups ahead of a later step): those are judged where
	// they are shown.
	owns []string
	// done is what the screen says when the work of a call whose answer was spoiled was
	// found done after all: a recovery, not a failure to report.
	done string
}

// opened is the spec a wizard surface opens on.
func (s screenSurface) opened() model.Spec {
	if s.spec != nil {
		return s.spec()
	}
	return demoSpec()
}

func (s screenSurface) open(clients *aws.Clients, srv *fakeaws.Server) screenModel {
	if s.wizard {
		o := s.wizardOpts
		o.Spec = s.opened()
		o.Connect = func(ctx context.Context) (*wizard.Session, error) {
			id, err := clients.STS.Caller(ctx)
			if err != nil {
				return nil, err
			}
			return &wizard.Session{Region: srv.Region(), Account: id.Account, Caller: id.ARN, Demo: true, Cloud: wizard.NewCloud(clients)}, nil
		}
		return wizard.New(o)
	}
	o := s.doctorOpts
	o.ECS, o.Logs = clients.ECS, clients.Logs
	o.Checker = &doctor.Checker{Parameters: clients.Parameters, Images: clients.ECR, Logs: clients.Logs, Roles: clients.IAM,
		Region: srv.Region(), Account: srv.Account()}
	o.FollowEvery = time.Millisecond
	return doctorui.New(o)
}

// demoSpec is the spec of examples/demo-shop-dev.tfvars.
func demoSpec() model.Spec {
	b, err := os.ReadFile(demoShopDev)
	if err != nil {
		panic(err)
	}
	s, err := model.ParseSpec(b, demoShopDev)
	if err != nil {
		panic(err)
	}
	return s
}

var screenSurfaces = []screenSurface{
	{name: "wizard Application", wizard: true, wizardOpts: wizard.Options{Field: "container_image"},
		owns: []string{"GetCallerIdentity", "DescribeRepositories", "DescribeImages", "BatchGetImage"}},
	{name: "wizard Secrets", wizard: true, wizardOpts: wizard.Options{Field: "parameter_store_prefix"},
		owns: []string{"DescribeParameters", "GetParameters"}},
	{name: "wizard Secrets create", wizard: true, wizardOpts: wizard.Options{Field: "parameter_store_prefix"},
		spec: func() model.Spec {
			s := demoSpec()
			s.Environment = "prod" // DATABASE_USER is missing there
			return s
		},
		act: func(d *screenDriver) {
			d.keys("down", "down", "down", "down", "ctrl+n")
			d.typeText("s3cr3t-value")
			d.keys("enter", "y")
		},
		owns: []string{"PutParameter"}},
	{name: "wizard Runtime", wizard: true, wizardOpts: wizard.Options{Field: "execution_role_arn"},
		owns: []string{"ListRoles", "DescribeLogGroups", "SimulatePrincipalPolicy", "DescribeParameters", "GetParameters"}},
	{name: "wizard Runtime create log group", wizard: true, wizardOpts: wizard.Options{Field: "log_group_name"},
		spec: func() model.Spec {
			s := demoSpec()
			s.Environment, s.LogGroupName = "staging", ""
			return s
		},
		act:  func(d *screenDriver) { d.keys("ctrl+n", "enter") },
		owns: []string{"CreateLogGroup", "PutRetentionPolicy"},
		done: "Created /ecs/demo-shop-staging"},
	{name: "wizard Review", wizard: true, wizardOpts: wizard.Options{Step: 7, Completed: []int{0, 1, 2, 3, 4, 5, 6}},
		owns: []string{"GetParameters", "DescribeLogGroups", "SimulatePrincipalPolicy", "DescribeParameters"}},
	{name: "wizard Review diff", wizard: true, wizardOpts: wizard.Options{Step: 7, Completed: []int{0, 1, 2, 3, 4, 5, 6}},
		act:  func(d *screenDriver) { d.keys("right", "right", "right", "right") },
		owns: []string{"DescribeTaskDefinition"}},
	{name: "wizard Act register", wizard: true, wizardOpts: wizard.Options{Step: 8, Completed: []int{0, 1, 2, 3, 4, 5, 6, 7}},
		spec: func() model.Spec {
			s := demoSpec()
			s.TaskCPU, s.TaskMemory = "1024", "2048" // a change, so there is something to register
			return s
		},
		act: func(d *screenDriver) { d.keys("enter", "y") },
		owns: []string{"RegisterTaskDefinition", "DescribeTaskDefinition", "ListClusters", "DescribeClusters",
			"ListServices", "DescribeServices"}},
	{name: "doctor clusters", owns: []string{"ListClusters", "DescribeClusters", "ListTasks"}},
	{name: "doctor services", doctorOpts: doctorui.Options{Cluster: "demo-shop"},
		owns: []string{"ListServices", "DescribeServices", "ListTasks", "DescribeTasks"}},
	// The first task of demo-shop-dev-web ran, so it has a log to read.
	{name: "doctor task", doctorOpts: doctorui.Options{Cluster: "demo-shop", Service: "demo-shop-dev-web"},
		act: func(d *screenDriver) { d.keys("enter") },
		owns: []string{"ListTasks", "DescribeTasks", "DescribeTaskDefinition", "GetLogEvents", "GetParameters", "DescribeParameters",
			"DescribeImages", "BatchGetImage", "DescribeLogGroups", "SimulatePrincipalPolicy"}},
}

// openScreen starts srv, opens s on it and does what a person does there.
func openScreen(t *testing.T, s screenSurface, srv *fakeaws.Server, timeout time.Duration) *screenDriver {
	clients := awstest.Start(t, srv, func(o *aws.Options) { o.MaxAttempts, o.CallTimeout = 2, timeout })
	d := &screenDriver{}
	if p := catch(func() { d.m = s.open(clients, srv) }); p != "" {
		d.fail("%s", p)
		return d
	}
	var cmd tea.Cmd
	if p := catch(func() { cmd = d.m.Init() }); p != "" {
		d.fail("%s", p)
		return d
	}
	d.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	d.run(cmd)
	if s.act != nil {
		s.act(d)
	}
	return d
}

// screenUses finds the operations each screen calls when nothing fails.
func screenUses(t *testing.T) map[string][]string {
	uses := map[string][]string{}
	for _, s := range screenSurfaces {
		srv := fakeaws.NewDemo()
		d := openScreen(t, s, srv, 20*time.Second)
		if len(d.problems) > 0 {
			t.Fatalf("%s without faults: %v", s.name, d.problems)
		}
		for _, c := range srv.Calls() {
			if slices.Contains(s.owns, c.Operation) && !slices.Contains(uses[c.Operation], s.name) {
				uses[c.Operation] = append(uses[c.Operation], s.name)
			}
		}
	}
	return uses
}

func screenCell(t *testing.T, service, op string, fk faultKind, s screenSurface) cellResult {
	r := cellResult{op: op, fault: fk.name, surface: s.name}
	srv := fakeaws.NewDemo()
	fk.inject(srv, service, op)
	timeout := 20 * time.Second
	if fk.hangs {
		timeout, _ = time.ParseDuration(faultCallTimeout)
	}
	d := openScreen(t, s, srv, timeout)
	if len(d.problems) > 0 {
		r.problems = d.problems
		return r
	}
	// A tall terminal shows the whole screen, so nothing is judged by what scrolled away.
	d.send(tea.WindowSizeMsg{Width: 140, Height: 120})
	screen := d.screen()
	t.Logf("screen:\n%s", screen)
	if problems := judge(screen, service, op); len(problems) > 0 && (s.done == "" || !strings.Contains(screen, s.done)) {
		r.problems = append(r.problems, problems...)
	}
	// Still answers: a key is taken and the screen drawn again.
	d.keys("tab")
	_ = d.screen()
	r.problems = append(r.problems, d.problems...)
	if w, ok := d.m.(*wizard.Model); ok {
		if diff := cmp.Diff(model.FormatTFVars(s.opened()), model.FormatTFVars(w.Spec())); diff != "" {
			r.problems = append(r.problems, "the answers changed (-opened +now):\n"+diff)
		}
	}
	return r
}
