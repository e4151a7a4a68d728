package model_test

// An external test package: it reads the demo account's stopped tasks from fakeaws, which
// must stay free to import model.

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
	"github.com/ecswiz/ecswiz/internal/model"
)

func exit(n int) *int { return &n }

// one is a task of one container named "web".
func one(stopCode, stoppedReason, containerReason string, exitCode *int) model.StoppedTask {
	return model.StoppedTask{StopCode: stopCode, StoppedReason: stoppedReason,
		Containers: []model.StoppedContainer{{Name: "web", Reason: containerReason, ExitCode: exitCode}}}
}

// pullFailure is a task that failed to start, with the reason on the task and on its
// container, as ECS reports it.
func pullFailure(reason string) model.StoppedTask {
	return one("TaskFailedToStart", reason, reason, nil)
}

// verdict is what a case checks of a Diagnosis.
type verdict struct {
	Cause     model.Cause
	Container string
	Field     string
	Evidence  string
}

func verdictOf(d model.Diagnosis) verdict {
	return verdict{Cause: d.Cause, Container: d.Container, Field: d.Field, Evidence: d.Evidence}
}

const (
	ecr        = "123456789012.dkr.ecr.eu-west-2.amazonaws.com"
	execRole   = "arn:aws:sts::123456789012:assumed-role/app-prod-ecs-task-execution/0f6b1c2d3e4f40a1b2c3d4e5f6a7b8c9"
	secretsHdr = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: "
)

