// Package model is the domain of ecswiz: the spec (a tfvars file whose keys are the
// module's input variables), the Fargate sizing rules, validation, the task-definition
// builder and its renderers. It is pure: no AWS SDK, no terminal, no files beyond the
// bytes it is handed.
package model

import (
	"fmt"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/gocty"
)

// Spec holds every answer ecswiz needs. The cty tags are the module's variable names,
// so a Spec converts to and from tfvars without a hand-written mapping. An empty
// string or nil collection means "not set": the variable's default applies.
type Spec struct {
	AppName        string `cty:"app_name"`
	Environment    string `cty:"environment"`
	ContainerName  string `cty:"container_name"`
	ContainerImage string `cty:"container_image"`
	ContainerPort  int    `cty:"container_port"`

	TaskCPU         string `cty:"task_cpu"`
	TaskMemory      string `cty:"task_memory"`
	CPUArchitecture string `cty:"cpu_architecture"`

	ExecutionRoleARN string `cty:"execution_role_arn"`
	TaskRoleARN      string `cty:"task_role_arn"`

	LogGroupName    string `cty:"log_group_name"`
	LogStreamPrefix string `cty:"log_stream_prefix"`
	AWSRegion       string `cty:"aws_region"`

	ParameterStorePrefix string `cty:"parameter_store_prefix"`

	DjangoSettingsModule string `cty:"django_settings_module"`
	AllowedHosts         string `cty:"allowed_hosts"`
	DebugMode            bool   `cty:"debug_mode"`

	EnableTwilio             bool   `cty:"enable_twilio"`
	S3BucketName             string `cty:"s3_bucket_name"`
	CloudFrontDistributionID string `cty:"cloudfront_distribution_id"`

	EnvironmentVariables      map[string]string `cty:"environment_variables"`
	SecretsFromParameterStore map[string]string `cty:"secrets_from_parameter_store"`

	ReadonlyRootFilesystem bool         `cty:"readonly_root_filesystem"`
	ContainerUser          string       `cty:"container_user"`
	ContainerCommand       []string     `cty:"container_command"`
	Volumes                []Volume     `cty:"volumes"`
	MountPoints            []MountPoint `cty:"mount_points"`
	EnableLinuxParameters  bool         `cty:"enable_linux_parameters"`
	LinuxCapabilitiesDrop  []string     `cty:"linux_capabilities_drop"`
	LinuxCapabilitiesAdd   []string     `cty:"linux_capabilities_add"`

	Tags map[string]string `cty:"tags"`
}

// Volume is a task volume: a bind volume on the task's ephemeral storage when EFS is
// nil, else an EFS file system.
type Volume struct {
	Name string     `cty:"name"`
	EFS  *EFSVolume `cty:"efs_volume_configuration"`
}

// EFSVolume mirrors the aws_ecs_task_definition efs_volume_configuration block.
type EFSVolume struct {
	FileSystemID          string            `cty:"file_system_id"`
	RootDirectory         string            `cty:"root_directory"`
	TransitEncryption     string            `cty:"transit_encryption"`
	TransitEncryptionPort int               `cty:"transit_encryption_port"`
	AuthorizationConfig   *EFSAuthorization `cty:"authorization_config"`
}

// EFSAuthorization is the access point and IAM setting of an EFS volume.
type EFSAuthorization struct {
	AccessPointID string `cty:"access_point_id"`
	IAM           string `cty:"iam"`
}

// MountPoint keeps the seed's camelCase keys, which are also the ECS API's.
type MountPoint struct {
	SourceVolume  string `cty:"sourceVolume"`
	ContainerPath string `cty:"containerPath"`
	ReadOnly      bool   `cty:"readOnly"`
}

// Family is the task definition family, `${app_name}-${environment}`.
func (s Spec) Family() string { return s.AppName + "-" + s.Environment }

// ParameterPrefix is the Parameter Store prefix of the required secrets.
func (s Spec) ParameterPrefix() string {
	if s.ParameterStorePrefix != "" {
		return s.ParameterStorePrefix
	}
	return "/" + s.AppName + "/" + s.Environment
}

// NewSpec returns a spec holding every default and nothing else.
func NewSpec() Spec {
	spec, err := specFromValue(defaultsValue())
	if err != nil {
		panic(fmt.Sprintf("model: defaults do not fit the spec type: %v", err)) // a bug in the variables table
	}
	return spec
}

// specValue converts a spec into the cty object the tfvars readers and writers use.
func specValue(s Spec) cty.Value {
	v, err := gocty.ToCtyValue(s, SpecType())
	if err != nil {
		panic(fmt.Sprintf("model: spec does not fit its own type: %v", err)) // a bug in the struct tags
	}
	return v
}

// specFromValue fills a Spec from an object of SpecType. Null primitives become zero
// values first: in a spec "not set" and "empty" are the same thing.
func specFromValue(v cty.Value) (Spec, error) {
	var s Spec
	err := gocty.FromCtyValue(nullsToZero(v), &s)
	return s, err
}

// nullsToZero replaces null strings, numbers and bools anywhere in v with their zero
// value. Null objects stay null: they decode to nil pointers.
func nullsToZero(v cty.Value) cty.Value {
	ty := v.Type()
	if v.IsNull() {
		switch ty {
		case cty.String:
			return cty.StringVal("")
		case cty.Number:
			return cty.Zero
		case cty.Bool:
			return cty.False
		}
		return v
	}
	switch {
	case ty.IsObjectType():
		attrs := make(map[string]cty.Value, len(ty.AttributeTypes()))
		for name := range ty.AttributeTypes() {
			attrs[name] = nullsToZero(v.GetAttr(name))
		}
		return cty.ObjectVal(attrs)
	case ty.IsListType():
		if v.LengthInt() == 0 {
			return v
		}
		elems := make([]cty.Value, 0, v.LengthInt())
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			elems = append(elems, nullsToZero(e))
		}
		return cty.ListVal(elems)
	case ty.IsMapType():
		if v.LengthInt() == 0 {
			return v
		}
		elems := make(map[string]cty.Value, v.LengthInt())
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			elems[k.AsString()] = nullsToZero(e)
		}
		return cty.MapVal(elems)
	}
	return v
}
