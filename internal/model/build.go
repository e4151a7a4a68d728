package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strconv"

	"github.com/ecswiz/ecswiz/internal/model/taskdef"
)

// Values DESIGN §1 fixes for every task definition.
const (
	NetworkMode           = "awsvpc"
	LaunchType            = "FARGATE"
	OperatingSystemFamily = "LINUX"
	LogDriver             = "awslogs"
	DatabaseEngine        = "django.db.backends.postgresql"
)

// ErrNoRegion means the awslogs region could not be decided.
var ErrNoRegion = errors.New("no AWS Region for awslogs-region: set aws_region in the spec, pass --region, or export AWS_REGION")

// SecretRef is one secret the container gets: its environment name and where it comes from.
type SecretRef struct {
	Name      string
	ValueFrom string
}

// automaticEnvironment is every variable ecswiz sets in the container's environment:
// its name, the spec variable it comes from ("" when fixed by design), and its value,
// with whether it is set at all.
var automaticEnvironment = []struct {
	name, variable string
	value          func(s Spec) (string, bool)
}{
	{"DJANGO_SETTINGS_MODULE", "django_settings_module", func(s Spec) (string, bool) { return s.DjangoSettingsModule, true }},
	{"ENVIRONMENT", "environment", func(s Spec) (string, bool) { return s.Environment, true }},
	{"PORT", "container_port", func(s Spec) (string, bool) { return strconv.Itoa(s.ContainerPort), true }},
	{"ALLOWED_HOSTS", "allowed_hosts", func(s Spec) (string, bool) { return s.AllowedHosts, true }},
	{"DEBUG", "debug_mode", func(s Spec) (string, bool) { return strconv.FormatBool(s.DebugMode), true }},
	{"PYTHONUNBUFFERED", "", func(Spec) (string, bool) { return "1", true }},
	{"DATABASE_ENGINE", "", func(Spec) (string, bool) { return DatabaseEngine, true }},
	{"AWS_STORAGE_BUCKET_NAME", "s3_bucket_name", func(s Spec) (string, bool) { return s.S3BucketName, s.S3BucketName != "" }},
	{"CLOUDFRONT_DISTRIBUTION_ID", "cloudfront_distribution_id", func(s Spec) (string, bool) {
		return s.CloudFrontDistributionID, s.CloudFrontDistributionID != ""
	}},
}

// AutomaticEnvironment is the environment the module sets from the spec's variables,
// before environment_variables is merged over it.
func AutomaticEnvironment(s Spec) map[string]string {
	env := make(map[string]string, len(automaticEnvironment))
	for _, a := range automaticEnvironment {
		if v, ok := a.value(s); ok {
			env[a.name] = v
		}
	}
	return env
}

// AutomaticEnvironmentSource says where ecswiz takes the environment variable name
// from: the spec variable that sets it ("container_port" for PORT), or "" for one fixed
// by design (PYTHONUNBUFFERED, DATABASE_ENGINE). ok is false for a name ecswiz never
// sets; a name set only when its variable is (AWS_STORAGE_BUCKET_NAME) is reported
// whether or not it is set now.
func AutomaticEnvironmentSource(name string) (variable string, ok bool) {
	for _, a := range automaticEnvironment {
		if a.name == name {
			return a.variable, true
		}
	}
	return "", false
}

// requiredSecretPaths maps each required secret to its path under the parameter prefix.
var requiredSecretPaths = []SecretRef{
	{"DJANGO_SECRET_KEY", "/app/django-secret-key"},
	{"DATABASE_PASSWORD", "/database/password"},
	{"DATABASE_HOST", "/database/host"},
	{"DATABASE_NAME", "/database/name"},
	{"DATABASE_USER", "/database/username"},
	{"REDIS_HOST", "/redis/host"},
}

var twilioSecretPaths = []SecretRef{
	{"TWILIO_ACCOUNT_SID", "/third-party/twilio-account-sid"},
	{"TWILIO_AUTH_TOKEN", "/third-party/twilio-auth-token"},
	{"TWILIO_PHONE_NUMBER", "/third-party/twilio-phone-number"},
}

// RequiredSecrets are the secrets the module always adds (and Twilio's when enabled),
// with their parameter names under the spec's prefix.
func RequiredSecrets(s Spec) []SecretRef {
	paths := requiredSecretPaths
	if s.EnableTwilio {
		paths = append(slices.Clip(paths), twilioSecretPaths...)
	}
	prefix := s.ParameterPrefix()
	refs := make([]SecretRef, len(paths))
	for i, p := range paths {
		refs[i] = SecretRef{Name: p.Name, ValueFrom: prefix + p.ValueFrom}
	}
	return refs
}

