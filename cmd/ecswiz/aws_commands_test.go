package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
	"github.com/ecswiz/ecswiz/internal/model"
	"github.com/ecswiz/ecswiz/internal/motoserver"
)

// demo runs ecswiz against the in-process demo account.
var demo = cli{env: map[string]string{demoEnv: "1"}}

func TestDemoParamsListsTheDemoParameters(t *testing.T) {
	got := demo.run(t, "params", "/demo-shop/dev")
	if got.code != 0 || got.stderr != "" {
		t.Fatalf("exit %d, stderr %q", got.code, got.stderr)
	}
	for _, want := range []string{
		"/demo-shop/dev: 12 parameters\n",
		"  app/\n    django-secret-key ",
		"    password             SecureString  v1 ",
	} {
		if !strings.Contains(got.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, got.stdout)
		}
	}
}

func TestDemoParametersSeedsALargerDemoAccount(t *testing.T) {
	large := cli{env: map[string]string{demoEnv: "1", demoParametersEnv: "30"}}
	got := large.run(t, "params", "/demo-shop/dev")
	if got.code != 0 || got.stderr != "" {
		t.Fatalf("exit %d, stderr %q", got.code, got.stderr)
	}
	if want := "/demo-shop/dev: 42 parameters\n"; !strings.Contains(got.stdout, want) {
		t.Errorf("stdout lacks %q (the demo's 12 and 30 more):\n%s", want, got.stdout)
	}
}

func TestDemoParametersRefusesABadCount(t *testing.T) {
	for _, v := range []string{"many", "-1", "100000"} {
		t.Run(v, func(t *testing.T) {
			bad := cli{env: map[string]string{demoEnv: "1", demoParametersEnv: v}}
			got := bad.run(t, "params", "/demo-shop/dev")
			want := fmt.Sprintf("ecswiz: ECSWIZ_DEMO_PARAMETERS=%q: want a number of parameters from 0 to 99999\n", v)
			if got.code != 2 || got.stderr != want {
				t.Errorf("exit %d, stderr %q; want exit 2, %q", got.code, got.stderr, want)
			}
		})
	}
}

func TestDemoParamsJSONHoldsMetadataOnly(t *testing.T) {
	got := demo.run(t, "--demo", "params", "/demo-shop/prod", "--json")
	if got.code != 0 {
		t.Fatalf("exit %d, stderr %q", got.code, got.stderr)
	}
	lines := strings.Split(strings.TrimSpace(got.stdout), "\n")
	if len(lines) == 0 {
		t.Fatal("no parameters")
	}
	for _, line := range lines {
		var p map[string]any
		if err := json.Unmarshal([]byte(line), &p); err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		if _, ok := p["value"]; ok {
			t.Fatalf("a value was printed: %s", line)
		}
		if !strings.HasPrefix(p["name"].(string), "/demo-shop/prod/") {
			t.Errorf("%s is not under /demo-shop/prod", p["name"])
		}
	}
}

func TestParamsTakesTheSpecsPrefix(t *testing.T) {
	spec := basicDevWith(t, `app_name = "demo-shop"`, `container_name = "demo-shop"`)
	got := demo.run(t, "params", "-f", writeSpec(t, "dev.tfvars", spec))
	if got.code != 0 || !strings.HasPrefix(got.stdout, "/demo-shop/dev: 12 parameters\n") {
		t.Fatalf("exit %d, stdout %q, stderr %q", got.code, got.stdout, got.stderr)
	}
}

func TestParamsBadUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no path and no spec", []string{"params"}, "ecswiz: no path given: pass one (ecswiz params /APP/ENV) or a spec with -f\n"},
		{"a relative path", []string{"params", "demo-shop"}, "ecswiz: path \"demo-shop\" must start with /, e.g. /demo-shop\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := demo.run(t, tt.args...)
			if diff := cmp.Diff(result{stderr: tt.want, code: exitUsage}, got, cmp.AllowUnexported(result{})); diff != "" {
				t.Fatalf("(-want +got):\n%s", diff)
			}
		})
	}
}

// The registration tests below are about registering: the spec names an account the demo
// does not hold, so they skip the checks (the next tests are about those).

