package fakeaws

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// The demo account: a Django app "demo-shop" in dev and prod, in account 123456789012,
// Region eu-west-2 (WithDemo / NewDemo). Everything in it is fake; no value is a real secret.
//
//   - SSM: /demo-shop/dev has every required secret of DESIGN §1 plus Twilio and extras;
//     /demo-shop/prod lacks redis/host and database/username.
//   - ECR: demo-shop (latest = 1.4.2, 1.4.1, 1.4.0 multi-arch, 1.5.0-arm64 arm64 only, one
//     untagged image; no 1.4.3) and demo-shop-nginx.
//   - IAM: execution and task roles per environment (the prod execution role has no
//     ssm:GetParameters), ecsTaskExecutionRole, a Lambda role and the ECS service-linked role.
//   - Logs: /ecs/demo-shop-dev and /ecs/demo-shop-prod; /ecs/demo-shop-prod-worker is missing.
//   - ECS: families demo-shop-dev (4 revisions, 2 and 3 deregistered), demo-shop-prod (3) and
//     demo-shop-prod-worker (2, 1 deregistered); cluster demo-shop with services
//     demo-shop-dev-web, demo-shop-prod-web and demo-shop-prod-worker, and a STOPPED task for
//     every row of "Why tasks stop" in aws-rules.md (DemoCauses), with the lines each
//     container logged in its own stream ecs/demo-shop/TASK_ID.

// Names of the demo account.
const (
	DemoApp     = "demo-shop"
	DemoCluster = "demo-shop"
	DemoAccount = DefaultAccount
	DemoRegion  = DefaultRegion
)

// DemoCause is a stopped task of the demo account and the "Why tasks stop" row it shows.
type DemoCause struct {
	Key       string // short name, e.g. "image-not-found"
	Row       string // the "what you see" column of aws-rules.md
	Cause     string // the cause the troubleshooter must find (model.Cause), e.g. "no-route-to-registry"
	Service   string // the service it belonged to
	TaskID    string
	LogGroup  string
	LogStream string // "" when the container never started, so never logged
}

// DemoCauses lists the demo's stopped tasks, one per row of aws-rules.md's "Why tasks stop"
// (two for the Spot row: SpotInterruption and TerminationNotice; two for the runtime row).
func DemoCauses() []DemoCause {
	var out []DemoCause
	for _, t := range demoStoppedTasks {
		c := demoCauseByKey(t.cause)
		dc := DemoCause{Key: c.key, Row: c.row, Cause: c.cause, Service: t.service, TaskID: t.id, LogGroup: t.logGroup()}
		if len(t.logs) > 0 {
			dc.LogStream = "ecs/demo-shop/" + t.id
		}
		out = append(out, dc)
	}
	return out
}

type demoCause struct {
	key, row, cause string
	stopCode        string
	stoppedReason   string
	containerReason string
	exitCode        *int
}

func exit(n int) *int { return &n }

const (
	ecrHost = "123456789012.dkr.ecr.eu-west-2.amazonaws.com"
	tgProd  = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:targetgroup/demo-shop-prod-web/6d0ecf831eec9f09"
	tgDev   = "arn:aws:elasticloadbalancing:eu-west-2:123456789012:targetgroup/demo-shop-dev-web/2a1b3c4d5e6f7a8b"
)

