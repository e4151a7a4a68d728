package model

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// validSpec is a complete spec without findings; each case changes one thing.
func validSpec() Spec {
	s := NewSpec()
	s.AppName = "backend-booking"
	s.Environment = "dev"
	s.ContainerName = "backend-booking"
	s.ContainerImage = "826601724385.dkr.ecr.eu-west-2.amazonaws.com/backend-booking-dev:latest"
	s.ExecutionRoleARN = "arn:aws:iam::826601724385:role/backend-booking-dev-ecs-task-execution"
	s.LogGroupName = "/ecs/backend-booking-dev"
	s.AWSRegion = "eu-west-2"
	return s
}

func TestValidSpecHasNoFindings(t *testing.T) {
	if got := Validate(validSpec()); len(got) != 0 {
		t.Fatalf("findings on the valid base spec: %+v", got)
	}
}

// expect says which finding a case must produce; an empty field means none at all.
type expect struct {
	field    string
	severity Severity
}

func none() expect                  { return expect{} }
func errorOn(field string) expect   { return expect{field, SeverityError} }
func warningOn(field string) expect { return expect{field, SeverityWarning} }

func TestValidate(t *testing.T) {
	cases := []struct {
		name   string
		change func(*Spec)
		want   expect
	}{
		// Required variables.
		{"a missing app name is an error", func(s *Spec) { s.AppName = "" }, errorOn("app_name")},
		{"a missing environment is an error", func(s *Spec) { s.Environment = "" }, errorOn("environment")},
		{"a missing container name is an error", func(s *Spec) { s.ContainerName = "" }, errorOn("container_name")},
		{"a missing image is an error", func(s *Spec) { s.ContainerImage = "" }, errorOn("container_image")},
		{"a missing execution role is an error", func(s *Spec) { s.ExecutionRoleARN = "" }, errorOn("execution_role_arn")},
		{"a missing log group is an error", func(s *Spec) { s.LogGroupName = "" }, errorOn("log_group_name")},

		// Family and container names.
		{"an app name with a dot cannot form a family", func(s *Spec) { s.AppName = "backend.booking" }, errorOn("app_name")},
		{"an environment with a space cannot form a family", func(s *Spec) { s.Environment = "dev 2" }, errorOn("environment")},
		{"underscores and hyphens make a valid family", func(s *Spec) { s.AppName = "Backend_booking-2" }, none()},
		{"a family longer than 255 characters is an error", func(s *Spec) { s.AppName = strings.Repeat("a", 252) }, errorOn("app_name")},
		{"a family of exactly 255 characters is valid", func(s *Spec) { s.AppName = strings.Repeat("a", 251) }, none()},
		{"a container name with a slash is an error", func(s *Spec) { s.ContainerName = "web/app" }, errorOn("container_name")},
		{"a container name of 256 characters is an error", func(s *Spec) { s.ContainerName = strings.Repeat("c", 256) }, errorOn("container_name")},

		// Image references.
		{"a Docker Hub image without a tag is valid", func(s *Spec) { s.ContainerImage = "python" }, none()},
		{"a registry with a port is valid", func(s *Spec) { s.ContainerImage = "registry.local:5000/team/app:1.2" }, none()},
		{"a digest reference is valid", func(s *Spec) {
			s.ContainerImage = "repo/app@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"
		}, none()},
		{"an upper-case repository is an error", func(s *Spec) { s.ContainerImage = "example.com/Team/App:1" }, errorOn("container_image")},
		{"an image with a space is an error", func(s *Spec) { s.ContainerImage = "repo/app :1" }, errorOn("container_image")},
		{"an image with a URL scheme is an error", func(s *Spec) { s.ContainerImage = "https://example.com/app:1" }, errorOn("container_image")},
		{"an upper-case first component is a repository, not a registry", func(s *Spec) { s.ContainerImage = "MyOrg/app:v1" }, errorOn("container_image")},
		{"localhost is a registry", func(s *Spec) { s.ContainerImage = "localhost/app:v1" }, none()},
		{"a digest other than sha256 is an error", func(s *Spec) {
			s.ContainerImage = "app@md5:0123456789abcdef0123456789abcdef"
		}, errorOn("container_image")},
		{"a short sha256 digest is an error", func(s *Spec) { s.ContainerImage = "app@sha256:0123456789abcdef" }, errorOn("container_image")},
		{"an image of 256 characters is an error", func(s *Spec) { s.ContainerImage = "r/" + strings.Repeat("a", 254) }, errorOn("container_image")},
		{"a tag longer than 128 characters is an error", func(s *Spec) { s.ContainerImage = "app:" + strings.Repeat("t", 129) }, errorOn("container_image")},
		{"latest in prod is a warning", func(s *Spec) { s.Environment = "prod"; s.AllowedHosts = "api.example.com" }, warningOn("container_image")},
		{"a pinned tag in prod is fine", func(s *Spec) {
			s.Environment = "prod"
			s.AllowedHosts = "api.example.com"
			s.ContainerImage = "repo/app:1.4.2"
		}, none()},

		// Port.
		{"port 0 is an error", func(s *Spec) { s.ContainerPort = 0 }, errorOn("container_port")},
		{"port 65536 is an error", func(s *Spec) { s.ContainerPort = 65536 }, errorOn("container_port")},
		{"port 65535 is valid", func(s *Spec) { s.ContainerPort = 65535 }, none()},
		{"port 80 as root is fine", func(s *Spec) { s.ContainerPort = 80 }, none()},
		{"port 80 with a non-root user is a warning", func(s *Spec) { s.ContainerPort = 80; s.ContainerUser = "1000:1000" }, warningOn("container_port")},
		{"port 80 with user root:root is fine", func(s *Spec) { s.ContainerPort = 80; s.ContainerUser = "root:root" }, none()},
		{"port 1024 with a non-root user is fine", func(s *Spec) { s.ContainerPort = 1024; s.ContainerUser = "app" }, none()},

		// Sizing.
		{"an unknown architecture is an error", func(s *Spec) { s.CPUArchitecture = "amd64" }, errorOn("cpu_architecture")},
		{"ARM64 is valid", func(s *Spec) { s.CPUArchitecture = "ARM64" }, none()},
		{"a cpu that is not a number is an error", func(s *Spec) { s.TaskCPU = "fast" }, errorOn("task_cpu")},
		{"cpu 384 is not a Fargate size", func(s *Spec) { s.TaskCPU = "384" }, errorOn("task_cpu")},
		{"memory that is not a number is an error", func(s *Spec) { s.TaskMemory = "lots" }, errorOn("task_memory")},
		{"the vCPU form is refused, as the module refuses it", func(s *Spec) { s.TaskCPU = "1 vCPU"; s.TaskMemory = "2048" }, errorOn("task_cpu")},
		{"the GB form is refused, as the module refuses it", func(s *Spec) { s.TaskMemory = "2GB" }, errorOn("task_memory")},

		// Roles.
		{"a role name instead of an ARN is an error", func(s *Spec) { s.ExecutionRoleARN = "ecsTaskExecutionRole" }, errorOn("execution_role_arn")},
		{"a role ARN with a path is valid", func(s *Spec) { s.ExecutionRoleARN = "arn:aws:iam::123456789012:role/service/exec" }, none()},
		{"a GovCloud role ARN is valid", func(s *Spec) { s.TaskRoleARN = "arn:aws-us-gov:iam::123456789012:role/app" }, none()},
		{"a policy ARN as task role is an error", func(s *Spec) { s.TaskRoleARN = "arn:aws:iam::123456789012:policy/app" }, errorOn("task_role_arn")},
		{"a short account id is an error", func(s *Spec) { s.TaskRoleARN = "arn:aws:iam::1234:role/app" }, errorOn("task_role_arn")},

		// Logging.
		{"a log group with a space is an error", func(s *Spec) { s.LogGroupName = "/ecs/my app" }, errorOn("log_group_name")},
		{"an empty stream prefix is an error on Fargate", func(s *Spec) { s.LogStreamPrefix = "" }, errorOn("log_stream_prefix")},
		{"a stream prefix with a colon is an error", func(s *Spec) { s.LogStreamPrefix = "a:b" }, errorOn("log_stream_prefix")},
		{"a region name is not a region code", func(s *Spec) { s.AWSRegion = "London" }, errorOn("aws_region")},
		{"a sovereign-cloud region is valid", func(s *Spec) { s.AWSRegion = "eusc-de-east-1" }, none()},
		{"an unset region is valid (resolved at render)", func(s *Spec) { s.AWSRegion = "" }, none()},

		// Parameter Store prefix.
		{"a prefix without a leading slash is an error", func(s *Spec) { s.ParameterStorePrefix = "app/dev" }, errorOn("parameter_store_prefix")},
		{"a prefix with a trailing slash is an error", func(s *Spec) { s.ParameterStorePrefix = "/app/dev/" }, errorOn("parameter_store_prefix")},
		{"a prefix starting with aws is an error", func(s *Spec) { s.ParameterStorePrefix = "/aws/dev" }, errorOn("parameter_store_prefix")},
		{"a prefix of 14 levels leaves too many levels", func(s *Spec) { s.ParameterStorePrefix = strings.Repeat("/l", 14) }, errorOn("parameter_store_prefix")},
		{"a prefix of 13 levels is valid", func(s *Spec) { s.ParameterStorePrefix = strings.Repeat("/l", 13) }, none()},

		// Django.
		{"a settings path with a slash is an error", func(s *Spec) { s.DjangoSettingsModule = "config/settings.py" }, errorOn("django_settings_module")},
		{"allowed hosts * in prod is a warning", func(s *Spec) { s.Environment = "prod"; s.ContainerImage = "app:1" }, warningOn("allowed_hosts")},
		{"allowed hosts * in dev is fine", func(s *Spec) { s.AllowedHosts = "*" }, none()},
		{"empty allowed hosts is a warning", func(s *Spec) { s.AllowedHosts = "" }, warningOn("allowed_hosts")},
		{"debug in production is a warning", func(s *Spec) {
			s.Environment = "production"
			s.ContainerImage = "app:1"
			s.AllowedHosts = "a.example.com"
			s.DebugMode = true
		}, warningOn("debug_mode")},
		{"debug in prod-eu is a warning", func(s *Spec) {
			s.Environment = "prod-eu"
			s.ContainerImage = "app:1"
			s.AllowedHosts = "a.example.com"
			s.DebugMode = true
		}, warningOn("debug_mode")},
		{"debug in dev is fine", func(s *Spec) { s.DebugMode = true }, none()},

		// Integrations.
		{"an upper-case bucket is an error", func(s *Spec) { s.S3BucketName = "My-Bucket" }, errorOn("s3_bucket_name")},
		{"a bucket with dots is valid", func(s *Spec) { s.S3BucketName = "static.example.com" }, none()},
		{"a lower-case distribution id is a warning", func(s *Spec) { s.CloudFrontDistributionID = "e1234567890abc" }, warningOn("cloudfront_distribution_id")},

		// Environment variables and secrets.
		{"a blank environment name is an error", func(s *Spec) { s.EnvironmentVariables = map[string]string{" ": "x"} }, errorOn(`environment_variables[" "]`)},
		{"an environment name with = is an error", func(s *Spec) { s.EnvironmentVariables = map[string]string{"A=B": "x"} }, errorOn(`environment_variables["A=B"]`)},
		{"an environment name with a hyphen is a warning", func(s *Spec) { s.EnvironmentVariables = map[string]string{"MY-VAR": "x"} }, warningOn(`environment_variables["MY-VAR"]`)},
		{"overriding PORT is a warning", func(s *Spec) { s.EnvironmentVariables = map[string]string{"PORT": "9000"} }, warningOn(`environment_variables["PORT"]`)},
		{"a required secret as an environment variable is an error", func(s *Spec) {
			s.EnvironmentVariables = map[string]string{"DATABASE_PASSWORD": "hunter2"}
		}, errorOn(`environment_variables["DATABASE_PASSWORD"]`)},
		{"a name both variable and secret is an error", func(s *Spec) {
			s.EnvironmentVariables = map[string]string{"SENTRY_DSN": "x"}
			s.SecretsFromParameterStore = map[string]string{"SENTRY_DSN": "/app/dev/sentry"}
		}, errorOn(`environment_variables["SENTRY_DSN"]`)},
		{"DEBUG as a secret is an error", func(s *Spec) {
			s.SecretsFromParameterStore = map[string]string{"DEBUG": "/app/dev/debug"}
		}, errorOn(`secrets_from_parameter_store["DEBUG"]`)},
		{"a parameter name is a valid secret source", func(s *Spec) {
			s.SecretsFromParameterStore = map[string]string{"API_KEY": "/backend-booking/dev/app/api-key"}
		}, none()},
		{"a root-level parameter name is valid", func(s *Spec) { s.SecretsFromParameterStore = map[string]string{"API_KEY": "api-key"} }, none()},
		{"a nested name without a leading slash is an error", func(s *Spec) {
			s.SecretsFromParameterStore = map[string]string{"API_KEY": "app/dev/key"}
		}, errorOn(`secrets_from_parameter_store["API_KEY"]`)},
		{"a parameter name with a space is an error", func(s *Spec) {
			s.SecretsFromParameterStore = map[string]string{"API_KEY": "/app/api key"}
		}, errorOn(`secrets_from_parameter_store["API_KEY"]`)},
		{"a Secrets Manager secret read through /aws/reference is valid", func(s *Spec) {
			s.SecretsFromParameterStore = map[string]string{"DB": "/aws/reference/secretsmanager/prod-db"}
		}, none()},
		{"an app name starting with ssm makes a reserved prefix", func(s *Spec) { s.AppName = "ssm-tool" }, errorOn("app_name")},
		{"an app name starting with ssm is fine with its own prefix", func(s *Spec) {
			s.AppName = "ssm-tool"
			s.ParameterStorePrefix = "/tools/ssm"
		}, none()},
		{"an SSM ARN is a valid secret source", func(s *Spec) {
			s.SecretsFromParameterStore = map[string]string{"API_KEY": "arn:aws:ssm:eu-west-2:123456789012:parameter/app/dev/key"}
		}, none()},
		{"an SSM ARN with a doubled slash is an error", func(s *Spec) {
			s.SecretsFromParameterStore = map[string]string{"API_KEY": "arn:aws:ssm:eu-west-2:123456789012:parameter//app/dev/key"}
		}, errorOn(`secrets_from_parameter_store["API_KEY"]`)},
		{"a Secrets Manager ARN with a JSON key is valid", func(s *Spec) {
			s.SecretsFromParameterStore = map[string]string{"DB": "arn:aws:secretsmanager:eu-west-2:123456789012:secret:db-AbCdEf:password::"}
		}, none()},
		{"a secret RDS manages (rds!...) is a valid secret source", func(s *Spec) {
			s.SecretsFromParameterStore = map[string]string{"DB": "arn:aws:secretsmanager:eu-west-2:123456789012:secret:rds!db-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b-AbCdEf:password::"}
		}, none()},
		{"a Secrets Manager ARN with a character no secret name has is an error", func(s *Spec) {
			s.SecretsFromParameterStore = map[string]string{"DB": "arn:aws:secretsmanager:eu-west-2:123456789012:secret:db#1-AbCdEf"}
		}, errorOn(`secrets_from_parameter_store["DB"]`)},
		{"a malformed Secrets Manager ARN is an error", func(s *Spec) {
			s.SecretsFromParameterStore = map[string]string{"DB": "arn:aws:secretsmanager:eu-west-2:secret:db"}
		}, errorOn(`secrets_from_parameter_store["DB"]`)},
		{"overriding a required secret is a warning", func(s *Spec) {
			s.SecretsFromParameterStore = map[string]string{"REDIS_HOST": "/shared/redis/host"}
		}, warningOn(`secrets_from_parameter_store["REDIS_HOST"]`)},

		// User and command.
		{"uid:gid is a valid user", func(s *Spec) { s.ContainerUser = "1000:1000" }, none()},
		{"user:gid is a valid user", func(s *Spec) { s.ContainerUser = "app:1000" }, none()},
		{"a user with a space is an error", func(s *Spec) { s.ContainerUser = "app user" }, errorOn("container_user")},
		{"three parts is not a user", func(s *Spec) { s.ContainerUser = "1:2:3" }, errorOn("container_user")},
		{"a blank program is an error", func(s *Spec) { s.ContainerCommand = []string{"", "x"} }, errorOn("container_command[0]")},

		// Volumes and mount points.
		{"a mount point naming no volume is an error", func(s *Spec) {
			s.MountPoints = []MountPoint{{SourceVolume: "tmp", ContainerPath: "/tmp"}}
		}, errorOn("mount_points[0].sourceVolume")},
		{"a declared and mounted bind volume is valid", func(s *Spec) {
			s.Volumes = []Volume{{Name: "tmp"}}
			s.MountPoints = []MountPoint{{SourceVolume: "tmp", ContainerPath: "/tmp"}}
		}, none()},
		{"a volume declared twice is an error", func(s *Spec) {
			s.Volumes = []Volume{{Name: "tmp"}, {Name: "tmp"}}
			s.MountPoints = []MountPoint{{SourceVolume: "tmp", ContainerPath: "/tmp"}}
		}, errorOn("volumes[1].name")},
		{"a volume never mounted is a warning", func(s *Spec) { s.Volumes = []Volume{{Name: "tmp"}} }, warningOn("volumes[0]")},
		{"a relative container path is an error", func(s *Spec) {
			s.Volumes = []Volume{{Name: "tmp"}}
			s.MountPoints = []MountPoint{{SourceVolume: "tmp", ContainerPath: "tmp"}}
		}, errorOn("mount_points[0].containerPath")},
		{"an EFS id without fs- is an error", func(s *Spec) {
			s.Volumes = []Volume{{Name: "media", EFS: &EFSVolume{FileSystemID: "0123456789abcdef0"}}}
			s.MountPoints = []MountPoint{{SourceVolume: "media", ContainerPath: "/media"}}
		}, errorOn("volumes[0].efs_volume_configuration.file_system_id")},
		{"a short EFS id is valid", func(s *Spec) {
			s.Volumes = []Volume{{Name: "media", EFS: &EFSVolume{FileSystemID: "fs-01234567"}}}
			s.MountPoints = []MountPoint{{SourceVolume: "media", ContainerPath: "/media"}}
		}, none()},
		{"an access point without transit encryption is an error", func(s *Spec) {
			s.Volumes = []Volume{{Name: "media", EFS: &EFSVolume{FileSystemID: "fs-01234567",
				AuthorizationConfig: &EFSAuthorization{AccessPointID: "fsap-0123456789abcdef0"}}}}
			s.MountPoints = []MountPoint{{SourceVolume: "media", ContainerPath: "/media"}}
		}, errorOn("volumes[0].efs_volume_configuration.transit_encryption")},
		{"transit encryption must be ENABLED or DISABLED", func(s *Spec) {
			s.Volumes = []Volume{{Name: "media", EFS: &EFSVolume{FileSystemID: "fs-01234567", TransitEncryption: "on"}}}
			s.MountPoints = []MountPoint{{SourceVolume: "media", ContainerPath: "/media"}}
		}, errorOn("volumes[0].efs_volume_configuration.transit_encryption")},

		// Read-only root.
		{"a read-only root without /tmp is a warning", func(s *Spec) { s.ReadonlyRootFilesystem = true }, warningOn("readonly_root_filesystem")},
		{"a read-only root with a read-only /tmp is a warning", func(s *Spec) {
			s.ReadonlyRootFilesystem = true
			s.Volumes = []Volume{{Name: "tmp"}}
			s.MountPoints = []MountPoint{{SourceVolume: "tmp", ContainerPath: "/tmp", ReadOnly: true}}
		}, warningOn("readonly_root_filesystem")},
		{"a read-only root with a writable /tmp is fine", func(s *Spec) {
			s.ReadonlyRootFilesystem = true
			s.Volumes = []Volume{{Name: "tmp"}}
			s.MountPoints = []MountPoint{{SourceVolume: "tmp", ContainerPath: "/tmp"}}
		}, none()},

		// Linux capabilities.
		{"capabilities without enable_linux_parameters are an error", func(s *Spec) {
			s.LinuxCapabilitiesDrop = []string{"ALL"}
		}, errorOn("linux_capabilities_drop")},
		{"dropping ALL is valid", func(s *Spec) {
			s.EnableLinuxParameters = true
			s.LinuxCapabilitiesDrop = []string{"ALL"}
		}, none()},
		{"adding SYS_PTRACE is valid", func(s *Spec) {
			s.EnableLinuxParameters = true
			s.LinuxCapabilitiesAdd = []string{"SYS_PTRACE"}
		}, none()},
		{"adding NET_BIND_SERVICE, as the seed does, is refused on Fargate", func(s *Spec) {
			s.EnableLinuxParameters = true
			s.LinuxCapabilitiesDrop = []string{"ALL"}
			s.LinuxCapabilitiesAdd = []string{"NET_BIND_SERVICE"}
		}, errorOn("linux_capabilities_add[0]")},
		{"adding CAP_NET_BIND_SERVICE is refused as NET_BIND_SERVICE", func(s *Spec) {
			s.EnableLinuxParameters = true
			s.LinuxCapabilitiesAdd = []string{"CAP_NET_BIND_SERVICE"}
		}, errorOn("linux_capabilities_add[0]")},
		{"a CAP_ prefix is an error", func(s *Spec) {
			s.EnableLinuxParameters = true
			s.LinuxCapabilitiesDrop = []string{"CAP_NET_RAW"}
		}, errorOn("linux_capabilities_drop[0]")},
		{"an unknown capability is an error", func(s *Spec) {
			s.EnableLinuxParameters = true
			s.LinuxCapabilitiesDrop = []string{"FLY"}
		}, errorOn("linux_capabilities_drop[0]")},

		// Tags.
		{"an aws: tag is an error", func(s *Spec) { s.Tags = map[string]string{"aws:team": "x"} }, errorOn(`tags["aws:team"]`)},
		{"51 tags are an error", func(s *Spec) {
			s.Tags = map[string]string{}
			for i := range 51 {
				s.Tags[fmt.Sprintf("k%d", i)] = "v"
			}
		}, errorOn("tags")},
		{"50 tags are valid", func(s *Spec) {
			s.Tags = map[string]string{}
			for i := range 50 {
				s.Tags[fmt.Sprintf("k%d", i)] = "v"
			}
		}, none()},

		// Size of the document.
		{"a task definition over 64 KiB is an error", func(s *Spec) {
			s.EnvironmentVariables = map[string]string{"BIG": strings.Repeat("x", 65*1024)}
		}, errorOn("environment_variables")},
		{"many small variables are measured as the API counts them, without indentation", func(s *Spec) {
			s.EnvironmentVariables = map[string]string{}
			for i := range 1500 {
				s.EnvironmentVariables[fmt.Sprintf("V%d", i)] = "x"
			}
		}, none()},
		{"a task definition near 64 KiB is a warning", func(s *Spec) {
			s.EnvironmentVariables = map[string]string{"BIG": strings.Repeat("x", 60*1024)}
		}, warningOn("environment_variables")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := validSpec()
			tc.change(&s)
			got := Validate(s)
			if tc.want.field == "" {
				if len(got) != 0 {
					t.Fatalf("want no findings, got %+v", got)
				}
				return
			}
			for _, f := range got {
				if f.Field == tc.want.field && f.Severity == tc.want.severity {
					if f.Message == "" || f.Hint == "" {
						t.Errorf("finding without message or hint: %+v", f)
					}
					return
				}
			}
			t.Fatalf("want a %s on %s, got %+v", tc.want.severity, tc.want.field, got)
		})
	}
}