// The demo account is fresh on every run: the first registration is revision 1.
func TestDemoRegisterPrintsTheModulesOutputs(t *testing.T) {
	got := demo.run(t, "register", "-f", basicDev, "--skip-checks")
	want := `task_definition_arn      = "arn:aws:ecs:eu-west-2:123456789012:task-definition/backend-booking-dev:1"
task_definition_family   = "backend-booking-dev"
task_definition_revision = 1
container_name           = "backend-booking"
container_port           = 8000
`
	if diff := cmp.Diff(result{stdout: want}, got, cmp.AllowUnexported(result{})); diff != "" {
		t.Fatalf("(-want +got):\n%s", diff)
	}
}

// register runs doctor's checks first and refuses when one fails: a task of that
// revision would not start.
func TestRegisterRefusesWhenACheckFails(t *testing.T) {
	srv := fakeaws.NewDemo()
	c := cli{env: demo.env, newDemo: func() *fakeaws.Server { return srv }}
	got := c.run(t, "register", "-f", basicDev)
	if got.code != exitFailure || got.stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", got.code, got.stdout, got.stderr)
	}
	for _, want := range []string{"FAIL  secrets ", "FAIL  log-group ", "ok    sizing ", "--skip-checks"} {
		if !strings.Contains(got.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, got.stderr)
		}
	}
	if n := len(srv.CallsTo("RegisterTaskDefinition")); n != 0 {
		t.Errorf("RegisterTaskDefinition was called %d times, want none", n)
	}
}

// A spec whose checks pass registers without a word about them.
func TestDemoRegisterOfASpecWhoseChecksPass(t *testing.T) {
	got := demo.run(t, "register", "-f", "../../examples/demo-shop-dev.tfvars")
	if got.code != 0 || got.stderr != "" || got.stdout != "unchanged: demo-shop-dev:4\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", got.code, got.stdout, got.stderr)
	}
}

// A check that could run only in part (the parameters' keys could not be read, so
// kms:Decrypt was not simulated) is shown with its way on, and does not refuse.
func TestRegisterShowsAChecksPartAndRegisters(t *testing.T) {
	srv := fakeaws.NewDemo()
	srv.Fail("DescribeParameters", "AccessDeniedException", "User: arn:aws:iam::123456789012:user/demo is not authorized to perform: ssm:DescribeParameters")
	c := cli{env: demo.env, newDemo: func() *fakeaws.Server { return srv }}
	got := c.run(t, "register", "-f", "../../examples/demo-shop-dev.tfvars", "--force")
	if got.code != 0 || !strings.Contains(got.stdout, "task_definition_revision = 5\n") {
		t.Fatalf("exit %d, stdout %q, stderr %q", got.code, got.stdout, got.stderr)
	}
	for _, want := range []string{"skip  execution-role  could not check kms:Decrypt", "(access denied (ssm:DescribeParameters))",
		"-- hint: Checking kms:Decrypt needs the parameters' keys, read with ssm:DescribeParameters", "ask for the permission",
		"ecswiz: registering: 1 check above could not run fully"} {
		if !strings.Contains(got.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, got.stderr)
		}
	}
}

// A registration whose answer is lost (ECS made the revision, then the connection
// failed) is neither repeated nor reported as a failure: register looks first.
func TestRegisterWhoseAnswerIsLostIsNotRepeated(t *testing.T) {
	srv := fakeaws.NewDemo()
	srv.Fail("RegisterTaskDefinition", "ServerException", "Service unavailable", fakeaws.AfterWork(), fakeaws.Times(1), fakeaws.WithStatus(500))
	c := cli{env: demo.env, newDemo: func() *fakeaws.Server { return srv }}

	got := c.run(t, "register", "-f", basicDev, "--skip-checks")
	if got.code != 0 || !strings.Contains(got.stdout, "task_definition_revision = 1\n") {
		t.Fatalf("exit %d, stdout %q, stderr %q", got.code, got.stdout, got.stderr)
	}
	if !strings.Contains(got.stderr, "backend-booking-dev:1 now matches the spec: it was registered") {
		t.Errorf("stderr does not say what happened: %q", got.stderr)
	}
	if n := len(srv.CallsTo("RegisterTaskDefinition")); n != 1 {
		t.Errorf("RegisterTaskDefinition was called %d times, want 1", n)
	}
}

