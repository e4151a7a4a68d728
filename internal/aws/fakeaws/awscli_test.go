package fakeaws_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
)

// The AWS CLI (v1, botocore) is an independent client of the same protocols.
func TestAWSCLIAgainstTheFake(t *testing.T) {
	bin, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("aws CLI not on PATH")
	}
	c := start(t, fakeaws.WithDemo())
	run := func(args ...string) []byte {
		t.Helper()
		cx, cancel := context.WithTimeout(context.Background(), 25*time.Second)
		defer cancel()
		cmd := exec.CommandContext(cx, bin, append(args, "--endpoint-url", c.srv.URL(), "--output", "json")...)
		cmd.Env = append(os.Environ(), "AWS_ACCESS_KEY_ID=fake", "AWS_SECRET_ACCESS_KEY=fake", "AWS_DEFAULT_REGION=eu-west-2",
			"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_PAGER=", "AWS_ENDPOINT_URL=")
		out, err := cmd.Output()
		if err != nil {
			var stderr string
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = string(ee.Stderr)
			}
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr)
		}
		return out
	}

	var params struct {
		Parameters []struct{ Name, Value string }
	}
	if err := json.Unmarshal(run("ssm", "get-parameters-by-path", "--path", "/demo-shop/dev", "--recursive"), &params); err != nil {
		t.Fatal(err)
	}
	if len(params.Parameters) != 12 {
		t.Errorf("get-parameters-by-path returned %d parameters", len(params.Parameters))
	}
	// The CLI pages on its own; 12 parameters at 10 a page take two calls.
	if n := len(c.srv.CallsTo("GetParametersByPath")); n != 2 {
		t.Errorf("%d GetParametersByPath calls", n)
	}

	var td struct {
		TaskDefinition struct {
			TaskDefinitionArn    string
			ContainerDefinitions []struct{ Name string }
		}
	}
	if err := json.Unmarshal(run("ecs", "describe-task-definition", "--task-definition", "demo-shop-dev"), &td); err != nil {
		t.Fatal(err)
	}
	if td.TaskDefinition.TaskDefinitionArn != "arn:aws:ecs:eu-west-2:123456789012:task-definition/demo-shop-dev:4" ||
		len(td.TaskDefinition.ContainerDefinitions) != 1 || td.TaskDefinition.ContainerDefinitions[0].Name != "demo-shop" {
		t.Errorf("describe-task-definition: %+v", td)
	}

	var roles struct {
		Roles []struct {
			RoleName                 string
			AssumeRolePolicyDocument map[string]any // botocore decodes IAM's URL-encoded policy
		}
	}
	if err := json.Unmarshal(run("iam", "list-roles", "--path-prefix", "/"), &roles); err != nil {
		t.Fatal(err)
	}
	if len(roles.Roles) != 7 || roles.Roles[0].AssumeRolePolicyDocument["Version"] != "2012-10-17" {
		t.Errorf("list-roles: %+v", roles)
	}

	var id struct{ Account string }
	if err := json.Unmarshal(run("sts", "get-caller-identity"), &id); err != nil || id.Account != "123456789012" {
		t.Errorf("get-caller-identity: %+v %v", id, err)
	}
}