func TestDiagnoseClassifiesEveryRowOfTheTable(t *testing.T) {
	type tc struct {
		name  string
		task  model.StoppedTask
		want  verdict // Evidence "" means: the task's stopped reason
		title string  // a part of the title, when the reason says more than the row
	}
	cases := []tc{
		// CannotPullContainerError ... not found
		{name: "a tag ECR does not have (containerd wording)",
			task: pullFailure("CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref " +
				ecr + "/demo-shop:1.4.3: " + ecr + "/demo-shop:1.4.3: not found"),
			want: verdict{Cause: model.CauseImageNotFound, Container: "web", Field: "container_image"}},
		{name: "a digest GHCR does not have (ref pull wording)",
			task: pullFailure("CannotPullContainerError: ref pull has been retried 1 time(s): failed to resolve ref " +
				"ghcr.io/usdigitalresponse/usdr-gost-arpa-exporter:9f3f04ba@sha256:cca4a767de7ae6d3: " +
				"ghcr.io/usdigitalresponse/usdr-gost-arpa-exporter:9f3f04ba@sha256:cca4a767de7ae6d3: not found"),
			want: verdict{Cause: model.CauseImageNotFound, Container: "web", Field: "container_image"}},
		{name: "a manifest Docker does not know (docker daemon wording)",
			task: pullFailure("CannotPullContainerError: Error response from daemon: manifest for " + ecr +
				"/my-app:latest not found: manifest unknown: manifest unknown"),
			want: verdict{Cause: model.CauseImageNotFound, Container: "web", Field: "container_image"}},
		{name: "a repository that does not exist",
			task: pullFailure("CannotPullContainerError: Error response from daemon: pull access denied for my-app, " +
				"repository does not exist or may require 'docker login'"),
			want: verdict{Cause: model.CauseImageNotFound, Container: "web", Field: "container_image"}},

		// ... does not contain descriptor matching platform
		{name: "an arm64-only image on an X86_64 task",
			task: pullFailure("CannotPullContainerError: pull image manifest has been retried 7 time(s): image Manifest does not " +
				"contain descriptor matching platform 'linux/amd64'"),
			want: verdict{Cause: model.CausePlatformMismatch, Container: "web", Field: "cpu_architecture"}},
		{name: "an amd64-only manifest list on an ARM64 task (docker wording)",
			task: pullFailure("CannotPullContainerError: Error response from daemon: no matching manifest for linux/arm64/v8 " +
				"in the manifest list entries"),
			want: verdict{Cause: model.CausePlatformMismatch, Container: "web", Field: "cpu_architecture"}},

		// CannotPullContainerError ... i/o timeout / context canceled
		{name: "a pull from ECR that times out",
			task: pullFailure("CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref " +
				ecr + "/demo-shop:1.4.2: failed to do request: Head \"https://" + ecr +
				"/v2/demo-shop/manifests/1.4.2\": dial tcp 52.94.53.88:443: i/o timeout"),
			want: verdict{Cause: model.CauseNetwork, Container: "web"}},
		{name: "a pull cancelled while waiting for a connection",
			task: pullFailure("CannotPullContainerError: API error (500): Get https://111122223333.dkr.ecr.us-east-1.amazonaws.com/v2/: " +
				"net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)"),
			want: verdict{Cause: model.CauseNetwork, Container: "web"}},
		{name: "a pull whose context was canceled",
			task: pullFailure("CannotPullContainerError: context canceled"),
			want: verdict{Cause: model.CauseNetwork, Container: "web"}},
		{name: "a secret Secrets Manager could not be reached for",
			task: pullFailure(secretsHdr + "unable to retrieve secret from asm: service call has been retried 5 time(s): " +
				"failed to fetch secret arn:aws:secretsmanager:us-west-2:123456789012:secret:DBPasswordSecret-AbCdEf from " +
				"secrets manager: RequestCanceled: request context canceled caused by: context deadline exceeded. " +
				"Please check your task network configuration."),
			want: verdict{Cause: model.CauseNetwork, Container: "web"}},
		{name: "the ECR registry auth call that times out",
			task: pullFailure(secretsHdr + "unable to retrieve ecr registry auth: service call has been retried 3 time(s): " +
				"RequestError: send request failed caused by: Post \"https://api.ecr.us-east-1.amazonaws.com/\": dial tcp " +
				"10.0.3.17:443: i/o timeout"),
			want: verdict{Cause: model.CauseNetwork, Container: "web"}},

		// toomanyrequests
		{name: "Docker Hub's pull rate limit (resolve wording)",
			task: pullFailure("CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref " +
				"docker.io/demoshop/demo-shop:1.4.0: unexpected status from HEAD request to " +
				"https://registry-1.docker.io/v2/demoshop/demo-shop/manifests/1.4.0: 429 Too Many Requests - " +
				"Server message: toomanyrequests: You have reached your pull rate limit. You may increase the limit by " +
				"authenticating and upgrading: https://www.docker.com/increase-rate-limit"),
			want: verdict{Cause: model.CauseDockerHubRateLimit, Container: "web", Field: "container_image"}},
		{name: "Docker Hub's pull rate limit (inspect wording)",
			task: pullFailure("CannotPullContainerError: inspect image has been retried 5 time(s): httpReaderSeeker: failed open: " +
				"unexpected status code https://registry-1.docker.io/v2/library/nginx/manifests/sha256:0d17b565: 429 Too Many " +
				"Requests - Server message: toomanyrequests: You have reached your pull rate limit."),
			want: verdict{Cause: model.CauseDockerHubRateLimit, Container: "web", Field: "container_image"}},

		// unable to retrieve secrets from ssm, AccessDenied
		{name: "an execution role without ssm:GetParameters",
			task: pullFailure(secretsHdr + "unable to retrieve secrets from ssm: service call has been retried 1 time(s): " +
				"AccessDeniedException: User: " + execRole + " is not authorized to perform: ssm:GetParameters on resource: " +
				"arn:aws:ssm:eu-west-2:123456789012:parameter/app/prod/app/django-secret-key because no identity-based " +
				"policy allows the ssm:GetParameters action status code: 400, request id: 5b0e0c32-8d0e-4b8a-9f4c-2f1d6a7e3c11"),
			want:  verdict{Cause: model.CauseExecutionRoleDenied, Container: "web", Field: "execution_role_arn"},
			title: "may not read the task's secrets"},
		{name: "an execution role without kms:Decrypt on a SecureString's customer key",
			task: pullFailure(secretsHdr + "unable to retrieve secrets from ssm: service call has been retried 1 time(s): " +
				"AccessDeniedException: User: " + execRole + " is not authorized to perform: kms:Decrypt on resource: " +
				"arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab because no identity-based policy " +
				"allows the kms:Decrypt action status code: 400, request id: 2c7a6e0a-1f3b-4d8e-9b1a-0e6f5d4c3b2a"),
			want:  verdict{Cause: model.CauseExecutionRoleDenied, Container: "web", Field: "execution_role_arn"},
			title: "kms:Decrypt"},
		{name: "a Secrets Manager secret whose KMS key the role may not use",
			task: pullFailure(secretsHdr + "unable to retrieve secret from asm: service call has been retried 1 time(s): failed " +
				"to fetch secret arn:aws:secretsmanager:eu-central-1:123456789012:secret:algo-dev-directus-secret-EaPYTy from " +
				"secrets manager: AccessDeniedException: Access to KMS is not allowed status code: 400, request id: " +
				"a87a66d9-f839-4353-b8c2-9984b1465695"),
			want:  verdict{Cause: model.CauseExecutionRoleDenied, Container: "web", Field: "execution_role_arn"},
			title: "kms:Decrypt"},
		{name: "an execution role without secretsmanager:GetSecretValue",
			task: pullFailure(secretsHdr + "unable to retrieve secret from asm: service call has been retried 1 time(s): failed " +
				"to fetch secret arn:aws:secretsmanager:eu-west-2:123456789012:secret:prod/db-AbCdEf from secrets manager: " +
				"AccessDeniedException: User: " + execRole + " is not authorized to perform: secretsmanager:GetSecretValue on " +
				"resource: arn:aws:secretsmanager:eu-west-2:123456789012:secret:prod/db-AbCdEf because no identity-based " +
				"policy allows the secretsmanager:GetSecretValue action status code: 400, request id: 9d1c"),
			want:  verdict{Cause: model.CauseExecutionRoleDenied, Container: "web", Field: "execution_role_arn"},
			title: "Secrets Manager"},
		{name: "an execution role without ecr:GetAuthorizationToken",
			task: pullFailure(secretsHdr + "unable to retrieve ecr registry auth: service call has been retried 3 time(s): " +
				"AccessDeniedException: User: " + execRole + " is not authorized to perform: ecr:GetAuthorizationToken on " +
				"resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action status code: 400, " +
				"request id: 7f3e"),
			want:  verdict{Cause: model.CauseExecutionRoleDenied, Container: "web", Field: "execution_role_arn"},
			title: "may not pull the image"},
		{name: "an image pull ECR forbids",
			task: pullFailure("CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref " +
				ecr + "/my-app:v2: unexpected status from HEAD request to https://" + ecr + "/v2/my-app/manifests/v2: 403 Forbidden"),
			want:  verdict{Cause: model.CauseExecutionRoleDenied, Container: "web", Field: "execution_role_arn"},
			title: "may not pull the image"},
		{name: "an execution role that may not create the log stream",
			task: one("TaskFailedToStart", "Task failed to start",
				"ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to "+
					"create Cloudwatch log stream: AccessDeniedException: User: "+execRole+" is not authorized to perform: "+
					"logs:CreateLogStream on resource: arn:aws:logs:eu-west-2:123456789012:log-group:/ecs/app:log-stream:ecs/app/0f6b "+
					"status code: 400, request id: 1e2d : exit status 1", nil),
			want: verdict{Cause: model.CauseExecutionRoleDenied, Container: "web", Field: "execution_role_arn",
				Evidence: "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to " +
					"create Cloudwatch log stream: AccessDeniedException: User: " + execRole + " is not authorized to perform: " +
					"logs:CreateLogStream on resource: arn:aws:logs:eu-west-2:123456789012:log-group:/ecs/app:log-stream:ecs/app/0f6b " +
					"status code: 400, request id: 1e2d : exit status 1"},
			title: "write the task's logs"},
		{name: "the EC2 agent's older wording of an SSM access denied",
			task: pullFailure("Fetching secret data from SSM Parameter Store in us-east-1: AccessDeniedException: User: " + execRole +
				" is not authorized to perform: ssm:GetParameters on resource: arn:aws:ssm:us-east-1:123456789012:parameter/app " +
				"status code: 400, request id: 787934d9-56ba-4a43-9e60-4f05a950a90e"),
			want: verdict{Cause: model.CauseExecutionRoleDenied, Container: "web", Field: "execution_role_arn"}},

		// ... ParameterNotFound / invalid parameters
		{name: "required parameters missing under the prefix",
			task: pullFailure(secretsHdr + "unable to retrieve secrets from ssm: service call has been retried 1 time(s): " +
				"invalid parameters: /demo-shop/prod/database/username, /demo-shop/prod/redis/host"),
			want: verdict{Cause: model.CauseParameterNotFound, Container: "web", Field: "parameter_store_prefix"}},
		{name: "an extra secret's parameter missing (newer agent, no spaces)",
			task: pullFailure(secretsHdr + "unable to retrieve secrets from ssm: service call has been retried 1 time(s): " +
				"invalid parameters: /shop/prod/stripe/api-key,/shop/prod/sentry/dsn"),
			want: verdict{Cause: model.CauseParameterNotFound, Container: "web", Field: "secrets_from_parameter_store"}},
		{name: "a Secrets Manager secret that does not exist",
			task: pullFailure(secretsHdr + "unable to retrieve secret from asm: service call has been retried 1 time(s): failed " +
				"to fetch secret arn:aws:secretsmanager:eu-west-2:123456789012:secret:prod/api-AbCdEf from secrets manager: " +
				"ResourceNotFoundException: Secrets Manager can't find the specified secret. status code: 400, request id: 3a4b"),
			want: verdict{Cause: model.CauseParameterNotFound, Container: "web", Field: "secrets_from_parameter_store"}},

		// ... did not contain json key
		{name: "a Secrets Manager secret without the key",
			task: pullFailure(secretsHdr + "unable to retrieve secret from asm: service call has been retried 1 time(s): " +
				"retrieved secret from Secrets Manager did not contain json key MY_SECRET"),
			want: verdict{Cause: model.CauseSecretsManagerJSONKey, Container: "web", Field: "secrets_from_parameter_store"}},

		// ... log group does not exist
		{name: "a missing log group (Fargate 1.4 wording)",
			task: pullFailure("ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: " +
				"failed to create Cloudwatch log stream: operation error CloudWatch Logs: CreateLogStream, https response error " +
				"StatusCode: 400, RequestID: 0c6a3a5e-8f0b-4d5e-9a61-3b7f2e1d4c90, ResourceNotFoundException: The specified log " +
				"group does not exist. : exit status 1"),
			want: verdict{Cause: model.CauseLogGroupMissing, Container: "web", Field: "log_group_name"}},
		{name: "a missing log group (docker logging driver wording)",
			task: pullFailure("CannotStartContainerError: Error response from daemon: failed to initialize logging driver: failed to " +
				"create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist."),
			want: verdict{Cause: model.CauseLogGroupMissing, Container: "web", Field: "log_group_name"}},

		// OutOfMemoryError, exit 137
		{name: "a container killed for its memory",
			task: one("EssentialContainerExited", "Essential container in task exited",
				"OutOfMemoryError: Container killed due to memory usage", exit(137)),
			want: verdict{Cause: model.CauseOutOfMemory, Container: "web", Field: "task_memory",
				Evidence: "OutOfMemoryError: Container killed due to memory usage"}},
		{name: "an out of memory reason with exit code 0",
			task: one("EssentialContainerExited", "Essential container in task exited",
				"OutOfMemoryError: Container killed due to memory usage", exit(0)),
			want: verdict{Cause: model.CauseOutOfMemory, Container: "web", Field: "task_memory",
				Evidence: "OutOfMemoryError: Container killed due to memory usage"}},

		// exit 137 without the OOM reason
		{name: "a deployment's stop the container ignored",
			task: one("ServiceSchedulerInitiated", "Scaling activity initiated by (deployment ecs-svc/4711089320471123456)", "", exit(137)),
			want: verdict{Cause: model.CauseStopTimeout, Container: "web", Field: "container_command",
				Evidence: "Scaling activity initiated by (deployment ecs-svc/4711089320471123456); web exited with code 137"}},
		{name: "a person's stop the container ignored",
			task: one("UserInitiated", "Task stopped by user", "", exit(137)),
			want: verdict{Cause: model.CauseStopTimeout, Container: "web", Field: "container_command",
				Evidence: "Task stopped by user; web exited with code 137"}},

		// Essential container in task exited, exit 1
		{name: "an app that exits 1",
			task: one("EssentialContainerExited", "Essential container in task exited", "", exit(1)),
			want: verdict{Cause: model.CauseAppCrashed, Container: "web",
				Evidence: "Essential container in task exited; web exited with code 1"}},
		{name: "an app that exits 255, with no stop code (older API)",
			task: one("", "Essential container in task exited", "", exit(255)),
			want: verdict{Cause: model.CauseAppCrashed, Container: "web",
				Evidence: "Essential container in task exited; web exited with code 255"}},

		// Task failed ELB health checks
		{name: "failed health checks, the container stopped cleanly",
			task: one("ServiceSchedulerInitiated", "Task failed ELB health checks in (target-group "+
				"arn:aws:elasticloadbalancing:us-west-2:035866691871:targetgroup/civictechjobs-fullstack-stage/555a47e25c5a1850)", "", exit(0)),
			want: verdict{Cause: model.CauseHealthChecks}},
		{name: "failed health checks, the container killed after ignoring SIGTERM",
			task: one("ServiceSchedulerInitiated", "Task failed ELB health checks in (target-group "+
				"arn:aws:elasticloadbalancing:eu-west-2:123456789012:targetgroup/demo-shop-prod-web/6d0ecf831eec9f09)", "", exit(137)),
			want: verdict{Cause: model.CauseHealthChecks}},

		// Your Spot Task was interrupted. / TerminationNotice
		{name: "a Spot interruption",
			task: one("SpotInterruption", "Your Spot Task was interrupted.", "", exit(0)),
			want: verdict{Cause: model.CauseSpotInterruption}},
		{name: "a Spot termination notice",
			task: one("TerminationNotice", "Your Spot Task was interrupted.", "", exit(0)),
			want: verdict{Cause: model.CauseSpotInterruption}},
		{name: "a Spot interruption the container did not survive cleanly",
			task: one("SpotInterruption", "", "", exit(137)),
			want: verdict{Cause: model.CauseSpotInterruption, Evidence: "stop code SpotInterruption"}},

		// CannotStartContainerError, ContainerRuntimeTimeoutError
		{name: "a command that is not in the image",
			task: one("EssentialContainerExited", "Essential container in task exited",
				"CannotStartContainerError: ResourceInitializationError: failed to create new container runtime task: failed to "+
					"create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "+
					"\"gunicorn\": executable file not found in $PATH: unknown", nil),
			want: verdict{Cause: model.CauseRuntimeFailure, Container: "web", Field: "container_command",
				Evidence: "CannotStartContainerError: ResourceInitializationError: failed to create new container runtime task: failed to " +
					"create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: " +
					"\"gunicorn\": executable file not found in $PATH: unknown"},
			title: "command"},
		{name: "an entrypoint script that is not in the image",
			task: pullFailure("CannotStartContainerError: ResourceInitializationError: failed to create new container runtime task: " +
				"failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: " +
				"\"/app/docker-entrypoint.sh\": stat /app/docker-entrypoint.sh: no such file or directory: unknown"),
			want:  verdict{Cause: model.CauseRuntimeFailure, Container: "web", Field: "container_command"},
			title: "command or entrypoint could not be run"},
		{name: "an entrypoint script that may not be run",
			task: pullFailure("CannotStartContainerError: ResourceInitializationError: failed to create new container runtime task: " +
				"failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: " +
				"\"/app/start.sh\": permission denied: unknown"),
			want:  verdict{Cause: model.CauseRuntimeFailure, Container: "web", Field: "container_command"},
			title: "command or entrypoint could not be run"},
		{name: "a container the runtime could not mount",
			task: pullFailure("CannotStartContainerError: ResourceInitializationError: unable to create new container: mount callback " +
				"failed on /tmp/containerd-mount916692511: open /tmp/containerd-mount916692511/etc/passwd: no such file or directory"),
			want:  verdict{Cause: model.CauseRuntimeFailure, Container: "web"},
			title: "transient"},
		{name: "a container that never reached RUNNING",
			task: one("TaskFailedToStart", "Task failed to start",
				"ContainerRuntimeTimeoutError: Could not transition to started; timed out after waiting 3m0s", nil),
			want: verdict{Cause: model.CauseRuntimeFailure, Container: "web",
				Evidence: "ContainerRuntimeTimeoutError: Could not transition to started; timed out after waiting 3m0s"},
			title: "transient"},
		{name: "the same on platform 1.3 (DockerTimeoutError)",
			task:  pullFailure("DockerTimeoutError: Could not transition to started; timed out after waiting 8m0s"),
			want:  verdict{Cause: model.CauseRuntimeFailure, Container: "web"},
			title: "transient"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := model.Diagnose(c.task)
			want := c.want
			if want.Evidence == "" {
				want.Evidence = c.task.StoppedReason
			}
			if diff := cmp.Diff(want, verdictOf(got)); diff != "" {
				t.Errorf("diagnosis (-want +got):\n%s", diff)
			}
			if !strings.Contains(got.Title, c.title) {
				t.Errorf("title %q does not say %q", got.Title, c.title)
			}
			checkWords(t, got)
		})
	}
}

