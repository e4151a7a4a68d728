package model_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"unicode/utf8"

	"github.com/ecswiz/ecswiz/internal/aws/fakeaws"
	"github.com/ecswiz/ecswiz/internal/model"
)

// The seeds of FuzzDiagnose: the demo account's stopped tasks as ECS describes them, and
// wordings of the same causes the demo does not use, as agents and platform versions have
// written them.

// stoppedReasonWordings are reasons seen on real stopped tasks, beyond the demo's.
var stoppedReasonWordings = []string{
	"CannotPullContainerError: Error response from daemon: manifest for " + ecr + "/my-app:latest not found: manifest unknown: manifest unknown",
	"CannotPullContainerError: Error response from daemon: pull access denied for my-app, repository does not exist or may require 'docker login'",
	"CannotPullContainerError: Error response from daemon: no matching manifest for linux/arm64/v8 in the manifest list entries",
	"CannotPullContainerError: API error (500): Get https://111122223333.dkr.ecr.us-east-1.amazonaws.com/v2/: " +
		"net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)",
	"CannotPullContainerError: context canceled",
	"CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref " +
		ecr + "/my-app:v2: unexpected status from HEAD request to https://" + ecr + "/v2/my-app/manifests/v2: 403 Forbidden",
	secretsHdr + "unable to retrieve secret from asm: service call has been retried 5 time(s): failed to fetch secret " +
		"arn:aws:secretsmanager:us-west-2:123456789012:secret:DBPasswordSecret-AbCdEf from secrets manager: RequestCanceled: " +
		"request context canceled caused by: context deadline exceeded. Please check your task network configuration.",
	secretsHdr + "unable to retrieve secrets from ssm: service call has been retried 1 time(s): AccessDeniedException: User: " +
		execRole + " is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:eu-west-2:123456789012:key/1234abcd " +
		"because no identity-based policy allows the kms:Decrypt action status code: 400, request id: 2c7a6e0a",
	secretsHdr + "unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret " +
		"arn:aws:secretsmanager:eu-west-2:123456789012:secret:prod/api-AbCdEf from secrets manager: ResourceNotFoundException: " +
		"Secrets Manager can't find the specified secret. status code: 400, request id: 3a4b",
	secretsHdr + "unable to retrieve ecr registry auth: service call has been retried 3 time(s): RequestError: send request " +
		"failed caused by: Post \"https://api.ecr.us-east-1.amazonaws.com/\": dial tcp 10.0.3.17:443: i/o timeout",
	secretsHdr + "unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid parameters: " +
		"/shop/prod/stripe/api-key,/shop/prod/sentry/dsn",
	"Fetching secret data from SSM Parameter Store in us-east-1: AccessDeniedException: User: " + execRole +
		" is not authorized to perform: ssm:GetParameters on resource: arn:aws:ssm:us-east-1:123456789012:parameter/app " +
		"status code: 400, request id: 787934d9-56ba-4a43-9e60-4f05a950a90e",
	"fetching secret data from ssm parameter store: invalid parameters: /a/b, /a/c, ",
	"CannotStartContainerError: Error response from daemon: failed to initialize logging driver: failed to create " +
		"Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist.",
	"CannotStartContainerError: ResourceInitializationError: failed to create new container runtime task: failed to create " +
		"shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: " +
		"\"/app/docker-entrypoint.sh\": stat /app/docker-entrypoint.sh: no such file or directory: unknown",
	"CannotStartContainerError: ResourceInitializationError: unable to create new container: mount callback failed on " +
		"/tmp/containerd-mount916692511: open /tmp/containerd-mount916692511/etc/passwd: no such file or directory",
	"DockerTimeoutError: Could not transition to started; timed out after waiting 8m0s",
	"ResourceInitializationError: failed to download env files: file download command: non empty error stream: " +
		"service call has been retried 5 time(s): AccessDenied: Access Denied",
	"Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-west-2:035866691871:targetgroup/" +
		"civictechjobs-fullstack-stage/555a47e25c5a1850)",
	"Task stopped by user",
	"Task failed to start",
}

// demoStoppedTasks are the demo account's stopped tasks, read through the fake's ECS
// API as ecswiz doctor reads them.
func demoStoppedTasks(tb testing.TB) []model.StoppedTask {
	tb.Helper()
	srv := fakeaws.NewDemo()
	call := func(op string, in, out any) {
		body, err := json.Marshal(in)
		if err != nil {
			tb.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("X-Amz-Target", "AmazonEC2ContainerServiceV20141113."+op)
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			tb.Fatalf("%s: HTTP %d: %s", op, rec.Code, rec.Body)
		}
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			tb.Fatalf("%s: %v", op, err)
		}
	}
	var list struct {
		TaskArns []string `json:"taskArns"`
	}
	call("ListTasks", map[string]any{"cluster": fakeaws.DemoCluster, "desiredStatus": "STOPPED", "maxResults": 100}, &list)
	var tasks []model.StoppedTask
	for i := 0; i < len(list.TaskArns); i += 100 {
		var described struct {
			Tasks []struct {
				StopCode      string `json:"stopCode"`
				StoppedReason string `json:"stoppedReason"`
				Containers    []struct {
					Name     string `json:"name"`
					Reason   string `json:"reason"`
					ExitCode *int   `json:"exitCode"`
				} `json:"containers"`
			} `json:"tasks"`
		}
		call("DescribeTasks", map[string]any{"cluster": fakeaws.DemoCluster, "tasks": list.TaskArns[i:min(i+100, len(list.TaskArns))]}, &described)
		for _, task := range described.Tasks {
			st := model.StoppedTask{StopCode: task.StopCode, StoppedReason: task.StoppedReason}
			for _, c := range task.Containers {
				st.Containers = append(st.Containers, model.StoppedContainer{Name: c.Name, Reason: c.Reason, ExitCode: c.ExitCode})
			}
			tasks = append(tasks, st)
		}
	}
	if len(tasks) == 0 {
		tb.Fatal("the demo has no stopped tasks")
	}
	return tasks
}

// addStoppedTask adds task as a seed of FuzzDiagnose: its first two containers.
func addStoppedTask(f *testing.F, task model.StoppedTask) {
	f.Helper()
	var c [2]model.StoppedContainer
	copy(c[:], task.Containers)
	code := func(c model.StoppedContainer) (int, bool) {
		if c.ExitCode == nil {
			return 0, false
		}
		return *c.ExitCode, true
	}
	code0, ran0 := code(c[0])
	code1, ran1 := code(c[1])
	f.Add(task.StopCode, task.StoppedReason, c[0].Name, c[0].Reason, code0, ran0, c[1].Name, c[1].Reason, code1, ran1)
}

func isASCII(texts ...string) bool {
	for _, s := range texts {
		for i := 0; i < len(s); i++ {
			if s[i] >= utf8.RuneSelf {
				return false
			}
		}
	}
	return true
}
