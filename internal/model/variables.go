package model

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// Variable is one input variable of the ecs-task-definition module. The table below is
// the single source of the spec's keys, types, defaults and order: the tfvars reader and
// writer, --set, the README's reference and the module's variables.tf all follow it.
type Variable struct {
	Name        string
	TypeExpr    string // as written in variables.tf
	DefaultExpr string // as written in variables.tf; "" when the variable is required
	Group       string // heading the tfvars writer puts above the first variable of a group
	Description string

	Type    cty.Type  // the type constraint, optional attributes marked
	Default cty.Value // null when required
}

// Required reports whether the module has no default for the variable.
func (v Variable) Required() bool { return v.DefaultExpr == "" }

const (
	volumeType = `list(object({
    name = string
    efs_volume_configuration = optional(object({
      file_system_id          = string
      root_directory          = optional(string)
      transit_encryption      = optional(string)
      transit_encryption_port = optional(number)
      authorization_config = optional(object({
        access_point_id = optional(string)
        iam             = optional(string)
      }))
    }))
  }))`
	mountPointType = `list(object({
    sourceVolume  = string
    containerPath = string
    readOnly      = optional(bool, false)
  }))`
)

var variables = mustVariables([]Variable{
	{Name: "app_name", TypeExpr: "string", Group: "Application",
		Description: "Application name; with environment it forms the family and the Parameter Store prefix."},
	{Name: "environment", TypeExpr: "string",
		Description: "Environment name (dev, staging, prod, ...); sets ENVIRONMENT."},
	{Name: "container_name", TypeExpr: "string",
		Description: "Name of the container."},
	{Name: "container_image", TypeExpr: "string",
		Description: "Image reference, e.g. ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO:TAG."},
	{Name: "container_port", TypeExpr: "number", DefaultExpr: "8000",
		Description: "Port the application listens on; sets PORT and the port mapping."},

	{Name: "task_cpu", TypeExpr: "string", DefaultExpr: `"512"`, Group: "Sizing",
		Description: "Task CPU units (256, 512, 1024, 2048, 4096, 8192, 16384)."},
	{Name: "task_memory", TypeExpr: "string", DefaultExpr: `"1024"`,
		Description: "Task memory in MiB; must be a Fargate size for task_cpu."},
	{Name: "cpu_architecture", TypeExpr: "string", DefaultExpr: `"X86_64"`,
		Description: "CPU architecture: X86_64 or ARM64."},

	{Name: "execution_role_arn", TypeExpr: "string", Group: "Roles",
		Description: "ARN of the task execution role (pulls the image, reads secrets, writes logs)."},
	{Name: "task_role_arn", TypeExpr: "string", DefaultExpr: "null",
		Description: "ARN of the role the application runs as."},

	{Name: "log_group_name", TypeExpr: "string", Group: "Logging",
		Description: "CloudWatch Logs group for the awslogs driver."},
	{Name: "log_stream_prefix", TypeExpr: "string", DefaultExpr: `"ecs"`,
		Description: "awslogs stream prefix; streams are PREFIX/CONTAINER/TASK_ID."},
	{Name: "aws_region", TypeExpr: "string", DefaultExpr: "null",
		Description: "Region of the log group; null means the current region."},

	{Name: "parameter_store_prefix", TypeExpr: "string", DefaultExpr: "null", Group: "Secrets",
		Description: "Prefix of the required secrets; null means /APP_NAME/ENVIRONMENT."},

	{Name: "django_settings_module", TypeExpr: "string", DefaultExpr: `"config.settings.production"`, Group: "Django",
		Description: "Sets DJANGO_SETTINGS_MODULE."},
	{Name: "allowed_hosts", TypeExpr: "string", DefaultExpr: `"*"`,
		Description: "Sets ALLOWED_HOSTS."},
	{Name: "debug_mode", TypeExpr: "bool", DefaultExpr: "false",
		Description: `Sets DEBUG to "true" or "false".`},

	{Name: "enable_twilio", TypeExpr: "bool", DefaultExpr: "false", Group: "Integrations",
		Description: "Adds the TWILIO_* secrets."},
	{Name: "s3_bucket_name", TypeExpr: "string", DefaultExpr: `""`,
		Description: "Sets AWS_STORAGE_BUCKET_NAME when not empty."},
	{Name: "cloudfront_distribution_id", TypeExpr: "string", DefaultExpr: `""`,
		Description: "Sets CLOUDFRONT_DISTRIBUTION_ID when not empty."},

	{Name: "environment_variables", TypeExpr: "map(string)", DefaultExpr: "{}", Group: "More environment and secrets",
		Description: "More environment variables."},
	{Name: "secrets_from_parameter_store", TypeExpr: "map(string)", DefaultExpr: "{}",
		Description: "More secrets: environment name to parameter name or ARN."},

	{Name: "readonly_root_filesystem", TypeExpr: "bool", DefaultExpr: "false", Group: "Hardening",
		Description: "Makes the root filesystem read-only (mount a writable volume at /tmp)."},
	{Name: "container_user", TypeExpr: "string", DefaultExpr: "null",
		Description: "User to run as: user, user:group, uid, uid:gid, user:gid or uid:group."},
	{Name: "container_command", TypeExpr: "list(string)", DefaultExpr: "null",
		Description: "Overrides the image's command."},
	{Name: "volumes", TypeExpr: volumeType, DefaultExpr: "[]",
		Description: "Task volumes: bind volumes (name only) or EFS (efs_volume_configuration)."},
	{Name: "mount_points", TypeExpr: mountPointType, DefaultExpr: "[]",
		Description: "Where volumes are mounted in the container."},
	{Name: "enable_linux_parameters", TypeExpr: "bool", DefaultExpr: "false",
		Description: "Writes linuxParameters.capabilities."},
	{Name: "linux_capabilities_drop", TypeExpr: "list(string)", DefaultExpr: "[]",
		Description: `Capabilities to drop, e.g. ["ALL"].`},
	{Name: "linux_capabilities_add", TypeExpr: "list(string)", DefaultExpr: "[]",
		Description: "Capabilities to add; Fargate accepts only SYS_PTRACE."},

	{Name: "tags", TypeExpr: "map(string)", DefaultExpr: "{}", Group: "Tags",
		Description: "Tags of the task definition."},
})