// checkWords holds every diagnosis to its cause's template: words to show, and whether
// it is a failure.
func checkWords(t *testing.T, d model.Diagnosis) {
	t.Helper()
	if d.Title == "" || d.Fix == "" || d.Where == "" {
		t.Errorf("%s: empty words: %+v", d.Cause, d)
	}
	if !isSentence(d.Fix) {
		t.Errorf("%s: fix %q is not a sentence", d.Cause, d.Fix)
	}
	tmpl, ok := templateOf(d.Cause)
	if !ok {
		t.Fatalf("cause %q has no template", d.Cause)
	}
	if d.Failure != tmpl.Failure {
		t.Errorf("%s: Failure %v, template says %v", d.Cause, d.Failure, tmpl.Failure)
	}
}

// isSentence is text that begins with a capital letter and ends with a period.
func isSentence(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r) && strings.HasSuffix(s, ".")
}

func templateOf(c model.Cause) (model.Diagnosis, bool) {
	for _, d := range model.Causes() {
		if d.Cause == c {
			return d, true
		}
	}
	return model.Diagnosis{}, false
}

func TestDiagnoseSharpensTheFixToThePermissionTheReasonNames(t *testing.T) {
	cases := []struct {
		name, reason, fix string
	}{
		{"ssm:GetParameters", secretsHdr + "unable to retrieve secrets from ssm: service call has been retried 1 time(s): " +
			"AccessDeniedException: User: " + execRole + " is not authorized to perform: ssm:GetParameters on resource: x",
			"ssm:GetParameters on the parameters (and kms:Decrypt for a customer key)"},
		{"kms:Decrypt", secretsHdr + "unable to retrieve secrets from ssm: service call has been retried 1 time(s): " +
			"AccessDeniedException: User: " + execRole + " is not authorized to perform: kms:Decrypt on resource: x",
			"kms:Decrypt on the customer key"},
		{"ecr:GetAuthorizationToken", secretsHdr + "unable to retrieve ecr registry auth: service call has been retried 3 " +
			"time(s): AccessDeniedException: User: " + execRole + " is not authorized to perform: ecr:GetAuthorizationToken on resource: *",
			"ecr:GetAuthorizationToken (on *)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := model.Diagnose(pullFailure(c.reason)).Fix; !strings.Contains(got, c.fix) {
				t.Errorf("fix %q does not say %q", got, c.fix)
			}
		})
	}
}