// demoCauseTemplates words each cause the way ECS does.
func demoCauseTemplates() []demoCause {
	return []demoCause{
		{key: "image-not-found", cause: "image-not-found", row: "CannotPullContainerError ... not found",
			stopCode: "TaskFailedToStart",
			stoppedReason: "CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref " +
				ecrHost + "/demo-shop:1.4.3: " + ecrHost + "/demo-shop:1.4.3: not found"},
		{key: "platform-mismatch", cause: "platform-mismatch", row: "... does not contain descriptor matching platform 'linux/amd64'",
			stopCode:      "TaskFailedToStart",
			stoppedReason: "CannotPullContainerError: pull image manifest has been retried 7 time(s): image Manifest does not contain descriptor matching platform 'linux/amd64'"},
		{key: "network-timeout", cause: "no-route-to-registry", row: "CannotPullContainerError ... i/o timeout / context canceled",
			stopCode: "TaskFailedToStart",
			stoppedReason: "CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref " +
				ecrHost + "/demo-shop:1.4.2: failed to do request: Head \"https://" + ecrHost +
				"/v2/demo-shop/manifests/1.4.2\": dial tcp 52.94.53.88:443: i/o timeout"},
		{key: "docker-hub-rate-limit", cause: "docker-hub-rate-limit", row: "toomanyrequests",
			stopCode: "TaskFailedToStart",
			stoppedReason: "CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref " +
				"docker.io/demoshop/demo-shop:1.4.0: unexpected status from HEAD request to " +
				"https://registry-1.docker.io/v2/demoshop/demo-shop/manifests/1.4.0: 429 Too Many Requests - " +
				"Server message: toomanyrequests: You have reached your pull rate limit. You may increase the limit by " +
				"authenticating and upgrading: https://www.docker.com/increase-rate-limit"},
		{key: "ssm-access-denied", cause: "execution-role-denied", row: "ResourceInitializationError: unable to pull secrets or registry auth ... unable to retrieve secrets from ssm, AccessDenied",
			stopCode: "TaskFailedToStart",
			stoppedReason: "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: " +
				"unable to retrieve secrets from ssm: service call has been retried 1 time(s): AccessDeniedException: " +
				"User: arn:aws:sts::123456789012:assumed-role/demo-shop-prod-ecs-task-execution/e7344e3bbcbafa15cd634de93db4abc1 " +
				"is not authorized to perform: ssm:GetParameters on resource: " +
				"arn:aws:ssm:eu-west-2:123456789012:parameter/demo-shop/prod/app/django-secret-key because no " +
				"identity-based policy allows the ssm:GetParameters action status code: 400, request id: " +
				"5b0e0c32-8d0e-4b8a-9f4c-2f1d6a7e3c11"},
		{key: "ssm-parameter-not-found", cause: "parameter-not-found", row: "ResourceInitializationError ... unable to retrieve secrets from ssm, ParameterNotFound / invalid parameters",
			stopCode: "TaskFailedToStart",
			stoppedReason: "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: " +
				"unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid parameters: " +
				"/demo-shop/prod/database/username, /demo-shop/prod/redis/host"},
		{key: "asm-json-key", cause: "secrets-manager-json-key", row: "... unable to retrieve secret from asm ... did not contain json key",
			stopCode: "TaskFailedToStart",
			stoppedReason: "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: " +
				"unable to retrieve secret from asm: service call has been retried 1 time(s): retrieved secret from " +
				"Secrets Manager did not contain json key api_key"},
		{key: "log-group-missing", cause: "log-group-missing", row: "ResourceInitializationError: failed to validate logger args ... log group does not exist",
			stopCode: "TaskFailedToStart",
			stoppedReason: "ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: " +
				"failed to create Cloudwatch log stream: operation error CloudWatch Logs: CreateLogStream, https response " +
				"error StatusCode: 400, RequestID: 0c6a3a5e-8f0b-4d5e-9a61-3b7f2e1d4c90, ResourceNotFoundException: " +
				"The specified log group does not exist. : exit status 1"},
		{key: "out-of-memory", cause: "out-of-memory", row: "OutOfMemoryError: Container killed due to memory usage, exit 137",
			stopCode: "EssentialContainerExited", stoppedReason: "Essential container in task exited",
			containerReason: "OutOfMemoryError: Container killed due to memory usage", exitCode: exit(137)},
		{key: "killed-after-stop-timeout", cause: "killed-after-stop-timeout", row: "exit 137 without OOM reason",
			stopCode: "ServiceSchedulerInitiated", stoppedReason: "Scaling activity initiated by (deployment ecs-svc/4711089320471123456)",
			exitCode: exit(137)},
		{key: "app-crashed", cause: "app-crashed", row: "Essential container in task exited (EssentialContainerExited), exit 1",
			stopCode: "EssentialContainerExited", stoppedReason: "Essential container in task exited", exitCode: exit(1)},
		{key: "elb-health-checks", cause: "elb-health-checks", row: "Task failed ELB health checks in (target-group ...)",
			stopCode:      "ServiceSchedulerInitiated",
			stoppedReason: "Task failed ELB health checks in (target-group " + tgProd + ")", exitCode: exit(0)},
		{key: "spot-interruption", cause: "spot-interruption", row: "Your Spot Task was interrupted.",
			stopCode: "SpotInterruption", stoppedReason: "Your Spot Task was interrupted.", exitCode: exit(0)},
		{key: "termination-notice", cause: "spot-interruption", row: "TerminationNotice",
			stopCode: "TerminationNotice", stoppedReason: "Your Spot Task was interrupted.", exitCode: exit(0)},
		{key: "cannot-start-container", cause: "runtime-failure", row: "CannotStartContainerError",
			stopCode: "EssentialContainerExited", stoppedReason: "Essential container in task exited",
			containerReason: "CannotStartContainerError: ResourceInitializationError: failed to create new container runtime task: " +
				"failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: " +
				"exec: \"gunicorn\": executable file not found in $PATH: unknown"},
		{key: "container-runtime-timeout", cause: "runtime-failure", row: "ContainerRuntimeTimeoutError",
			stopCode: "TaskFailedToStart", stoppedReason: "Task failed to start",
			containerReason: "ContainerRuntimeTimeoutError: Could not transition to started; timed out after waiting 3m0s"},
	}
}

func demoCauseByKey(key string) demoCause {
	for _, c := range demoCauseTemplates() {
		if c.key == key {
			return c
		}
	}
	panic("fakeaws: unknown demo cause " + key)
}

// demoTask is a task of the demo cluster; ago is how long before seeding it stopped.
type demoTask struct {
	id, service, taskDef, cause string
	ago, ran                    time.Duration // ran: how long it ran (0: never started)
	running                     bool
	spot                        bool
	imageTag                    string
	logs                        []string // the container's own lines, oldest first
	stopCode, stoppedReason     string   // for tasks that are not a cause
	exitCode                    *int
}

func (t demoTask) family() string { return taskFamily(t.taskDef) }

// logGroup is the awslogs-group of the task's revision.
func (t demoTask) logGroup() string {
	switch t.taskDef {
	case "demo-shop-prod-worker:1":
		return "/ecs/demo-shop-prod"
	case "demo-shop-prod-worker:2":
		return "/ecs/demo-shop-prod-worker"
	}
	return "/ecs/" + t.family()
}

var gunicornBoot = []string{
	"[1] [INFO] Starting gunicorn 22.0.0",
	"[1] [INFO] Listening at: http://0.0.0.0:8000 (1)",
	"[1] [INFO] Using worker: gthread",
	"[7] [INFO] Booting worker with pid: 7",
	"[8] [INFO] Booting worker with pid: 8",
}

func withBoot(lines ...string) []string { return append(slices.Clone(gunicornBoot), lines...) }