// Every row of the Fargate table at its edges, through Validate.
func TestValidateFargateSizes(t *testing.T) {
	cases := []struct {
		cpu, memory string
		valid       bool
	}{
		{"256", "512", true}, {"256", "2048", true}, {"256", "1536", false}, {"256", "3072", false},
		{"512", "1024", true}, {"512", "4096", true}, {"512", "512", false}, {"512", "5120", false},
		{"1024", "2048", true}, {"1024", "8192", true}, {"1024", "1024", false}, {"1024", "9216", false},
		{"2048", "4096", true}, {"2048", "16384", true}, {"2048", "3072", false}, {"2048", "17408", false},
		{"4096", "8192", true}, {"4096", "30720", true}, {"4096", "7168", false}, {"4096", "31744", false},
		{"8192", "16384", true}, {"8192", "20480", true}, {"8192", "61440", true}, {"8192", "18432", false}, {"8192", "65536", false},
		{"16384", "32768", true}, {"16384", "122880", true}, {"16384", "40960", true}, {"16384", "36864", false}, {"16384", "131072", false},
	}
	for _, tc := range cases {
		verdict := "invalid"
		if tc.valid {
			verdict = "valid"
		}
		t.Run(fmt.Sprintf("%s CPU with %s memory is %s", tc.cpu, tc.memory, verdict), func(t *testing.T) {
			s := validSpec()
			s.TaskCPU, s.TaskMemory = tc.cpu, tc.memory
			got := Validate(s).Errors()
			if tc.valid && len(got) != 0 {
				t.Fatalf("want no errors, got %+v", got)
			}
			if !tc.valid && (len(got) != 1 || got[0].Field != "task_memory") {
				t.Fatalf("want one error on task_memory, got %+v", got)
			}
		})
	}
}