func TestDiagnoseCallsOrdinaryStopsNotAFailure(t *testing.T) {
	cases := []struct {
		name string
		task model.StoppedTask
	}{
		{"a person's stop", one("UserInitiated", "Task stopped by user", "", exit(0))},
		{"a person's stop with their own reason", one("UserInitiated", "Deploying hotfix 1.4.3", "", exit(0))},
		{"a deployment replacing the task", one("ServiceSchedulerInitiated",
			"Scaling activity initiated by (deployment ecs-svc/8812030917733265401)", "", exit(0))},
		{"a scale-in that stopped a task before its container ran", one("ServiceSchedulerInitiated",
			"Scaling activity initiated by (deployment ecs-svc/8812030917733265401)", "", nil)},
		{"a process that ends with SIGTERM's own exit code", one("ServiceSchedulerInitiated",
			"Scaling activity initiated by (deployment ecs-svc/8812030917733265401)", "", exit(143))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := model.Diagnose(c.task)
			want := verdict{Cause: model.CauseNotAFailure, Evidence: c.task.StoppedReason}
			if diff := cmp.Diff(want, verdictOf(got)); diff != "" {
				t.Errorf("diagnosis (-want +got):\n%s", diff)
			}
			if got.Failure {
				t.Error("an ordinary stop is called a failure")
			}
		})
	}
}