var demoStoppedTasks = []demoTask{
	{id: "02820a7dd54241fe282c8ac45d39e831", service: "demo-shop-dev-web", taskDef: "demo-shop-dev:2", cause: "image-not-found", ago: 52 * time.Minute, spot: true, imageTag: "1.4.3"},
	{id: "d9466e5e74a276fba7a438dc87934029", service: "demo-shop-dev-web", taskDef: "demo-shop-dev:3", cause: "platform-mismatch", ago: 47 * time.Minute, spot: true, imageTag: "1.5.0-arm64"},
	{id: "084d7b13c2c97591d09bcaaa43e71086", service: "demo-shop-dev-web", taskDef: "demo-shop-dev:4", cause: "network-timeout", ago: 41 * time.Minute, spot: true, imageTag: "1.4.2"},
	{id: "a730afa13dd20fca1e8bfd231b258aff", service: "demo-shop-prod-worker", taskDef: "demo-shop-prod-worker:1", cause: "docker-hub-rate-limit", ago: 58 * time.Minute},
	{id: "e7344e3bbcbafa15cd634de93db4abc1", service: "demo-shop-prod-web", taskDef: "demo-shop-prod:3", cause: "ssm-access-denied", ago: 12 * time.Minute, imageTag: "1.4.2"},
	{id: "bf6ddcb4a274d82c5480013fba7104a1", service: "demo-shop-prod-web", taskDef: "demo-shop-prod:3", cause: "ssm-parameter-not-found", ago: 6 * time.Minute, imageTag: "1.4.2"},
	{id: "fa217c0801f3fb344753a4e654880260", service: "demo-shop-prod-web", taskDef: "demo-shop-prod:1", cause: "asm-json-key", ago: 55 * time.Minute, imageTag: "1.4.1"},
	{id: "776f1abd45b8daae279f2fb49374ad8e", service: "demo-shop-prod-worker", taskDef: "demo-shop-prod-worker:2", cause: "log-group-missing", ago: 4 * time.Minute},
	{id: "fbe429f3b74c6cf9ed338678788d5813", service: "demo-shop-prod-web", taskDef: "demo-shop-prod:2", cause: "out-of-memory", ago: 33 * time.Minute, ran: 25 * time.Minute, imageTag: "1.4.1",
		logs: withBoot(
			`10.0.1.23 - - "GET /health/ HTTP/1.1" 200 2 "-" "ELB-HealthChecker/2.0"`,
			`10.0.3.41 - - "GET /products/?page=2 HTTP/1.1" 200 18342 "-" "Mozilla/5.0"`,
			`10.0.3.41 - - "GET /admin/orders/order/ HTTP/1.1" 200 52110 "-" "Mozilla/5.0"`,
			`INFO orders.admin Exporting 184223 orders to CSV for user 17`,
			`INFO orders.admin Export progress: 50000/184223 rows buffered`,
			`INFO orders.admin Export progress: 100000/184223 rows buffered`,
		)},
	{id: "3879ee19652dba7b2d48e0cbb7c35927", service: "demo-shop-dev-web", taskDef: "demo-shop-dev:4", cause: "killed-after-stop-timeout", ago: 38 * time.Minute, ran: 90 * time.Minute, spot: true, imageTag: "1.4.2",
		logs: []string{
			"Operations to perform:",
			"  Apply all migrations: admin, auth, contenttypes, orders, products, sessions",
			"Running migrations:",
			"  No migrations to apply.",
			"[12] [INFO] Starting gunicorn 22.0.0",
			"[12] [INFO] Listening at: http://0.0.0.0:8000 (12)",
			"[13] [INFO] Booting worker with pid: 13",
			`10.0.2.17 - - "GET /health/ HTTP/1.1" 200 2 "-" "ELB-HealthChecker/2.0"`,
			`10.0.2.17 - - "GET /health/ HTTP/1.1" 200 2 "-" "ELB-HealthChecker/2.0"`,
		}},
	{id: "96da6bbae010f764a9b7514960530137", service: "demo-shop-dev-web", taskDef: "demo-shop-dev:4", cause: "app-crashed", ago: 21 * time.Minute, ran: 20 * time.Second, spot: true, imageTag: "1.4.2",
		logs: []string{
			"Operations to perform:",
			"  Apply all migrations: admin, auth, contenttypes, orders, products, sessions",
			"Traceback (most recent call last):",
			`  File "/usr/local/lib/python3.12/site-packages/django/db/backends/base/base.py", line 279, in ensure_connection`,
			"    self.connect()",
			`  File "/usr/local/lib/python3.12/site-packages/django/db/backends/postgresql/base.py", line 332, in get_new_connection`,
			"    connection = self.Database.connect(**conn_params)",
			`  File "/usr/local/lib/python3.12/site-packages/psycopg/connection.py", line 119, in connect`,
			"    raise last_ex.with_traceback(None)",
			`psycopg.OperationalError: connection failed: connection to server at "10.0.12.34", port 5432 failed: FATAL:  password authentication failed for user "demo_shop"`,
			"",
			"The above exception was the direct cause of the following exception:",
			"",
			"Traceback (most recent call last):",
			`  File "/app/manage.py", line 22, in <module>`,
			"    main()",
			`  File "/usr/local/lib/python3.12/site-packages/django/core/management/commands/migrate.py", line 114, in handle`,
			"    executor = MigrationExecutor(connection, self.migration_progress_callback)",
			`  File "/usr/local/lib/python3.12/site-packages/django/db/backends/base/base.py", line 278, in ensure_connection`,
			"    with self.wrap_database_errors:",
			`django.db.utils.OperationalError: connection failed: connection to server at "10.0.12.34", port 5432 failed: FATAL:  password authentication failed for user "demo_shop"`,
		}},
	{id: "de7de93bfd5ce3910bd685cfd9ca08f5", service: "demo-shop-prod-web", taskDef: "demo-shop-prod:2", cause: "elb-health-checks", ago: 27 * time.Minute, ran: 4 * time.Minute, imageTag: "1.4.1",
		logs: withBoot(
			"Invalid HTTP_HOST header: '10.0.1.57:8000'. You may need to add '10.0.1.57' to ALLOWED_HOSTS.",
			"Bad Request: /health/",
			`10.0.1.12 - - "GET /health/ HTTP/1.1" 400 143 "-" "ELB-HealthChecker/2.0"`,
			"Invalid HTTP_HOST header: '10.0.1.57:8000'. You may need to add '10.0.1.57' to ALLOWED_HOSTS.",
			"Bad Request: /health/",
			`10.0.2.19 - - "GET /health/ HTTP/1.1" 400 143 "-" "ELB-HealthChecker/2.0"`,
			"[1] [INFO] Handling signal: term",
			"[7] [INFO] Worker exiting (pid: 7)",
			"[8] [INFO] Worker exiting (pid: 8)",
			"[1] [INFO] Shutting down: Master",
		)},
	{id: "ff0c265da6c5fe0e1c1b64ea901738fb", service: "demo-shop-dev-web", taskDef: "demo-shop-dev:4", cause: "spot-interruption", ago: 30 * time.Minute, ran: 3 * time.Hour, spot: true, imageTag: "1.4.2",
		logs: withBoot(
			`10.0.2.17 - - "GET /health/ HTTP/1.1" 200 2 "-" "ELB-HealthChecker/2.0"`,
			`10.0.4.8 - - "POST /cart/add/ HTTP/1.1" 302 0 "-" "Mozilla/5.0"`,
			"[1] [INFO] Handling signal: term",
			"[7] [INFO] Worker exiting (pid: 7)",
			"[8] [INFO] Worker exiting (pid: 8)",
			"[1] [INFO] Shutting down: Master",
		)},
	{id: "aab81a91337e60b7322c88381d77b4ae", service: "demo-shop-dev-web", taskDef: "demo-shop-dev:4", cause: "termination-notice", ago: 15 * time.Minute, ran: 2 * time.Hour, spot: true, imageTag: "1.4.2",
		logs: withBoot(
			`10.0.2.17 - - "GET /health/ HTTP/1.1" 200 2 "-" "ELB-HealthChecker/2.0"`,
			"[1] [INFO] Handling signal: term",
			"[1] [INFO] Shutting down: Master",
		)},
	{id: "1163c77f4e4fffa3af4b5fce0d9275b3", service: "demo-shop-dev-web", taskDef: "demo-shop-dev:4", cause: "cannot-start-container", ago: 44 * time.Minute, spot: true, imageTag: "1.4.2"},
	{id: "d28c2c17156265bf87cffb326743b94e", service: "demo-shop-prod-web", taskDef: "demo-shop-prod:2", cause: "container-runtime-timeout", ago: 49 * time.Minute, imageTag: "1.4.1"},
}