// ContainerEnvironment is the container's whole environment: the automatic variables
// with environment_variables merged over them.
func ContainerEnvironment(s Spec) map[string]string {
	env := AutomaticEnvironment(s)
	maps.Copy(env, s.EnvironmentVariables)
	return env
}

// ContainerSecrets is the container's whole secret set: the required secrets with
// secrets_from_parameter_store merged over them, as env name → valueFrom.
func ContainerSecrets(s Spec) map[string]string {
	secrets := map[string]string{}
	for _, r := range RequiredSecrets(s) {
		secrets[r.Name] = r.ValueFrom
	}
	maps.Copy(secrets, s.SecretsFromParameterStore)
	return secrets
}

// Build turns a spec into the register-task-definition document. region is the
// awslogs region to use when the spec's aws_region is not set. Build does not
// validate: callers run Validate first.
func Build(s Spec, region string) (taskdef.TaskDefinition, error) {
	if s.AWSRegion != "" {
		region = s.AWSRegion
	}
	if region == "" {
		return taskdef.TaskDefinition{}, ErrNoRegion
	}

	c := taskdef.ContainerDefinition{
		Name:      s.ContainerName,
		Image:     s.ContainerImage,
		Essential: true,
		Command:   s.ContainerCommand,
		User:      s.ContainerUser,
		PortMappings: []taskdef.PortMapping{{
			ContainerPort: s.ContainerPort, HostPort: s.ContainerPort, Protocol: "tcp",
		}},
		ReadonlyRootFilesystem: s.ReadonlyRootFilesystem,
		LogConfiguration: &taskdef.LogConfiguration{
			LogDriver: LogDriver,
			Options: map[string]string{
				"awslogs-group":         s.LogGroupName,
				"awslogs-region":        region,
				"awslogs-stream-prefix": s.LogStreamPrefix,
			},
		},
	}
	env := ContainerEnvironment(s)
	for _, name := range slices.Sorted(maps.Keys(env)) {
		c.Environment = append(c.Environment, taskdef.KeyValuePair{Name: name, Value: env[name]})
	}
	secrets := ContainerSecrets(s)
	for _, name := range slices.Sorted(maps.Keys(secrets)) {
		c.Secrets = append(c.Secrets, taskdef.Secret{Name: name, ValueFrom: secrets[name]})
	}
	for _, m := range s.MountPoints {
		c.MountPoints = append(c.MountPoints, taskdef.MountPoint(m))
	}
	if s.EnableLinuxParameters {
		c.LinuxParameters = &taskdef.LinuxParameters{Capabilities: &taskdef.KernelCapabilities{
			Add:  nonNil(s.LinuxCapabilitiesAdd),
			Drop: nonNil(s.LinuxCapabilitiesDrop),
		}}
	}

	td := taskdef.TaskDefinition{
		Family:                  s.Family(),
		TaskRoleArn:             s.TaskRoleARN,
		ExecutionRoleArn:        s.ExecutionRoleARN,
		NetworkMode:             NetworkMode,
		ContainerDefinitions:    []taskdef.ContainerDefinition{c},
		RequiresCompatibilities: []string{LaunchType},
		CPU:                     s.TaskCPU,
		Memory:                  s.TaskMemory,
		RuntimePlatform: &taskdef.RuntimePlatform{
			CPUArchitecture:       s.CPUArchitecture,
			OperatingSystemFamily: OperatingSystemFamily,
		},
	}
	for _, v := range s.Volumes {
		td.Volumes = append(td.Volumes, buildVolume(v))
	}
	for _, k := range slices.Sorted(maps.Keys(s.Tags)) {
		td.Tags = append(td.Tags, taskdef.Tag{Key: k, Value: s.Tags[k]})
	}
	return td, nil
}

func buildVolume(v Volume) taskdef.Volume {
	out := taskdef.Volume{Name: v.Name}
	if v.EFS == nil {
		return out
	}
	out.EFSVolumeConfiguration = &taskdef.EFSVolumeConfiguration{
		FileSystemID:          v.EFS.FileSystemID,
		RootDirectory:         v.EFS.RootDirectory,
		TransitEncryption:     v.EFS.TransitEncryption,
		TransitEncryptionPort: v.EFS.TransitEncryptionPort,
	}
	if a := v.EFS.AuthorizationConfig; a != nil {
		out.EFSVolumeConfiguration.AuthorizationConfig = &taskdef.EFSAuthorizationConfig{
			AccessPointID: a.AccessPointID, IAM: a.IAM,
		}
	}
	return out
}

// RenderJSON encodes a task definition as indented JSON with a final newline. HTML
// characters stay as they are so values like "a&b" read naturally.
func RenderJSON(td taskdef.TaskDefinition) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(td); err != nil {
		panic("model: task definition does not encode: " + err.Error()) // only plain types inside
	}
	return buf.Bytes()
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