func TestDiagnoseKeepsTheRawReasonOfWhatItDoesNotKnow(t *testing.T) {
	cases := []struct {
		name          string
		task          model.StoppedTask
		wantContainer string
		wantEvidence  string
	}{
		{"an ENI that was never provisioned",
			one("TaskFailedToStart", "Timeout waiting for network interface provisioning to complete.", "", nil),
			"", "Timeout waiting for network interface provisioning to complete."},
		{"env files S3 refused (not a row of the table)",
			pullFailure("ResourceInitializationError: failed to download env files: file download command: non empty error " +
				"stream: service call has been retried 5 time(s): AccessDenied: Access Denied"),
			"web", "ResourceInitializationError: failed to download env files: file download command: non empty error " +
				"stream: service call has been retried 5 time(s): AccessDenied: Access Denied"},
		{"a container the runtime could not inspect, reason on the container only",
			one("TaskFailedToStart", "Task failed to start", "CannotInspectContainerError: Could not transition to inspecting", nil),
			"web", "Task failed to start; web: CannotInspectContainerError: Could not transition to inspecting"},
		{"a container health check (ecswiz defines none)",
			one("ServiceSchedulerInitiated", "Task failed container health checks", "", exit(0)),
			"", "Task failed container health checks"},
		{"an essential container that exited 0",
			one("EssentialContainerExited", "Essential container in task exited", "", exit(0)),
			"", "Essential container in task exited"},
		{"a person's stop the app answered with exit 1",
			one("UserInitiated", "Task stopped by user", "", exit(1)),
			"web", "Task stopped by user"},
		{"a stop code ECS added later",
			model.StoppedTask{StopCode: "ServiceConnectDrained"},
			"", "stop code ServiceConnectDrained"},
		{"nothing at all", model.StoppedTask{}, "", "(ECS gave no reason)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := model.Diagnose(c.task)
			want := verdict{Cause: model.CauseUnrecognised, Container: c.wantContainer, Evidence: c.wantEvidence}
			if diff := cmp.Diff(want, verdictOf(got)); diff != "" {
				t.Errorf("diagnosis (-want +got):\n%s", diff)
			}
			if !got.Failure || !strings.Contains(got.Title, "Not a known cause") || !strings.Contains(got.Fix, "logs") {
				t.Errorf("unrecognised words: %+v", got)
			}
		})
	}
}

