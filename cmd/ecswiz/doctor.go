package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ecswiz/ecswiz/internal/aws"
	"github.com/ecswiz/ecswiz/internal/deploy"
	"github.com/ecswiz/ecswiz/internal/doctor"
	doctorui "github.com/ecswiz/ecswiz/internal/tui/doctor"
	"github.com/ecswiz/ecswiz/internal/tui/wizard"
)

// doctorCmd is "ecswiz doctor".
type doctorCmd struct {
	app            *app
	json           bool
	cluster        string
	service        string
	taskDefinition string
}

func (a *app) newDoctorCmd() *cobra.Command {
	c := &doctorCmd{app: a}
	cmd := &cobra.Command{
		Use:   "doctor [--cluster C] [--service S] [--json] | --task-definition FAMILY[:REV]",
		Short: "Find why tasks stopped, what their logs say, and the fix",
		Long: `Doctor troubleshoots tasks that stopped. In a terminal it opens screens: clusters
(with the tasks each stopped lately) → services → stopped tasks grouped by cause → a
task: its stop code and reason, each container's exit code, the cause in plain words
with the fix, the checks of the revision it ran, and the last 50 lines of that
container's own log stream (f follows it). From a task, w ("fix in wizard") opens the
wizard on that revision at the step that owns the fix; after registering, it shows
what rolling the service would change and the update-service line.

ECS shows a stopped task for about an hour; after that, doctor cannot see it.

--json prints one JSON object a line instead: a "stopped-task" for every task that did
not stop in the ordinary way (a person, a deployment or scaling), with its cause and
fix, then a "check" for every check that fails on a revision those tasks ran, and for
every check that could not run there ("status": "skip", the message saying which call
failed and "fix" the way on). It exits 0 when nothing is wrong and 1 when something is:
a Spot interruption (reported with "failure": false) and a check that could not run do
not count, since neither found anything to fix. An out-of-memory task carries the size
to move to, with the cost change.

--task-definition runs only the checks on one revision (a preflight before deploying):
sizing, image (exists, and runs on the CPU architecture), secrets (exist), execution
role (may read and decrypt them: simulated, nothing is read), log group, a writable
/tmp under a read-only root, port and user, and the spec. It exits 1 when one fails;
with --json every check is a "check" line, ok and skipped ones too. No check reads a
secret's value.`,
		Example: `  ecswiz --demo doctor
  ecswiz doctor --cluster web --service web-prod
  ecswiz doctor --json --cluster web
  ecswiz doctor --task-definition myapp-prod:42`,
		Args: noArgs,
		RunE: a.runE(func(cmd *cobra.Command) error { return c.run(cmd.Context()) }),
	}
	f := cmd.Flags()
	f.BoolVar(&c.json, "json", false, "print findings as JSON lines instead of opening the screens")
	f.StringVar(&c.cluster, "cluster", "", "the cluster to look at (default: every cluster)")
	f.StringVar(&c.service, "service", "", "only this service's stopped tasks")
	f.StringVar(&c.taskDefinition, "task-definition", "", "run only the checks on this revision: FAMILY, FAMILY:REV or an ARN")
	return cmd
}

func (c *doctorCmd) run(ctx context.Context) error {
	screens := c.taskDefinition == "" && !c.json
	switch {
	case c.taskDefinition != "" && (c.cluster != "" || c.service != ""):
		return usageErrorf("--task-definition checks one revision, wherever it runs: leave out --cluster and --service")
	case screens && c.service != "" && c.cluster == "":
		return usageErrorf("--service %s: give its cluster too (--cluster C); the screens open at one service of one cluster", c.service)
	case screens && !c.app.interactive():
		return usageErrorf("doctor's screens need a terminal; without one, use `ecswiz doctor --json` or `ecswiz doctor --task-definition FAMILY[:REV]`")
	}
	if err := c.app.delayDemo(); err != nil {
		return err
	}
	clients, err := c.app.awsClients(ctx, "")
	if err != nil {
		return err
	}
	// The revisions doctor checks are registered ones: each names its account, so no
	// STS call holds up the first screen.
	checker := newChecker(clients, "")
	switch {
	case c.taskDefinition != "":
		return c.preflight(ctx, clients, checker)
	case c.json:
		return c.report(ctx, clients, checker)
	}
	return c.app.runDoctorScreens(ctx, clients, checker, c.cluster, c.service)
}

// newChecker is the doctor's checks in the session's Region and account ("" for the
// account of each registered revision checked).
func newChecker(clients *aws.Clients, account string) *doctor.Checker {
	return &doctor.Checker{Parameters: clients.Parameters, Images: clients.ECR, Logs: clients.Logs, Roles: clients.IAM,
		Region: clients.Region.Name, Account: account}
}