// Variables returns the module's input variables in their canonical order.
func Variables() []Variable { return append([]Variable(nil), variables...) }

// LookupVariable finds a variable by name.
func LookupVariable(name string) (Variable, bool) {
	for _, v := range variables {
		if v.Name == name {
			return v, true
		}
	}
	return Variable{}, false
}

// SpecType is the cty object type of a whole spec.
func SpecType() cty.Type { return specType }

var specType = func() cty.Type {
	attrs := make(map[string]cty.Type, len(variables))
	for _, v := range variables {
		attrs[v.Name] = v.Type.WithoutOptionalAttributesDeep()
	}
	return cty.Object(attrs)
}()

// defaultsValue is the spec object with every variable at its default.
func defaultsValue() cty.Value {
	attrs := make(map[string]cty.Value, len(variables))
	for _, v := range variables {
		attrs[v.Name] = v.Default
	}
	return cty.ObjectVal(attrs)
}

func mustVariables(vars []Variable) []Variable {
	for i := range vars {
		v := &vars[i]
		expr, diags := hclsyntax.ParseExpression([]byte(v.TypeExpr), v.Name, hcl.InitialPos)
		if diags.HasErrors() {
			panic(fmt.Sprintf("model: type of %s: %s", v.Name, diags.Error()))
		}
		// optional(T, default) defaults need no applying here: nullsToZero gives the
		// same zero values when a spec is decoded.
		ty, _, diags := typeexpr.TypeConstraintWithDefaults(expr)
		if diags.HasErrors() {
			panic(fmt.Sprintf("model: type of %s: %s", v.Name, diags.Error()))
		}
		v.Type = ty
		v.Default = cty.NullVal(ty.WithoutOptionalAttributesDeep())
		if v.DefaultExpr != "" {
			expr, diags := hclsyntax.ParseExpression([]byte(v.DefaultExpr), v.Name, hcl.InitialPos)
			if diags.HasErrors() {
				panic(fmt.Sprintf("model: default of %s: %s", v.Name, diags.Error()))
			}
			val, diags := expr.Value(nil)
			if diags.HasErrors() {
				panic(fmt.Sprintf("model: default of %s: %s", v.Name, diags.Error()))
			}
			if val, err := convert.Convert(val, ty); err != nil {
				panic(fmt.Sprintf("model: default of %s: %v", v.Name, err))
			} else {
				v.Default = val
			}
		}
	}
	return vars
}
