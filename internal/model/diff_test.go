package model

import (
	"strings"
	"testing"
)

// describeOutput is a render as `aws ecs describe-task-definition --include TAGS`
// returns it: read-only fields added, defaults spelled out, lists in another order,
// tags beside the task definition.
const describeOutput = `{
  "taskDefinition": {
    "taskDefinitionArn": "arn:aws:ecs:eu-west-2:123456789012:task-definition/shop-dev:3",
    "family": "shop-dev",
    "revision": 3,
    "status": "ACTIVE",
    "registeredAt": "2026-11-25T10:00:00Z",
    "requiresAttributes": [{"name": "com.amazonaws.ecs.capability.logging-driver.awslogs"}],
    "compatibilities": ["EC2", "FARGATE"],
    "networkMode": "awsvpc",
    "requiresCompatibilities": ["FARGATE"],
    "cpu": "0.5 vCPU",
    "memory": "1GB",
    "executionRoleArn": "arn:aws:iam::123456789012:role/exec",
    "runtimePlatform": {"cpuArchitecture": "X86_64", "operatingSystemFamily": "LINUX"},
    "volumes": [{"name": "data", "host": {}, "efsVolumeConfiguration": {"fileSystemId": "fs-1", "rootDirectory": "/"}}],
    "containerDefinitions": [{
      "name": "web",
      "image": "repo:1",
      "cpu": 0,
      "essential": true,
      "portMappings": [{"containerPort": 8000, "hostPort": 8000, "protocol": "tcp"}],
      "environment": [{"name": "B", "value": "2"}, {"name": "A", "value": "1"}],
      "secrets": [],
      "mountPoints": [{"sourceVolume": "data", "containerPath": "/data", "readOnly": false}],
      "volumesFrom": [],
      "systemControls": []
    }]
  },
  "tags": [{"key": "team", "value": "web"}, {"key": "app", "value": "shop"}]
}`

// registerInput is the same task definition as ecswiz renders it.
const registerInput = `{
  "family": "shop-dev",
  "executionRoleArn": "arn:aws:iam::123456789012:role/exec",
  "networkMode": "awsvpc",
  "containerDefinitions": [{
    "name": "web",
    "image": "repo:1",
    "essential": true,
    "portMappings": [{"containerPort": 8000, "hostPort": 8000, "protocol": "tcp"}],
    "environment": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
    "mountPoints": [{"sourceVolume": "data", "containerPath": "/data", "readOnly": false}],
    "readonlyRootFilesystem": false
  }],
  "volumes": [{"name": "data", "efsVolumeConfiguration": {"fileSystemId": "fs-1"}}],
  "requiresCompatibilities": ["FARGATE"],
  "cpu": "512",
  "memory": "1024",
  "runtimePlatform": {"cpuArchitecture": "X86_64", "operatingSystemFamily": "LINUX"},
  "tags": [{"key": "app", "value": "shop"}, {"key": "team", "value": "web"}]
}`

func TestDiffTaskDefinitions(t *testing.T) {
	tests := []struct {
		name         string
		old, new     string
		wantSame     bool
		wantInDiff   []string
		wantErrorHas string
	}{
		{
			name: "a describe output equals the render it was registered from",
			old:  describeOutput, new: registerInput, wantSame: true,
		},
		{
			name: "a changed image is shown as a removed and an added line",
			old:  describeOutput, new: strings.Replace(registerInput, `"repo:1"`, `"repo:2"`, 1),
			wantInDiff: []string{`-      "image": "repo:1",`, `+      "image": "repo:2",`},
		},
		{
			name: "essential false differs from the default",
			old:  describeOutput, new: strings.Replace(registerInput, `"essential": true`, `"essential": false`, 1),
			wantInDiff: []string{`+      "essential": false,`},
		},
		{
			name: "a host port other than the container port is kept",
			old:  registerInput, new: strings.Replace(registerInput, `"hostPort": 8000`, `"hostPort": 80`, 1),
			wantInDiff: []string{`+          "hostPort": 80`},
		},
		{
			name: "a changed tag value is a difference",
			old:  describeOutput, new: strings.Replace(registerInput, `"value": "web"`, `"value": "api"`, 1),
			wantInDiff: []string{`+      "value": "api"`},
		},
		{
			name: "against nothing registered, every line is added",
			old:  "", new: registerInput,
			wantInDiff: []string{`+  "family": "shop-dev",`},
		},
		{
			name: "the order of capabilities does not matter",
			old: strings.Replace(registerInput, `"readonlyRootFilesystem": false`,
				`"linuxParameters": {"capabilities": {"add": [], "drop": ["NET_RAW", "ALL"]}}`, 1),
			new: strings.Replace(registerInput, `"readonlyRootFilesystem": false`,
				`"linuxParameters": {"capabilities": {"add": [], "drop": ["ALL", "NET_RAW"]}}`, 1),
			wantSame: true,
		},
		{
			name: "a document without containers is refused",
			old:  `{"family": "x"}`, new: registerInput,
			wantErrorHas: "no containerDefinitions",
		},
		{
			name: "malformed JSON is refused with the side that was wrong",
			old:  registerInput, new: `{"family": `,
			wantErrorHas: "new: read task definition JSON",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var old []byte
			if tt.old != "" {
				old = []byte(tt.old)
			}
			diff, err := DiffTaskDefinitions("old", old, "new", []byte(tt.new))
			if tt.wantErrorHas != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErrorHas) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErrorHas)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantSame {
				if diff != "" {
					t.Fatalf("want no difference, got:\n%s", diff)
				}
				return
			}
			for _, line := range tt.wantInDiff {
				if !strings.Contains(diff, line+"\n") {
					t.Errorf("diff lacks %q:\n%s", line, diff)
				}
			}
			if !strings.HasPrefix(diff, "--- old\n+++ new\n") {
				t.Errorf("diff does not start with the file names:\n%s", diff)
			}
		})
	}
}

func TestEveryExampleRenderNormalisesToItself(t *testing.T) {
	for name, s := range exampleSpecs(t) {
		t.Run(name, func(t *testing.T) {
			td, err := Build(s, "")
			if err != nil {
				t.Fatal(err)
			}
			doc := RenderJSON(td)
			diff, err := DiffTaskDefinitions("a", doc, "b", doc)
			if err != nil || diff != "" {
				t.Fatalf("diff = %q, err = %v", diff, err)
			}
			norm, err := NormalizeTaskDefinition(doc)
			if err != nil {
				t.Fatal(err)
			}
			again, err := NormalizeTaskDefinition(norm)
			if err != nil || string(again) != string(norm) {
				t.Fatalf("normalising twice changed the document (err %v)", err)
			}
		})
	}
}