// report prints the findings as JSON lines.
func (c *doctorCmd) report(ctx context.Context, clients *aws.Clients, checker *doctor.Checker) error {
	enc := json.NewEncoder(c.app.stdout)
	enc.SetEscapeHTML(false)
	wrong, writeErr := 0, error(nil)
	err := doctor.Report(ctx, clients.ECS, checker, c.cluster, c.service, func(f doctor.Finding) {
		if f.Wrong() {
			wrong++
		}
		if writeErr == nil {
			writeErr = enc.Encode(f)
		}
	})
	switch {
	case err != nil:
		return err
	case writeErr != nil:
		return writeErr
	case wrong > 0:
		return silentExit(exitFailure)
	}
	return nil
}

// preflight runs the checks on one revision and prints them.
func (c *doctorCmd) preflight(ctx context.Context, clients *aws.Clients, checker *doctor.Checker) error {
	doc, err := clients.ECS.DescribeTaskDefinition(ctx, c.taskDefinition)
	if err != nil {
		return err
	}
	results := checker.Run(ctx, doc)
	if c.json {
		rev, err := deploy.Revision(doc)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(c.app.stdout)
		enc.SetEscapeHTML(false)
		for _, r := range results {
			if err := enc.Encode(doctor.CheckFinding(deploy.Ref(rev), r)); err != nil {
				return err
			}
		}
	} else if err := writeChecks(c.app.stdout, c.taskDefinition, results); err != nil {
		return err
	}
	if countStatus(results, doctor.StatusFail) > 0 {
		return silentExit(exitFailure)
	}
	return nil
}

// countStatus counts the checks that ended with status (fail: found a problem; skip:
// could not run, or not fully).
func countStatus(results []doctor.Result, status doctor.Status) int {
	n := 0
	for _, r := range results {
		if r.Status == status {
			n++
		}
	}
	return n
}

// checkMark is how a check's outcome is printed.
var checkMark = map[doctor.Status]string{doctor.StatusOK: "ok  ", doctor.StatusFail: "FAIL", doctor.StatusSkip: "skip"}

// writeChecks prints checks one a line, with the hint under the ones not ok:
//
//	myapp-prod:42: 1 check fails
//	  ok    sizing          1024 CPU / 2048 MiB is a valid Fargate size
//	  FAIL  secrets         ... -- hint: ...
func writeChecks(w io.Writer, what string, results []doctor.Result) error {
	var b strings.Builder
	switch n := countStatus(results, doctor.StatusFail); n {
	case 0:
		fmt.Fprintf(&b, "%s: every check passes or was skipped\n", what)
	case 1:
		fmt.Fprintf(&b, "%s: 1 check fails\n", what)
	default:
		fmt.Fprintf(&b, "%s: %d checks fail\n", what, n)
	}
	width := 0
	for _, r := range results {
		width = max(width, len(r.Name))
	}
	for _, r := range results {
		fmt.Fprintf(&b, "  %s  %-*s  %s", checkMark[r.Status], width, r.Name, printable(r.Message))
		if r.Status != doctor.StatusOK && r.Hint != "" {
			fmt.Fprintf(&b, " -- hint: %s", printable(r.Hint))
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// runDoctorScreens opens the troubleshooter's screens; "fix in wizard" then opens the
// wizard on the revision the task ran, at the step that owns the fix.
func (a *app) runDoctorScreens(ctx context.Context, clients *aws.Clients, checker *doctor.Checker, cluster, service string) error {
	m := doctorui.New(doctorui.Options{ECS: clients.ECS, Logs: clients.Logs, Checker: checker,
		Cluster: cluster, Service: service, Log: a.log})
	if err := programEnd(ctx, "doctor", a.runProgram(ctx, m)); err != nil {
		return err
	}
	fix := m.Outcome().Fix
	if fix == nil {
		return nil
	}
	opts, err := a.fixOptions(fix)
	if err != nil {
		return err
	}
	return a.runWizardScreens(ctx, opts)
}

// fixOptions open the wizard on the revision a stopped task ran, at the step that owns
// the fix, connected to the session doctor used.
func (a *app) fixOptions(fix *doctorui.Fix) (wizard.Options, error) {
	store, err := a.drafts()
	if err != nil {
		return wizard.Options{}, err
	}
	opts := wizard.Options{Spec: fix.Spec, Field: fix.Field, Drafts: &store, Log: a.log,
		Note: "Opened from doctor on " + fix.Revision + ": " + strings.TrimSuffix(fix.Why, ".") + "."}
	if saved, err := store.Modified(); err == nil {
		opts.PreviousDraft = saved
	}
	if fix.Service != "" {
		opts.Rollout = &deploy.Service{Cluster: fix.Cluster, Name: fix.Service, Running: fix.ServiceRevision}
	}
	// The wizard draws its first frame at once and loads the session (who is calling)
	// beside it, as when it is opened on its own.
	opts.Connect = a.connections.guard(func(ctx context.Context) (*wizard.Session, error) { return a.session(ctx, "") })
	a.log.Info("doctor: fix in wizard", "revision", fix.Revision, "field", fix.Field, "service", fix.Service)
	return opts, nil
}