func TestValidateReportsEveryProblemAtOnce(t *testing.T) {
	s := validSpec()
	s.TaskMemory = "9216"
	s.CPUArchitecture = "arm"
	s.EnableLinuxParameters = true
	s.LinuxCapabilitiesAdd = []string{"NET_BIND_SERVICE"}
	var fields []string
	for _, f := range Validate(s) {
		fields = append(fields, string(f.Severity)+" "+f.Field)
	}
	want := []string{"error task_memory", "error cpu_architecture", "error linux_capabilities_add[0]"}
	if diff := cmp.Diff(want, fields); diff != "" {
		t.Fatalf("findings, in the order of the variables (-want +got):\n%s", diff)
	}
}

func TestTheInvalidMemoryHintNamesTheNearestSize(t *testing.T) {
	s := validSpec()
	s.TaskCPU, s.TaskMemory = "1024", "9216"
	f := Validate(s)[0]
	for _, want := range []string{"2048 to 8192 in steps of 1024", "nearest: 8192"} {
		if !strings.Contains(f.Hint, want) {
			t.Errorf("hint %q lacks %q", f.Hint, want)
		}
	}
}

func TestTheSeedHardeningExampleIsExplained(t *testing.T) {
	s := validSpec()
	s.EnableLinuxParameters = true
	s.LinuxCapabilitiesAdd = []string{"NET_BIND_SERVICE"}
	f := Validate(s)[0]
	if !strings.Contains(f.Message, "Fargate") || !strings.Contains(f.Hint, "SYS_PTRACE") && !strings.Contains(f.Hint, "port above 1023") {
		t.Fatalf("finding does not explain the Fargate rule: %+v", f)
	}
}