// A registration refused before any work (throttled) is retried by the SDK.
func TestThrottledRegistrationIsRetried(t *testing.T) {
	srv := fakeaws.NewDemo()
	srv.Fail("RegisterTaskDefinition", "ThrottlingException", "Rate exceeded", fakeaws.Times(1))
	c := cli{env: demo.env, newDemo: func() *fakeaws.Server { return srv }}

	got := c.run(t, "register", "-f", basicDev, "--skip-checks")
	if got.code != 0 || got.stderr != "" || !strings.Contains(got.stdout, "task_definition_revision = 1\n") {
		t.Fatalf("exit %d, stdout %q, stderr %q", got.code, got.stdout, got.stderr)
	}
	if n := len(srv.CallsTo("RegisterTaskDefinition")); n != 2 {
		t.Errorf("RegisterTaskDefinition was called %d times, want 2 (one throttled)", n)
	}
}

// A registration that failed without making a revision is reported, once.
func TestFailedRegistrationIsReportedAndNotRepeated(t *testing.T) {
	srv := fakeaws.NewDemo()
	srv.Fail("RegisterTaskDefinition", "ServerException", "Service unavailable", fakeaws.WithStatus(500))
	c := cli{env: demo.env, newDemo: func() *fakeaws.Server { return srv }}

	got := c.run(t, "register", "-f", basicDev, "--skip-checks")
	if got.code != exitFailure || got.stdout != "" || !strings.Contains(got.stderr, `register task definition "backend-booking-dev"`) {
		t.Fatalf("exit %d, stdout %q, stderr %q", got.code, got.stdout, got.stderr)
	}
	if n := len(srv.CallsTo("RegisterTaskDefinition")); n != 1 {
		t.Errorf("RegisterTaskDefinition was called %d times, want 1", n)
	}
}

func TestDemoDiffAgainstARegisteredRevision(t *testing.T) {
	spec := writeSpec(t, "dev.tfvars", basicDevWith(t,
		`app_name = "demo-shop"`, `container_name = "demo-shop"`))
	got := demo.run(t, "diff", "-f", spec, "--against", "demo-shop-dev:1")
	if got.code != exitFailure || !strings.HasPrefix(got.stdout, "--- demo-shop-dev:1\n+++ "+spec+"\n") {
		t.Fatalf("exit %d, stdout %q, stderr %q", got.code, got.stdout, got.stderr)
	}
	missing := demo.run(t, "diff", "-f", spec, "--against", "nope:3")
	if missing.code != exitFailure || !strings.Contains(missing.stderr, "not found") {
		t.Fatalf("against a missing revision: exit %d, stderr %q", missing.code, missing.stderr)
	}
}

func TestDemoImportOfARegisteredRevision(t *testing.T) {
	got := demo.run(t, "import", "--task-definition", "demo-shop-dev")
	if got.code != 0 {
		t.Fatalf("exit %d, stdout %q, stderr %q", got.code, got.stdout, got.stderr)
	}
	spec, err := model.ParseSpec([]byte(got.stdout), "imported.tfvars")
	if err != nil || spec.Family() != "demo-shop-dev" {
		t.Fatalf("imported spec of family %q (err %v):\n%s", spec.Family(), err, got.stdout)
	}
	both := demo.run(t, "import", "--task-definition", "x", "--from-json", "y.json")
	if both.code != exitUsage {
		t.Fatalf("both sources: exit %d, stderr %q", both.code, both.stderr)
	}
}