func TestDiagnosePicksTheContainerThatFailed(t *testing.T) {
	cases := []struct {
		name          string
		task          model.StoppedTask
		wantCause     model.Cause
		wantContainer string
	}{
		{"the app crashed and the sidecar after it was killed",
			model.StoppedTask{StopCode: "EssentialContainerExited", StoppedReason: "Essential container in task exited",
				Containers: []model.StoppedContainer{
					{Name: "log_router", ExitCode: exit(137)},
					{Name: "web", ExitCode: exit(1)},
				}},
			model.CauseAppCrashed, "web"},
		{"the second container ran out of memory",
			model.StoppedTask{StopCode: "EssentialContainerExited", StoppedReason: "Essential container in task exited",
				Containers: []model.StoppedContainer{
					{Name: "nginx", ExitCode: exit(0)},
					{Name: "web", Reason: "OutOfMemoryError: Container killed due to memory usage", ExitCode: exit(137)},
				}},
			model.CauseOutOfMemory, "web"},
		{"the first of two failing containers",
			model.StoppedTask{StopCode: "EssentialContainerExited", StoppedReason: "Essential container in task exited",
				Containers: []model.StoppedContainer{
					{Name: "nginx", ExitCode: exit(0)},
					{Name: "web", ExitCode: exit(3)},
					{Name: "worker", ExitCode: exit(1)},
				}},
			model.CauseAppCrashed, "web"},
		{"a pull failure on the sidecar's image",
			model.StoppedTask{StopCode: "TaskFailedToStart", StoppedReason: "Task failed to start",
				Containers: []model.StoppedContainer{
					{Name: "web"},
					{Name: "nginx", Reason: "CannotPullContainerError: pull image manifest has been retried 7 time(s): " +
						"failed to resolve ref " + ecr + "/nginx:9: " + ecr + "/nginx:9: not found"},
				}},
			model.CauseImageNotFound, "nginx"},
		{"the task's own reason when no container has one",
			model.StoppedTask{StopCode: "TaskFailedToStart", StoppedReason: "CannotPullContainerError: context canceled",
				Containers: []model.StoppedContainer{{Name: "web"}}},
			model.CauseNetwork, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := model.Diagnose(c.task)
			if got.Cause != c.wantCause || got.Container != c.wantContainer {
				t.Errorf("got %s in %q, want %s in %q", got.Cause, got.Container, c.wantCause, c.wantContainer)
			}
		})
	}
}

// allCauses are the Cause constants, in their order.
var allCauses = []model.Cause{
	model.CauseImageNotFound, model.CausePlatformMismatch, model.CauseNetwork, model.CauseDockerHubRateLimit,
	model.CauseExecutionRoleDenied, model.CauseParameterNotFound, model.CauseSecretsManagerJSONKey,
	model.CauseLogGroupMissing, model.CauseOutOfMemory, model.CauseStopTimeout, model.CauseAppCrashed,
	model.CauseHealthChecks, model.CauseSpotInterruption, model.CauseRuntimeFailure,
	model.CauseNotAFailure, model.CauseUnrecognised,
}

func TestCausesListsOneTemplatePerCause(t *testing.T) {
	var got []model.Cause
	for _, d := range model.Causes() {
		got = append(got, d.Cause)
		if d.Title == "" || d.Fix == "" || d.Where == "" || d.Container != "" || d.Evidence != "" {
			t.Errorf("%s: template %+v", d.Cause, d)
		}
		wantFailure := d.Cause != model.CauseNotAFailure && d.Cause != model.CauseSpotInterruption
		if d.Failure != wantFailure {
			t.Errorf("%s: Failure %v", d.Cause, d.Failure)
		}
		if _, ok := model.LookupVariable(d.Field); ok != (d.Field != "") {
			t.Errorf("%s: Field %q is no spec variable", d.Cause, d.Field)
		}
	}
	if diff := cmp.Diff(allCauses, got); diff != "" {
		t.Errorf("causes (-want +got):\n%s", diff)
	}
	model.Causes()[0].Title = "changed"
	if model.Causes()[0].Title == "changed" {
		t.Error("Causes shares its slice with the caller")
	}
}