func TestIsRootUser(t *testing.T) {
	cases := []struct {
		user string
		want bool
	}{
		{"root", true}, {"0", true}, {"root:app", true}, {"0:0", true}, {" 0:1000", true},
		{"1000:1000", false}, {"app", false}, {"app:0", false}, {"00", false}, {"rootless", false}, {"", false},
	}
	for _, tc := range cases {
		if got := IsRootUser(tc.user); got != tc.want {
			t.Errorf("IsRootUser(%q) = %v, want %v", tc.user, got, tc.want)
		}
	}
}

func TestIsSecretsManagerARN(t *testing.T) {
	cases := []struct {
		name, from string
		want       bool
	}{
		{"a secret's ARN", "arn:aws:secretsmanager:eu-west-2:123456789012:secret:db-AbCdEf", true},
		{"a secret's ARN in another partition", "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:db", true},
		{"an SSM parameter's ARN", "arn:aws:ssm:eu-west-2:123456789012:parameter/app/dev/key", false},
		{"a parameter name", "/app/dev/key", false},
		{"a Secrets Manager secret read through Parameter Store", "/aws/reference/secretsmanager/db", false},
		{"a parameter named after the service", "arn:aws:ssm:eu-west-2:123456789012:parameter/secretsmanager", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := IsSecretsManagerARN(tc.from); got != tc.want {
				t.Fatalf("IsSecretsManagerARN(%q) = %v", tc.from, got)
			}
		})
	}
}