// motoCLI runs ecswiz against moto_server as a user with AWS_ENDPOINT_URL would.
func motoCLI(t *testing.T) cli {
	t.Helper()
	env := map[string]string{
		"AWS_ENDPOINT_URL":      motoserver.Endpoint(t),
		"AWS_ACCESS_KEY_ID":     "test",
		"AWS_SECRET_ACCESS_KEY": "test",
		"AWS_REGION":            motoserver.Region,
	}
	// The SDK reads the process environment itself; the region fallback reads deps.getenv.
	for k, v := range env {
		t.Setenv(k, v)
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	return cli{env: env}
}

// The acceptance: register makes revision 1, registering again changes
// nothing, and describe-task-definition shows what render printed.
func TestRegisterAgainstMoto(t *testing.T) {
	c := motoCLI(t)
	app := fmt.Sprintf("reg%d", time.Now().UnixNano()) // moto's state lives as long as the test run
	spec := writeSpec(t, "dev.tfvars", basicDevWith(t, fmt.Sprintf("app_name = %q", app)))

	first := c.run(t, "register", "-f", spec, "--skip-checks")
	if first.code != 0 || !strings.Contains(first.stdout, "task_definition_revision = 1\n") {
		t.Fatalf("first register: exit %d, stdout %q, stderr %q", first.code, first.stdout, first.stderr)
	}
	again := c.run(t, "register", "-f", spec, "--skip-checks")
	if want := (result{stdout: "unchanged: " + app + "-dev:1\n"}); !cmp.Equal(want, again, cmp.AllowUnexported(result{})) {
		t.Fatalf("second register: %+v", again)
	}
	if same := c.run(t, "diff", "-f", spec); same.code != 0 || same.stdout != "unchanged: "+app+"-dev:1\n" {
		t.Fatalf("diff after register: %+v", same)
	}
	changed := c.run(t, "register", "-f", spec, "--set", "container_image=repo:2", "--dry-run")
	if changed.code != 0 || !strings.Contains(changed.stdout, `+      "image": "repo:2",`) {
		t.Fatalf("dry run of a change: %+v", changed)
	}
	forced := c.run(t, "register", "-f", spec, "--force", "--skip-checks")
	if forced.code != 0 || !strings.Contains(forced.stdout, "task_definition_revision = 2\n") {
		t.Fatalf("forced register: %+v", forced)
	}

	// The live import gives back the spec that was registered.
	imported := c.run(t, "import", "--task-definition", app+"-dev:1")
	if imported.code != 0 {
		t.Fatalf("import: %+v", imported)
	}
	wantSpec, err := model.ParseSpec([]byte(basicDevWith(t, fmt.Sprintf("app_name = %q", app))), "want.tfvars")
	if err != nil {
		t.Fatal(err)
	}
	gotSpec, err := model.ParseSpec([]byte(imported.stdout), "imported.tfvars")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantSpec, gotSpec); diff != "" {
		t.Errorf("imported spec (-want +got):\n%s", diff)
	}

	// The AWS CLI sees what render printed.
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("aws (the AWS CLI) is not on PATH")
	}
	cmd := exec.Command("aws", "ecs", "describe-task-definition", "--task-definition", app+"-dev:1",
		"--include", "TAGS", "--endpoint-url", os.Getenv("AWS_ENDPOINT_URL"), "--output", "json")
	cmd.Env = append(os.Environ(), "AWS_DEFAULT_REGION="+motoserver.Region)
	described, err := cmd.Output()
	if err != nil {
		t.Fatalf("aws ecs describe-task-definition: %v", err)
	}
	rendered := c.run(t, "render", "-f", spec)
	diff, err := model.DiffTaskDefinitions("described", described, "rendered", []byte(rendered.stdout))
	if err != nil || diff != "" {
		t.Fatalf("describe-task-definition differs from render (err %v):\n%s", err, diff)
	}
}

func TestParamsAgainstMotoListsWhatTheAWSCLICreated(t *testing.T) {
	c := motoCLI(t)
	if _, err := exec.LookPath("aws"); err != nil {
		t.Skip("aws (the AWS CLI) is not on PATH")
	}
	prefix := fmt.Sprintf("/params%d", time.Now().UnixNano())
	names := []string{prefix + "/app/django-secret-key", prefix + "/database/host", prefix + "/database/password"}
	for i := range 12 {
		names = append(names, fmt.Sprintf("%s/extra/p%02d", prefix, i))
	}
	for _, name := range names {
		cmd := exec.Command("aws", "ssm", "put-parameter", "--name", name, "--value", "v", "--type", "String",
			"--endpoint-url", os.Getenv("AWS_ENDPOINT_URL"))
		cmd.Env = append(os.Environ(), "AWS_DEFAULT_REGION="+motoserver.Region)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("aws ssm put-parameter %s: %v\n%s", name, err, out)
		}
	}
	got := c.run(t, "params", prefix, "--json")
	if got.code != 0 {
		t.Fatalf("exit %d, stderr %q", got.code, got.stderr)
	}
	var listed []string
	for line := range strings.Lines(got.stdout) {
		var p struct{ Name string }
		if err := json.Unmarshal([]byte(line), &p); err != nil {
			t.Fatal(err)
		}
		listed = append(listed, p.Name)
	}
	if diff := cmp.Diff(names, listed); diff != "" {
		t.Errorf("listed (-want +got):\n%s", diff)
	}
}

// The demo account ignores the user's AWS configuration, even a broken one.
func TestDemoIgnoresTheUsersProfile(t *testing.T) {
	t.Setenv("AWS_PROFILE", "no-such-profile")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	got := demo.run(t, "params", "/demo-shop/dev")
	if got.code != 0 || !strings.HasPrefix(got.stdout, "/demo-shop/dev: 12 parameters\n") {
		t.Fatalf("exit %d, stdout %q, stderr %q", got.code, got.stdout, got.stderr)
	}
}
