package model

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ecswiz/ecswiz/internal/model/taskdef"
	"github.com/ecswiz/ecswiz/internal/motoserver"
)

// TestIntegrationAWSCLIAcceptsRenders hands each example's render to the real AWS CLI,
// which checks the document against the ECS API model before sending it, registers it
// with moto_server, then reads it back and compares it with what was rendered.
func TestIntegrationAWSCLIAcceptsRenders(t *testing.T) {
	aws, err := exec.LookPath("aws")
	if err != nil {
		motoserver.Unavailable(t, "the aws CLI is not on PATH",
			"install the AWS CLI (pip install awscli) to run it")
	}
	endpoint := motoserver.Endpoint(t)

	for name, spec := range exampleSpecs(t) {
		t.Run("the AWS CLI registers "+name+" and reads back the same task definition", func(t *testing.T) {
			want, err := Build(spec, "")
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(t.TempDir(), "taskdef.json")
			if err := os.WriteFile(file, RenderJSON(want), 0o600); err != nil {
				t.Fatal(err)
			}

			var registered struct {
				TaskDefinition struct {
					TaskDefinitionArn string `json:"taskDefinitionArn"`
				} `json:"taskDefinition"`
			}
			runAWSCLIJSON(t, aws, endpoint, &registered, "ecs", "register-task-definition",
				"--cli-input-json", "file://"+file)
			arn := registered.TaskDefinition.TaskDefinitionArn
			if arn == "" {
				t.Fatal("register-task-definition returned no taskDefinitionArn")
			}

			// Described by ARN, not family: moto keeps its state for the whole run, so the
			// family's latest revision could belong to another test.
			var described struct {
				TaskDefinition taskdef.TaskDefinition `json:"taskDefinition"`
				Tags           []taskdef.Tag          `json:"tags"`
			}
			runAWSCLIJSON(t, aws, endpoint, &described, "ecs", "describe-task-definition",
				"--task-definition", arn, "--include", "TAGS")
			got := described.TaskDefinition
			// DescribeTaskDefinition returns tags beside the task definition, not in it.
			got.Tags = described.Tags

			// Decoding into taskdef.TaskDefinition keeps only the fields ecswiz sends; what
			// AWS adds on its own (revision, status, compatibilities, container cpu 0,
			// volumesFrom, ...) falls away. ECS returns a list the render leaves out (volumes,
			// mountPoints) as empty rather than absent; to the API the two are the same.
			if diff := cmp.Diff(asECSStoresIt(want), got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("describe-task-definition differs from the render (-rendered +described):\n%s", diff)
			}
		})
	}
}

// asECSStoresIt applies the defaults ECS fills in when a field is left out, so the
// render compares equal to what describe-task-definition returns.
func asECSStoresIt(td taskdef.TaskDefinition) taskdef.TaskDefinition {
	var volumes []taskdef.Volume
	for _, v := range td.Volumes {
		if efs := v.EFSVolumeConfiguration; efs != nil && efs.RootDirectory == "" {
			// ECS documents an omitted rootDirectory as the root of the file system and
			// stores it as "/".
			c := *efs
			c.RootDirectory = "/"
			v.EFSVolumeConfiguration = &c
		}
		volumes = append(volumes, v)
	}
	td.Volumes = volumes
	return td
}

// runAWSCLIJSON runs the aws CLI against moto with test credentials only and decodes its JSON
// output into out.
func runAWSCLIJSON(t *testing.T, aws, endpoint string, out any, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args = append(args, "--endpoint-url", endpoint, "--region", motoserver.Region, "--output", "json")
	cmd := exec.CommandContext(ctx, aws, args...)
	cmd.Env = motoserver.CLIEnv(endpoint)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	if err := json.Unmarshal(stdout.Bytes(), out); err != nil {
		t.Fatalf("aws %s printed no JSON: %v\n%s", strings.Join(args, " "), err, stdout.String())
	}
}