// demoOtherTasks are tasks that are no cause: running ones and ordinary stops.
var demoOtherTasks = []demoTask{
	{id: "b212d94c8b50ae68791837c9ca53233a", service: "demo-shop-dev-web", taskDef: "demo-shop-dev:4", running: true, ran: 14 * time.Minute, spot: true, imageTag: "1.4.2",
		logs: withBoot(
			`10.0.2.17 - - "GET /health/ HTTP/1.1" 200 2 "-" "ELB-HealthChecker/2.0"`,
			`10.0.4.8 - - "GET / HTTP/1.1" 200 10432 "-" "Mozilla/5.0"`,
			`10.0.2.17 - - "GET /health/ HTTP/1.1" 200 2 "-" "ELB-HealthChecker/2.0"`,
		)},
	{id: "88e0a81453e0b519712f18a46e1a89a1", service: "demo-shop-prod-web", taskDef: "demo-shop-prod:2", running: true, ran: 26 * time.Hour, imageTag: "1.4.1",
		logs: withBoot(
			`10.0.1.12 - - "GET /health/ HTTP/1.1" 200 2 "-" "ELB-HealthChecker/2.0"`,
			`10.0.3.41 - - "GET /products/ HTTP/1.1" 200 20391 "-" "Mozilla/5.0"`,
			`10.0.1.12 - - "GET /health/ HTTP/1.1" 200 2 "-" "ELB-HealthChecker/2.0"`,
		)},
	{id: "e76251b5f0c4599cd1338ec8b7fa43e8", service: "demo-shop-dev-web", taskDef: "demo-shop-dev:4", ago: 35 * time.Minute, ran: 10 * time.Minute, spot: true, imageTag: "1.4.2",
		stopCode: "UserInitiated", stoppedReason: "Task stopped by user", exitCode: exit(0),
		logs: withBoot("[1] [INFO] Handling signal: term", "[1] [INFO] Shutting down: Master")},
	{id: "5280fe1a9e2ed2c26b9bda13f68cad22", service: "demo-shop-prod-web", taskDef: "demo-shop-prod:2", ago: 50 * time.Minute, ran: 30 * time.Hour, imageTag: "1.4.1",
		stopCode: "ServiceSchedulerInitiated", stoppedReason: "Scaling activity initiated by (deployment ecs-svc/8812030917733265401)", exitCode: exit(0),
		logs: withBoot("[1] [INFO] Handling signal: term", "[1] [INFO] Shutting down: Master")},
}

// demoOldStreams are streams of tasks long gone (ECS forgot them; the logs remain). The first
// sorts before every other stream of its group, so "the first stream" is the wrong one.
var demoOldStreams = []struct {
	group, id string
	ago       time.Duration
}{
	{"/ecs/demo-shop-dev", "01a608748784d5a9935243944dcc6be2", 26 * time.Hour},
	{"/ecs/demo-shop-prod", "0e0ab51ca919bc6df1b48cc43a2e1ea1", 50 * time.Hour},
	{"/ecs/demo-shop-prod", "e8bebd60188d56fb752bfb72ae6d1bb3", 30 * time.Hour},
}

type demoTD struct {
	env, family, image, cpu, memory, arch, logGroup, allowedHosts string
	twilio                                                        bool
	extraSecrets                                                  map[string]string
	command                                                       []string
	web                                                           bool
}