func TestOverridingAnAutomaticVariableNamesTheVariableThatSetsIt(t *testing.T) {
	s := validSpec()
	s.EnvironmentVariables = map[string]string{"PORT": "9000", "PYTHONUNBUFFERED": "0"}
	hints := map[string]string{}
	for _, f := range Validate(s).Warnings() {
		hints[f.Field] = f.Hint
	}
	if h := hints[`environment_variables["PORT"]`]; !strings.Contains(h, "container_port") {
		t.Errorf("PORT: hint %q does not name container_port", h)
	}
	if h := hints[`environment_variables["PYTHONUNBUFFERED"]`]; !strings.Contains(h, "the same in every task definition") {
		t.Errorf("PYTHONUNBUFFERED: hint %q", h)
	}
}

func TestCheckSecretSourceIsTheRuleOfValidate(t *testing.T) {
	for _, from := range []string{
		"/app/dev/key", "app/dev/key", "/app/api key",
		"arn:aws:ssm:eu-west-2:123456789012:parameter/app/dev/key",
		"arn:aws:secretsmanager:eu-west-2:123456789012:secret:rds!db-1-AbCdEf",
		"arn:aws:secretsmanager:eu-west-2:secret:db",
	} {
		s := validSpec()
		s.SecretsFromParameterStore = map[string]string{"KEY": from}
		var fromValidate string
		for _, f := range Validate(s).Errors() {
			fromValidate = f.Message
		}
		if msg, _ := CheckSecretSource(from); msg != fromValidate {
			t.Errorf("%s: CheckSecretSource says %q, Validate %q", from, msg, fromValidate)
		}
	}
}