func TestParseMissingParameters(t *testing.T) {
	cases := []struct {
		name, reason string
		want         []string
	}{
		{"the Fargate agent's list", secretsHdr + "unable to retrieve secrets from ssm: service call has been retried 1 " +
			"time(s): invalid parameters: /demo-shop/prod/database/username, /demo-shop/prod/redis/host",
			[]string{"/demo-shop/prod/database/username", "/demo-shop/prod/redis/host"}},
		{"a list without spaces", "invalid parameters: /a/b,/a/c", []string{"/a/b", "/a/c"}},
		{"the older agent's trailing comma", "fetching secret data from ssm parameter store: invalid parameters: /a/b, /a/c, ",
			[]string{"/a/b", "/a/c"}},
		{"an ARN", "Invalid parameters: arn:aws:ssm:eu-west-2:210987654321:parameter/shared/key",
			[]string{"arn:aws:ssm:eu-west-2:210987654321:parameter/shared/key"}},
		{"prose after the list", "invalid parameters: /a/b, /a/c please create them", []string{"/a/b", "/a/c"}},
		{"no list", "CannotPullContainerError: context canceled", nil},
		{"an empty list", "invalid parameters: ", nil},
		{"text whose lowercase form is longer than it", "ȺȺ Invalid Parameters: /a/b, /a/c", []string{"/a/b", "/a/c"}},
		{"a marker in capitals after such text", "Ⱥ INVALID PARAMETERS:/a/b", []string{"/a/b"}},
		{"such text alone", "Ⱥinvalid parameters", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if diff := cmp.Diff(c.want, model.ParseMissingParameters(c.reason)); diff != "" {
				t.Errorf("names (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMissingSecretsField(t *testing.T) {
	cases := []struct {
		name    string
		missing []string
		want    string
	}{
		{"a required secret by its env name", []string{"SENTRY_DSN", "DATABASE_USER"}, "parameter_store_prefix"},
		{"a required secret by its parameter", []string{"/shop/prod/stripe/key", "/shop/prod/redis/host"}, "parameter_store_prefix"},
		{"a Twilio secret by its ARN", []string{"arn:aws:ssm:eu-west-2:123456789012:parameter/shop/prod/third-party/twilio-auth-token"},
			"parameter_store_prefix"},
		{"extra secrets only, by env name", []string{"SENTRY_DSN"}, "secrets_from_parameter_store"},
		{"extra secrets only, by parameter", []string{"/shop/prod/sentry/dsn", "/shop/prod/stripe/key"}, "secrets_from_parameter_store"},
		{"nothing missing", nil, "secrets_from_parameter_store"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := model.MissingSecretsField(c.missing); got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
}

func TestDiagnoseTellsACommandThatCannotRunFromATransientRuntimeFailure(t *testing.T) {
	command := model.Diagnose(one("TaskFailedToStart", "Task failed to start",
		`CannotStartContainerError: ResourceInitializationError: failed to create new container runtime task: failed to create shim `+
			`task: OCI runtime create failed: runc create failed: unable to start container process: exec: "gunicorn": executable `+
			`file not found in $PATH: unknown`, nil))
	transient := model.Diagnose(one("TaskFailedToStart", "Task failed to start",
		"ContainerRuntimeTimeoutError: Could not transition to started; timed out after waiting 3m0s", nil))
	if command.Title == transient.Title || command.Fix == transient.Fix {
		t.Errorf("the two runtime failures read alike: %q / %q", command.Title, transient.Title)
	}
	if got := [2]string{command.Where, command.Field}; got != [2]string{"command", "container_command"} {
		t.Errorf("command: where and field %v", got)
	}
	if got := [2]string{transient.Where, transient.Field}; got != [2]string{"retry", ""} {
		t.Errorf("transient: where and field %v", got)
	}
	if !strings.Contains(transient.Fix, "again") || !strings.Contains(transient.Fix, "image") {
		t.Errorf("transient fix %q does not say to retry and then look at the image", transient.Fix)
	}
}

// TestDiagnoseNamesTheCauseOfEveryDemoTask reads the demo account's stopped tasks as ECS
// describes them and checks each shows the row it was seeded for; the demo's other stops
// are ordinary ones.
func TestDiagnoseNamesTheCauseOfEveryDemoTask(t *testing.T) {
	srv := fakeaws.NewDemo()
	var list struct {
		TaskArns []string `json:"taskArns"`
	}
	ecsCall(t, srv, "ListTasks", map[string]any{"cluster": fakeaws.DemoCluster, "desiredStatus": "STOPPED", "maxResults": 100}, &list)
	tasks := describeTasks(t, srv, list.TaskArns)

	seen := map[string]bool{}
	for _, dc := range fakeaws.DemoCauses() {
		t.Run(dc.Key, func(t *testing.T) {
			want := model.Cause(dc.Cause)
			task, ok := tasks[dc.TaskID]
			if !ok {
				t.Fatalf("task %s is not among the demo's stopped tasks", dc.TaskID)
			}
			seen[dc.TaskID] = true
			got := model.Diagnose(task)
			if got.Cause != want {
				t.Errorf("got %s (%q), want %s; task %+v", got.Cause, got.Evidence, want, task)
			}
			if got.Container != "" && got.Container != "demo-shop" {
				t.Errorf("container %q", got.Container)
			}
			if got.Evidence == "" {
				t.Error("no evidence")
			}
		})
	}
	ordinary := 0
	for id, task := range tasks {
		if seen[id] {
			continue
		}
		ordinary++
		if got := model.Diagnose(task); got.Cause != model.CauseNotAFailure {
			t.Errorf("demo task %s (%s, %q) is %s, want %s", id, task.StopCode, task.StoppedReason, got.Cause, model.CauseNotAFailure)
		}
	}
	if ordinary == 0 {
		t.Error("the demo has no ordinary stop to tell apart from the failures")
	}
}

// ecsCall sends an ECS JSON 1.1 request to the fake as the SDK would.
func ecsCall(t *testing.T, srv *fakeaws.Server, op string, in, out any) {
	t.Helper()
	body, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AmazonEC2ContainerServiceV20141113."+op)
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("%s: HTTP %d: %s", op, rec.Code, rec.Body)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
		t.Fatalf("%s: %v", op, err)
	}
}

// describeTasks is DescribeTasks's answer as StoppedTasks by task ID.
func describeTasks(t *testing.T, srv *fakeaws.Server, arns []string) map[string]model.StoppedTask {
	t.Helper()
	var out struct {
		Tasks []struct {
			TaskArn       string `json:"taskArn"`
			StopCode      string `json:"stopCode"`
			StoppedReason string `json:"stoppedReason"`
			Containers    []struct {
				Name     string `json:"name"`
				Reason   string `json:"reason"`
				ExitCode *int   `json:"exitCode"`
			} `json:"containers"`
		} `json:"tasks"`
	}
	tasks := map[string]model.StoppedTask{}
	for chunk := range slices.Chunk(arns, 100) {
		ecsCall(t, srv, "DescribeTasks", map[string]any{"cluster": fakeaws.DemoCluster, "tasks": chunk}, &out)
		for _, task := range out.Tasks {
			st := model.StoppedTask{StopCode: task.StopCode, StoppedReason: task.StoppedReason}
			for _, c := range task.Containers {
				st.Containers = append(st.Containers, model.StoppedContainer{Name: c.Name, Reason: c.Reason, ExitCode: c.ExitCode})
			}
			tasks[task.TaskArn[strings.LastIndex(task.TaskArn, "/")+1:]] = st
		}
	}
	if len(tasks) == 0 {
		t.Fatal("the demo has no stopped tasks")
	}
	return tasks
}

// FuzzDiagnose feeds arbitrary stopped tasks to the classifier: a stop code, a stopped
// reason and two containers (the app and a sidecar such as a log router), each with a
// reason and, when it ran, an exit code. Every diagnosis must be one of the table's
// causes in its words, name a container of the task and a variable of the spec, show
// what it was based on, and keep every raw reason when it recognises none.
func FuzzDiagnose(f *testing.F) {
	for _, task := range demoStoppedTasks(f) {
		addStoppedTask(f, task)
	}
	for _, reason := range stoppedReasonWordings {
		addStoppedTask(f, pullFailure(reason))
	}
	f.Add("TaskFailedToStart", "CannotPullContainerError: context canceled", "web", "", 0, false, "", "", 0, false)
	f.Add("EssentialContainerExited", "Essential container in task exited", "web",
		"OutOfMemoryError: Container killed due to memory usage", 137, true, "", "", 0, false)
	f.Add("EssentialContainerExited", "Essential container in task exited", "log-router", "", 143, true, "web", "", 1, true)
	f.Add("EssentialContainerExited", "Essential container in task exited", "web", "", 137, true, "log-router", "", 1, true)
	f.Add("ServiceSchedulerInitiated", "Scaling activity initiated by (deployment ecs-svc/1)", "web", "", 137, true, "", "", 0, false)
	f.Add("UserInitiated", "Task stopped by user", "", "", 0, true, "", "", 0, false)
	f.Add("SpotInterruption", "Your Spot Task was interrupted.", "web", "", 0, true, "", "", 0, false)
	f.Add("", secretsHdr+"unable to retrieve secrets from ssm: invalid parameters: /a, ,/b", "web", "", 0, false, "", "", 0, false)
	f.Add("", "", "", "", -1, true, "", "", 0, false)
	f.Add("", "Ⱥinvalid parameters:", "", "Ⱥ", 0, false, "", "", 0, false) // lowercasing "Ⱥ" adds a byte
	f.Fuzz(func(t *testing.T, stopCode, reason string,
		name0, reason0 string, code0 int, ran0 bool, name1, reason1 string, code1 int, ran1 bool) {
		container := func(name, reason string, code int, ran bool) model.StoppedContainer {
			c := model.StoppedContainer{Name: name, Reason: reason}
			if ran {
				c.ExitCode = &code
			}
			return c
		}
		task := model.StoppedTask{StopCode: stopCode, StoppedReason: reason, Containers: []model.StoppedContainer{
			container(name0, reason0, code0, ran0), container(name1, reason1, code1, ran1)}}
		d := model.Diagnose(task)
		if !slices.Contains(allCauses, d.Cause) {
			t.Fatalf("cause %q is no constant", d.Cause)
		}
		checkWords(t, d)
		if d.Container != "" && d.Container != name0 && d.Container != name1 {
			t.Errorf("container %q, the task has only %q and %q", d.Container, name0, name1)
		}
		if _, ok := model.LookupVariable(d.Field); d.Field != "" && !ok {
			t.Errorf("field %q is no spec variable", d.Field)
		}
		if d.Evidence == "" {
			t.Errorf("%s without evidence", d.Cause)
		}
		if d.Cause == model.CauseUnrecognised {
			for _, r := range []string{reason, reason0, reason1} {
				if !strings.Contains(d.Evidence, r) {
					t.Errorf("unrecognised evidence %q lost the reason %q", d.Evidence, r)
				}
			}
		}
		if isASCII(stopCode, reason, name0, reason0, name1, reason1) {
			// ECS's capitals are no part of a cause.
			shouted := task
			shouted.StopCode, shouted.StoppedReason = strings.ToUpper(stopCode), strings.ToUpper(reason)
			shouted.Containers = []model.StoppedContainer{
				container(name0, strings.ToUpper(reason0), code0, ran0), container(name1, strings.ToUpper(reason1), code1, ran1)}
			if got := model.Diagnose(shouted).Cause; got != d.Cause {
				t.Errorf("in capitals the cause is %s, not %s", got, d.Cause)
			}
		}
		for _, r := range []string{reason, reason0, reason1} {
			for _, n := range model.ParseMissingParameters(r) {
				if n == "" || strings.ContainsAny(n, " \t\n,") {
					t.Errorf("parameter name %q", n)
				}
			}
		}
	})
}

func TestProposeMoreMemory(t *testing.T) {
	cases := []struct {
		name         string
		cpu, memory  int
		arch         string
		want         model.Size
		wantArch     string
		wantProposal bool
	}{
		{"the middle of a row keeps the CPU", 512, 1024, "X86_64", model.Size{CPU: 512, Memory: 2048}, "X86_64", true},
		{"the smallest row steps to its next size", 256, 1024, "", model.Size{CPU: 256, Memory: 2048}, "X86_64", true},
		{"the top of a row moves to the next CPU row", 512, 4096, "ARM64", model.Size{CPU: 1024, Memory: 5120}, "ARM64", true},
		{"the top of the 256 row moves to 512", 256, 2048, "arm64", model.Size{CPU: 512, Memory: 3072}, "ARM64", true},
		{"the top of the 4096 row moves to 8192", 4096, 30720, "X86_64", model.Size{CPU: 8192, Memory: 32768}, "X86_64", true},
		{"a large row steps by its own step", 16384, 32768, "X86_64", model.Size{CPU: 16384, Memory: 40960}, "X86_64", true},
		{"the very top has nowhere to go", 16384, 122880, "X86_64", model.Size{}, "", false},
		{"no size at all", 0, 0, "X86_64", model.Size{}, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := model.ProposeMoreMemory(c.cpu, c.memory, c.arch)
			if ok != c.wantProposal {
				t.Fatalf("ok = %v", ok)
			}
			if !ok {
				return
			}
			from := model.Size{CPU: c.cpu, Memory: c.memory}
			want := model.SizeProposal{From: from, To: c.want, Arch: c.wantArch,
				FromCost: model.EstimateCost(from, c.wantArch), ToCost: model.EstimateCost(c.want, c.wantArch)}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("proposal (-want +got):\n%s", diff)
			}
			if got.MonthlyChangeUSD() <= 0 {
				t.Errorf("more memory costs %v a month", got.MonthlyChangeUSD())
			}
		})
	}
}

func TestProposeMoreMemoryPricesOneGiBOnX86(t *testing.T) {
	got, _ := model.ProposeMoreMemory(512, 1024, "X86_64")
	// One GiB more at $0.004445 an hour for 730 hours.
	if want := 0.004445 * 730; math.Abs(got.MonthlyChangeUSD()-want) > 1e-9 {
		t.Errorf("monthly change %v, want %v", got.MonthlyChangeUSD(), want)
	}
}