// json renders the RegisterTaskDefinition request ecswiz would send for the spec: the
// fixed settings of DESIGN §1, environment and secrets sorted by name.
func (d demoTD) json() string {
	p := "/demo-shop/" + d.env
	env := map[string]string{
		"ALLOWED_HOSTS": d.allowedHosts, "DATABASE_ENGINE": "django.db.backends.postgresql", "DEBUG": "false",
		"DJANGO_SETTINGS_MODULE": "config.settings.production", "ENVIRONMENT": d.env, "PYTHONUNBUFFERED": "1",
	}
	if d.web {
		env["PORT"] = "8000"
	}
	if d.env == "dev" {
		env["DEBUG"] = "true"
	}
	secrets := map[string]string{
		"DJANGO_SECRET_KEY": p + "/app/django-secret-key", "DATABASE_PASSWORD": p + "/database/password",
		"DATABASE_HOST": p + "/database/host", "DATABASE_NAME": p + "/database/name",
		"DATABASE_USER": p + "/database/username", "REDIS_HOST": p + "/redis/host",
	}
	if d.twilio {
		secrets["TWILIO_ACCOUNT_SID"] = p + "/third-party/twilio-account-sid"
		secrets["TWILIO_AUTH_TOKEN"] = p + "/third-party/twilio-auth-token"
		secrets["TWILIO_PHONE_NUMBER"] = p + "/third-party/twilio-phone-number"
	}
	for k, v := range d.extraSecrets {
		secrets[k] = v
	}
	pairs := func(m map[string]string, value string) []map[string]string {
		var out []map[string]string
		for _, k := range slices.Sorted(maps.Keys(m)) {
			out = append(out, map[string]string{"name": k, value: m[k]})
		}
		return out
	}
	container := map[string]any{
		"name": "demo-shop", "image": d.image, "essential": true,
		"environment": pairs(env, "value"), "secrets": pairs(secrets, "valueFrom"),
		"logConfiguration": map[string]any{"logDriver": "awslogs", "options": map[string]string{
			"awslogs-group": d.logGroup, "awslogs-region": DemoRegion, "awslogs-stream-prefix": "ecs",
		}},
	}
	if d.web {
		container["portMappings"] = []map[string]any{{"containerPort": 8000, "hostPort": 8000, "protocol": "tcp"}}
	}
	if d.command != nil {
		container["command"] = d.command
	}
	doc := map[string]any{
		"family": d.family, "requiresCompatibilities": []string{"FARGATE"}, "networkMode": "awsvpc",
		"cpu": d.cpu, "memory": d.memory,
		"executionRoleArn":     "arn:aws:iam::123456789012:role/demo-shop-" + d.env + "-ecs-task-execution",
		"taskRoleArn":          "arn:aws:iam::123456789012:role/demo-shop-" + d.env + "-ecs-task",
		"runtimePlatform":      map[string]string{"cpuArchitecture": d.arch, "operatingSystemFamily": "LINUX"},
		"containerDefinitions": []any{container},
		"tags": []map[string]string{
			{"key": "Application", "value": "demo-shop"}, {"key": "Environment", "value": d.env}, {"key": "ManagedBy", "value": "ecswiz"},
		},
	}
	b, err := json.Marshal(doc)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func demoImage(tag string) string { return ecrHost + "/demo-shop:" + tag }

func (s *Server) seedDemo() {
	now := s.now()
	day := 24 * time.Hour

	// SSM Parameter Store: String for hosts and names, SecureString for secrets.
	type param struct{ name, typ, value string }
	dev := []param{
		{"app/django-secret-key", "SecureString", "fake-dev-django-secret-key-not-a-real-secret"},
		{"database/password", "SecureString", "fake-dev-db-password"},
		{"database/host", "String", "demo-shop-dev.cluster-c1a2b3c4d5e6.eu-west-2.rds.amazonaws.com"},
		{"database/name", "String", "demo_shop"},
		{"database/username", "String", "demo_shop"},
		{"redis/host", "String", "demo-shop-dev.abc123.ng.0001.euw2.cache.amazonaws.com"},
		{"third-party/twilio-account-sid", "SecureString", "fake-twilio-account-sid-dev"},
		{"third-party/twilio-auth-token", "SecureString", "fake-twilio-auth-token-dev"},
		{"third-party/twilio-phone-number", "String", "+15005550006"},
		{"sentry/dsn", "SecureString", "https://fake-sentry-key@sentry.example.invalid/42"},
		{"stripe/api-key", "SecureString", "fake-stripe-test-key-dev"},
		{"feature-flags/new-checkout", "String", "true"},
	}
	prod := []param{ // redis/host and database/username are missing on purpose
		{"app/django-secret-key", "SecureString", "fake-prod-django-secret-key-not-a-real-secret"},
		{"database/password", "SecureString", "fake-prod-db-password"},
		{"database/host", "String", "demo-shop-prod.cluster-c1a2b3c4d5e6.eu-west-2.rds.amazonaws.com"},
		{"database/name", "String", "demo_shop"},
		{"sentry/dsn", "SecureString", "https://fake-sentry-key@sentry.example.invalid/43"},
		{"stripe/api-key", "SecureString", "fake-stripe-live-key-prod"},
	}
	s.mu.Lock()
	for i, p := range dev {
		s.putParameterLocked(Parameter{Name: "/demo-shop/dev/" + p.name, Type: p.typ, Value: p.value, LastModified: now.Add(-time.Duration(40-i) * day)})
	}
	for i, p := range prod {
		s.putParameterLocked(Parameter{Name: "/demo-shop/prod/" + p.name, Type: p.typ, Value: p.value, LastModified: now.Add(-time.Duration(30-i) * day)})
	}
	s.putParameterLocked(Parameter{Name: "/other-app/prod/database/password", Type: "SecureString", Value: "fake-other-app-password", LastModified: now.Add(-90 * day)})
	s.putParameterLocked(Parameter{Name: "/shared/datadog/api-key", Type: "SecureString", Value: "fake-datadog-key", KeyID: "alias/shared", LastModified: now.Add(-120 * day)})

	// ECR.
	s.mu.Unlock()
	s.AddRepository("demo-shop", now.Add(-400*day))
	s.AddImage("demo-shop", Image{PushedAt: now.Add(-45 * day), SizeBytes: 151_003_112})
	s.AddImage("demo-shop", Image{Tags: []string{"1.4.0"}, Architectures: []string{"amd64", "arm64"}, PushedAt: now.Add(-30 * day), SizeBytes: 152_440_019})
	d141 := s.AddImage("demo-shop", Image{Tags: []string{"1.4.1"}, PushedAt: now.Add(-9 * day), SizeBytes: 153_017_554})
	d142 := s.AddImage("demo-shop", Image{Tags: []string{"1.4.2", "latest"}, PushedAt: now.Add(-2 * day), SizeBytes: 153_201_876})
	s.AddImage("demo-shop", Image{Tags: []string{"1.5.0-arm64"}, Architectures: []string{"arm64"}, PushedAt: now.Add(-1 * day), SizeBytes: 149_872_305})
	s.AddRepository("demo-shop-nginx", now.Add(-300*day))
	s.AddImage("demo-shop-nginx", Image{Tags: []string{"1.27", "latest"}, Architectures: []string{"amd64", "arm64"}, PushedAt: now.Add(-20 * day), SizeBytes: 19_553_210})
	digests := map[string]string{"1.4.1": d141, "1.4.2": d142}

	// IAM.
	ssmARN := func(env string) string { return "arn:aws:ssm:eu-west-2:123456789012:parameter/demo-shop/" + env + "/*" }
	pull := []Permission{
		{"ecr:GetAuthorizationToken", "*"},
		{"ecr:BatchCheckLayerAvailability", "arn:aws:ecr:eu-west-2:123456789012:repository/demo-shop*"},
		{"ecr:GetDownloadUrlForLayer", "arn:aws:ecr:eu-west-2:123456789012:repository/demo-shop*"},
		{"ecr:BatchGetImage", "arn:aws:ecr:eu-west-2:123456789012:repository/demo-shop*"},
	}
	logsFor := func(env string) []Permission {
		g := "arn:aws:logs:eu-west-2:123456789012:log-group:/ecs/demo-shop-" + env + "*"
		return []Permission{{"logs:CreateLogStream", g}, {"logs:PutLogEvents", g}}
	}
	ecsTasks := []string{"ecs-tasks.amazonaws.com"}
	s.AddRole(Role{Name: "demo-shop-dev-ecs-task-execution", TrustedServices: ecsTasks, CreatedAt: now.Add(-400 * day),
		Description: "Pulls the demo-shop image, writes its logs and reads /demo-shop/dev secrets",
		Allow: slices.Concat(pull, logsFor("dev"), []Permission{
			{"ssm:GetParameters", ssmARN("dev")}, {"ssm:GetParameter", ssmARN("dev")}, {"kms:Decrypt", "*"},
		})})
	s.AddRole(Role{Name: "demo-shop-prod-ecs-task-execution", TrustedServices: ecsTasks, CreatedAt: now.Add(-400 * day),
		Description: "Pulls the demo-shop image and writes its logs (no ssm:GetParameters: the demo's broken role)",
		Allow:       slices.Concat(pull, logsFor("prod"), []Permission{{"kms:Decrypt", "*"}, {"ssm:DescribeParameters", "*"}})})
	for _, env := range []string{"dev", "prod"} {
		s.AddRole(Role{Name: "demo-shop-" + env + "-ecs-task", TrustedServices: ecsTasks, CreatedAt: now.Add(-400 * day),
			Description: "What the demo-shop " + env + " app itself may do",
			Allow: []Permission{
				{"s3:GetObject", "arn:aws:s3:::demo-shop-" + env + "-media/*"}, {"s3:PutObject", "arn:aws:s3:::demo-shop-" + env + "-media/*"},
				{"s3:ListBucket", "arn:aws:s3:::demo-shop-" + env + "-media"}, {"ses:SendEmail", "*"},
			}})
	}
	s.AddRole(Role{Name: "ecsTaskExecutionRole", TrustedServices: ecsTasks, CreatedAt: now.Add(-800 * day),
		Description: "AmazonECSTaskExecutionRolePolicy only", Allow: slices.Concat(pull,
			[]Permission{{"logs:CreateLogStream", "*"}, {"logs:PutLogEvents", "*"}})})
	s.AddRole(Role{Name: "demo-shop-thumbnailer-lambda", TrustedServices: []string{"lambda.amazonaws.com"}, CreatedAt: now.Add(-200 * day),
		Allow: []Permission{{"logs:*", "*"}, {"s3:GetObject", "arn:aws:s3:::demo-shop-prod-media/*"}}})
	s.AddRole(Role{Name: "AWSServiceRoleForECS", Path: "/aws-service-role/ecs.amazonaws.com/", TrustedServices: []string{"ecs.amazonaws.com"},
		CreatedAt: now.Add(-800 * day), Allow: []Permission{{"ec2:*", "*"}, {"elasticloadbalancing:*", "*"}}})

	// CloudWatch Logs; /ecs/demo-shop-prod-worker deliberately does not exist.
	s.CreateLogGroup("/ecs/demo-shop-dev", 30)
	s.CreateLogGroup("/ecs/demo-shop-prod", 365)
	s.CreateLogGroup("/aws/lambda/demo-shop-thumbnailer", 14)

	// ECS task definitions, registered oldest first.
	s.mu.Lock()
	defs := []struct {
		td           demoTD
		at           time.Duration
		deregistered bool
	}{
		{demoTD{env: "dev", family: "demo-shop-dev", image: demoImage("1.4.1"), cpu: "512", memory: "1024", arch: "X86_64", logGroup: "/ecs/demo-shop-dev", allowedHosts: "*", twilio: true, web: true}, 9 * day, false},
		{demoTD{env: "dev", family: "demo-shop-dev", image: demoImage("1.4.3"), cpu: "512", memory: "1024", arch: "X86_64", logGroup: "/ecs/demo-shop-dev", allowedHosts: "*", twilio: true, web: true}, 2*day + time.Hour, true},
		{demoTD{env: "dev", family: "demo-shop-dev", image: demoImage("1.5.0-arm64"), cpu: "512", memory: "1024", arch: "X86_64", logGroup: "/ecs/demo-shop-dev", allowedHosts: "*", twilio: true, web: true}, 2 * day, true},
		{demoTD{env: "dev", family: "demo-shop-dev", image: demoImage("1.4.2"), cpu: "512", memory: "1024", arch: "X86_64", logGroup: "/ecs/demo-shop-dev", allowedHosts: "*", twilio: true, web: true}, 90 * time.Minute, false},
		{demoTD{env: "prod", family: "demo-shop-prod", image: demoImage("1.4.1"), cpu: "1024", memory: "2048", arch: "X86_64", logGroup: "/ecs/demo-shop-prod", allowedHosts: "shop.example.com", web: true,
			extraSecrets: map[string]string{"STRIPE_API_KEY": "arn:aws:secretsmanager:eu-west-2:123456789012:secret:demo-shop/prod/stripe-Ab12Cd:api_key::"}}, 8 * day, false},
		{demoTD{env: "prod", family: "demo-shop-prod", image: demoImage("1.4.1"), cpu: "1024", memory: "2048", arch: "X86_64", logGroup: "/ecs/demo-shop-prod", allowedHosts: "shop.example.com", web: true}, 7 * day, false},
		{demoTD{env: "prod", family: "demo-shop-prod", image: demoImage("1.4.2"), cpu: "2048", memory: "4096", arch: "X86_64", logGroup: "/ecs/demo-shop-prod", allowedHosts: "shop.example.com", web: true}, 15 * time.Minute, false},
		{demoTD{env: "prod", family: "demo-shop-prod-worker", image: "docker.io/demoshop/demo-shop:1.4.0", cpu: "512", memory: "1024", arch: "X86_64", logGroup: "/ecs/demo-shop-prod", allowedHosts: "shop.example.com",
			command: []string{"celery", "-A", "config", "worker", "--loglevel=info"}}, 3 * day, true},
		{demoTD{env: "prod", family: "demo-shop-prod-worker", image: demoImage("1.4.2"), cpu: "512", memory: "1024", arch: "X86_64", logGroup: "/ecs/demo-shop-prod-worker", allowedHosts: "shop.example.com",
			command: []string{"celery", "-A", "config", "worker", "--loglevel=info"}}, 10 * time.Minute, false},
	}
	for _, d := range defs {
		td, err := s.registerLocked([]byte(d.td.json()), now.Add(-d.at))
		if err != nil {
			panic(fmt.Sprintf("fakeaws: demo task definition %s: %v", d.td.family, err))
		}
		if d.deregistered {
			s.deregisterLocked(td)
		}
	}
	s.mu.Unlock()

	// ECS cluster, services and tasks.
	s.AddCluster(DemoCluster)
	prodWeb := "demo-shop-prod-web"
	s.AddService(Service{Cluster: DemoCluster, Name: "demo-shop-dev-web", TaskDefinition: "demo-shop-dev:4",
		DesiredCount: 1, RunningCount: 1, CapacityProvider: "FARGATE_SPOT", TargetGroupARN: tgDev,
		ContainerName: "demo-shop", ContainerPort: 8000, CreatedAt: now.Add(-300 * day),
		Deployments: []Deployment{{Status: "PRIMARY", TaskDefinition: "demo-shop-dev:4", DesiredCount: 1, RunningCount: 1,
			FailedTasks: 5, RolloutState: "COMPLETED", RolloutStateReason: "ECS deployment ecs-svc/4711089320471123456 completed.", CreatedAt: now.Add(-90 * time.Minute)}},
		Events: []ServiceEvent{
			{now.Add(-10 * time.Minute), "(service demo-shop-dev-web) has reached a steady state."},
			{now.Add(-14 * time.Minute), "(service demo-shop-dev-web) has started 1 tasks: (task b212d94c8b50ae68791837c9ca53233a)."},
			{now.Add(-21 * time.Minute), "(service demo-shop-dev-web) has started 1 tasks: (task 96da6bbae010f764a9b7514960530137)."},
		}})
	s.AddService(Service{Cluster: DemoCluster, Name: prodWeb, TaskDefinition: "demo-shop-prod:3",
		DesiredCount: 2, RunningCount: 1, TargetGroupARN: tgProd, ContainerName: "demo-shop", ContainerPort: 8000,
		CreatedAt: now.Add(-300 * day),
		Deployments: []Deployment{
			{Status: "PRIMARY", TaskDefinition: "demo-shop-prod:3", DesiredCount: 2, FailedTasks: 4, RolloutState: "IN_PROGRESS",
				RolloutStateReason: "ECS deployment ecs-svc/2291017342250988112 in progress.", CreatedAt: now.Add(-15 * time.Minute)},
			{Status: "ACTIVE", TaskDefinition: "demo-shop-prod:2", DesiredCount: 1, RunningCount: 1, RolloutState: "COMPLETED",
				RolloutStateReason: "ECS deployment ecs-svc/8812030917733265401 completed.", CreatedAt: now.Add(-7 * day)},
		},
		Events: []ServiceEvent{
			{now.Add(-5 * time.Minute), "(service demo-shop-prod-web) is unable to consistently start tasks successfully. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."},
			{now.Add(-7 * time.Minute), "(service demo-shop-prod-web) has started 1 tasks: (task bf6ddcb4a274d82c5480013fba7104a1)."},
			{now.Add(-13 * time.Minute), "(service demo-shop-prod-web) has started 1 tasks: (task e7344e3bbcbafa15cd634de93db4abc1)."},
			{now.Add(-27 * time.Minute), "(service demo-shop-prod-web) has stopped 1 running tasks: (task de7de93bfd5ce3910bd685cfd9ca08f5)."},
			{now.Add(-28 * time.Minute), "(service demo-shop-prod-web) (port 8000) is unhealthy in (target-group " + tgProd + ") due to (reason Health checks failed with these codes: [400])."},
		}})
	s.AddService(Service{Cluster: DemoCluster, Name: "demo-shop-prod-worker", TaskDefinition: "demo-shop-prod-worker:2",
		DesiredCount: 1, RunningCount: 0, CreatedAt: now.Add(-200 * day),
		Deployments: []Deployment{{Status: "PRIMARY", TaskDefinition: "demo-shop-prod-worker:2", DesiredCount: 1, FailedTasks: 3,
			RolloutState: "IN_PROGRESS", RolloutStateReason: "ECS deployment ecs-svc/6650198237740012291 in progress.", CreatedAt: now.Add(-10 * time.Minute)}},
		Events: []ServiceEvent{
			{now.Add(-4 * time.Minute), "(service demo-shop-prod-worker) has started 1 tasks: (task 776f1abd45b8daae279f2fb49374ad8e)."},
		}})

	for _, t := range slices.Concat(demoStoppedTasks, demoOtherTasks) {
		s.addDemoTask(t, now, digests)
	}
	for _, o := range demoOldStreams {
		start := now.Add(-o.ago)
		var evs []LogEvent
		for i, line := range withBoot(`10.0.1.12 - - "GET /health/ HTTP/1.1" 200 2 "-" "ELB-HealthChecker/2.0"`, "[1] [INFO] Handling signal: term", "[1] [INFO] Shutting down: Master") {
			evs = append(evs, LogEvent{Timestamp: start.Add(time.Duration(i) * time.Second), Message: line})
		}
		s.PutLogEvents(o.group, "ecs/demo-shop/"+o.id, evs...)
	}
	// A stream of another prefix in the same group (a one-off migration task).
	s.PutLogEvents("/ecs/demo-shop-prod", "migrate/demo-shop/c4422f59e0cf80f7661a3a3dacca5f7f",
		LogEvent{now.Add(-16 * time.Minute), "Operations to perform:"},
		LogEvent{now.Add(-16 * time.Minute), "  Apply all migrations: admin, auth, contenttypes, orders, products, sessions"},
		LogEvent{now.Add(-16 * time.Minute), "Running migrations:"},
		LogEvent{now.Add(-16 * time.Minute), "  Applying orders.0042_order_export_index... OK"})
}

func (s *Server) addDemoTask(t demoTask, now time.Time, digests map[string]string) {
	var stopped, started, created time.Time
	if !t.running {
		stopped = now.Add(-t.ago)
	}
	end := stopped
	if t.running {
		end = now
	}
	if t.ran > 0 {
		started = end.Add(-t.ran)
		created = started.Add(-40 * time.Second)
	} else {
		created = end.Add(-90 * time.Second)
	}
	ct := TaskContainer{Name: "demo-shop", LastStatus: "STOPPED"}
	if t.imageTag != "" {
		ct.Image = demoImage(t.imageTag)
		if t.ran > 0 {
			ct.ImageDigest = digests[t.imageTag]
		}
	} else if t.family() == "demo-shop-prod-worker" {
		ct.Image = demoImage("1.4.2")
		if strings.HasSuffix(t.taskDef, ":1") {
			ct.Image = "docker.io/demoshop/demo-shop:1.4.0"
		}
	}
	task := Task{Cluster: DemoCluster, ID: t.id, TaskDefinition: t.taskDef, Group: "service:" + t.service,
		StartedBy: "ecs-svc/" + fakeDigits(t.service), CreatedAt: created, StartedAt: started}
	if t.spot {
		task.CapacityProvider = "FARGATE_SPOT"
	}
	switch {
	case t.running:
		task.LastStatus, task.DesiredStatus = "RUNNING", "RUNNING"
		ct.LastStatus = "RUNNING"
	case t.cause != "":
		c := demoCauseByKey(t.cause)
		task.LastStatus, task.DesiredStatus = "STOPPED", "STOPPED"
		task.StopCode, task.StoppedReason = c.stopCode, c.stoppedReason
		ct.Reason, ct.ExitCode = c.containerReason, c.exitCode
		if ct.Reason == "" && c.exitCode == nil {
			ct.Reason = c.stoppedReason // a pull or secrets failure shows on the container too
		}
	default:
		task.LastStatus, task.DesiredStatus = "STOPPED", "STOPPED"
		task.StopCode, task.StoppedReason, ct.ExitCode = t.stopCode, t.stoppedReason, t.exitCode
	}
	if !stopped.IsZero() {
		task.StoppedAt = stopped
		task.StoppingAt = stopped.Add(-30 * time.Second)
	}
	task.Containers = []TaskContainer{ct}
	s.AddTask(task)
	if len(t.logs) == 0 {
		return
	}
	group := t.logGroup()
	var evs []LogEvent
	at := started
	step := time.Second
	if t.ran > 0 && len(t.logs) > 1 {
		step = min(t.ran/time.Duration(len(t.logs)), time.Minute)
	}
	if t.running {
		at = now.Add(-step * time.Duration(len(t.logs)))
	}
	for i, line := range t.logs {
		evs = append(evs, LogEvent{Timestamp: at.Add(time.Duration(i) * step), Message: line})
	}
	s.PutLogEvents(group, "ecs/demo-shop/"+t.id, evs...)
}