// DEBUG set among environment_variables reaches the container over debug_mode: a
// true-ish value in production gets the warning debug_mode = true gets.
func TestDebugAsAnExtraVariableIsWarnedInProduction(t *testing.T) {
	prod := func(value string) Spec {
		s := validSpec()
		s.Environment, s.ContainerImage, s.AllowedHosts = "prod", "app:1", "a.example.com"
		s.EnvironmentVariables = map[string]string{"DEBUG": value}
		return s
	}
	debugMode := validSpec()
	debugMode.Environment, debugMode.ContainerImage, debugMode.AllowedHosts = "prod", "app:1", "a.example.com"
	debugMode.DebugMode = true
	want := findingOn(Validate(debugMode).Warnings(), "debug_mode").Message
	if want == "" {
		t.Fatal("debug_mode = true in prod is not warned")
	}
	const field = `environment_variables["DEBUG"]`
	cases := []struct {
		name   string
		spec   Spec
		warned bool
	}{
		{"DEBUG=1 in prod is warned", prod("1"), true},
		{"DEBUG=True in prod is warned", prod("True"), true},
		{"DEBUG=yes in prod is warned", prod(" yes "), true},
		{"DEBUG=on in prod is warned", prod("on"), true},
		{"DEBUG=0 in prod is only an override", prod("0"), false},
		{"DEBUG=false in prod is only an override", prod("false"), false},
		{"DEBUG=1 in dev is only an override", func() Spec { s := prod("1"); s.Environment = "dev"; return s }(), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := findingOn(Validate(tc.spec), field)
			if f.Field == "" {
				t.Fatalf("no finding on %s", field)
			}
			if f.Severity != SeverityWarning || f.Hint == "" {
				t.Errorf("finding %+v: want a warning with a hint", f)
			}
			if got := f.Message == want; got != tc.warned {
				t.Errorf("message %q; want the debug_mode warning (%q): %v", f.Message, want, tc.warned)
			}
		})
	}
}

// findingOn is the first finding on field, or the zero Finding.
func findingOn(fs Findings, field string) Finding {
	for _, f := range fs {
		if f.Field == field {
			return f
		}
	}
	return Finding{}
}

// A prefix whose slashes are wrong is told the corrected prefix only when that one is
// valid: "no slash" would become "/no slash", refused in turn.
func TestThePrefixHintIsValidOrTheRule(t *testing.T) {
	cases := []struct {
		name, prefix, hint string
	}{
		{"a missing leading slash is added", "app/dev", `write "/app/dev"`},
		{"a trailing slash is removed", "/app/dev/", `write "/app/dev"`},
		{"a space is not rewritten into another invalid prefix", "no slash", prefixRule},
		{"a space with a trailing slash gets the rule", "/no slash/", prefixRule},
		{"a reserved first level gets the rule", "aws/dev", prefixRule},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := validSpec()
			s.ParameterStorePrefix = tc.prefix
			f := findingOn(Validate(s).Errors(), "parameter_store_prefix")
			if f.Hint != tc.hint {
				t.Errorf("hint %q, want %q (%s)", f.Hint, tc.hint, f.Message)
			}
		})
	}
}

// A mount point with no volume name is not told to declare volumes = [{ name = "" }].
func TestAMountPointWithoutAVolumeNameIsToldHowToFixIt(t *testing.T) {
	cases := []struct {
		name    string
		volumes []Volume
		hint    string
	}{
		{"with no volume declared", nil, "declare a volume in volumes first, then name it here"},
		{"with volumes declared", []Volume{{Name: "tmp"}, {Name: "media"}}, "name one of the declared volumes: media, tmp"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := validSpec()
			s.Volumes = tc.volumes
			s.MountPoints = []MountPoint{{SourceVolume: "", ContainerPath: "/data"}}
			f := findingOn(Validate(s).Errors(), "mount_points[0].sourceVolume")
			if f.Message != "no volume is named" || f.Hint != tc.hint {
				t.Errorf("finding %q — %q, want %q", f.Message, f.Hint, tc.hint)
			}
		})
	}
}
