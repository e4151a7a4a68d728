# The module's inputs. They are also the keys of the spec files ecswiz writes (NAME.tfvars),
# in the same order and with the same defaults: internal/model/variables.go holds the
# table and module_test.go keeps the two equal.
#
# A variable with a non-null default is not nullable: passing null gives the default,
# as it does in ecswiz.

# Application

variable "app_name" {
  description = "Application name; with environment it forms the family and the Parameter Store prefix."
  type        = string

  validation {
    condition     = length(regexall("^[A-Za-z0-9_-]+$", var.app_name)) > 0
    error_message = "app_name may only hold letters, digits, - and _: it is part of the task definition family."
  }
}

variable "environment" {
  description = "Environment name (dev, staging, prod, ...); sets ENVIRONMENT."
  type        = string

  validation {
    condition     = length(regexall("^[A-Za-z0-9_-]+$", var.environment)) > 0
    error_message = "environment may only hold letters, digits, - and _: it is part of the task definition family."
  }
}

variable "container_name" {
  description = "Name of the container."
  type        = string

  validation {
    condition     = length(regexall("^[A-Za-z0-9_-]{1,255}$", var.container_name)) > 0
    error_message = "container_name must be 1 to 255 letters, digits, - and _."
  }
}

variable "container_image" {
  description = "Image reference, e.g. ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO:TAG."
  type        = string
}

variable "container_port" {
  description = "Port the application listens on; sets PORT and the port mapping."
  type        = number
  default     = 8000
  nullable    = false

  validation {
    condition     = var.container_port >= 1 && var.container_port <= 65535 && floor(var.container_port) == var.container_port
    error_message = "container_port must be a whole number from 1 to 65535; Django apps usually listen on 8000."
  }
}

# Sizing

variable "task_cpu" {
  description = "Task CPU units (256, 512, 1024, 2048, 4096, 8192, 16384)."
  type        = string
  default     = "512"
  nullable    = false

  validation {
    condition     = contains(["256", "512", "1024", "2048", "4096", "8192", "16384"], var.task_cpu)
    error_message = "task_cpu must be a Fargate CPU size: 256, 512, 1024, 2048, 4096, 8192 or 16384 (Invalid 'cpu' setting for task)."
  }
}

variable "task_memory" {
  description = "Task memory in MiB; must be a Fargate size for task_cpu."
  type        = string
  default     = "1024"
  nullable    = false

  # Every Fargate memory size is a multiple of 512 MiB from 512 to 122880, written as AWS
  # stores it ("2048", not "2GB"). Whether it fits task_cpu is checked by a precondition
  # on the task definition: a validation cannot see another variable in Terraform 1.5.
  validation {
    condition     = contains([for mib in range(512, 122881, 512) : format("%d", mib)], var.task_memory)
    error_message = "task_memory must be whole MiB as AWS stores them, a multiple of 512 from 512 to 122880, e.g. \"2048\"."
  }
}

variable "cpu_architecture" {
  description = "CPU architecture: X86_64 or ARM64."
  type        = string
  default     = "X86_64"
  nullable    = false

  validation {
    condition     = contains(["X86_64", "ARM64"], var.cpu_architecture)
    error_message = "cpu_architecture must be X86_64 or ARM64."
  }
}

# Roles

variable "execution_role_arn" {
  description = "ARN of the task execution role (pulls the image, reads secrets, writes logs)."
  type        = string
}

variable "task_role_arn" {
  description = "ARN of the role the application runs as."
  type        = string
  default     = null
}

# Logging

variable "log_group_name" {
  description = "CloudWatch Logs group for the awslogs driver."
  type        = string
}

variable "log_stream_prefix" {
  description = "awslogs stream prefix; streams are PREFIX/CONTAINER/TASK_ID."
  type        = string
  default     = "ecs"
  nullable    = false
}

variable "aws_region" {
  description = "Region of the log group; null means the current region."
  type        = string
  default     = null
}

# Secrets

variable "parameter_store_prefix" {
  description = "Prefix of the required secrets; null means /APP_NAME/ENVIRONMENT."
  type        = string
  default     = null
}

# Django

variable "django_settings_module" {
  description = "Sets DJANGO_SETTINGS_MODULE."
  type        = string
  default     = "config.settings.production"
  nullable    = false
}

variable "allowed_hosts" {
  description = "Sets ALLOWED_HOSTS."
  type        = string
  default     = "*"
  nullable    = false
}

variable "debug_mode" {
  description = "Sets DEBUG to \"true\" or \"false\"."
  type        = bool
  default     = false
  nullable    = false
}

# Integrations

variable "enable_twilio" {
  description = "Adds the TWILIO_* secrets."
  type        = bool
  default     = false
  nullable    = false
}

variable "s3_bucket_name" {
  description = "Sets AWS_STORAGE_BUCKET_NAME when not empty."
  type        = string
  default     = ""
  nullable    = false
}

variable "cloudfront_distribution_id" {
  description = "Sets CLOUDFRONT_DISTRIBUTION_ID when not empty."
  type        = string
  default     = ""
  nullable    = false
}

# More environment and secrets

variable "environment_variables" {
  description = "More environment variables."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "secrets_from_parameter_store" {
  description = "More secrets: environment name to parameter name or ARN."
  type        = map(string)
  default     = {}
  nullable    = false
}

# Hardening

variable "readonly_root_filesystem" {
  description = "Makes the root filesystem read-only (mount a writable volume at /tmp)."
  type        = bool
  default     = false
  nullable    = false
}

variable "container_user" {
  description = "User to run as: user, user:group, uid, uid:gid, user:gid or uid:group."
  type        = string
  default     = null
}

variable "container_command" {
  description = "Overrides the image's command."
  type        = list(string)
  default     = null
}

variable "volumes" {
  description = "Task volumes: bind volumes (name only) or EFS (efs_volume_configuration)."
  type = list(object({
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
  }))
  default  = []
  nullable = false
}

variable "mount_points" {
  description = "Where volumes are mounted in the container."
  type = list(object({
    sourceVolume  = string
    containerPath = string
    readOnly      = optional(bool, false)
  }))
  default  = []
  nullable = false
}

variable "enable_linux_parameters" {
  description = "Writes linuxParameters.capabilities."
  type        = bool
  default     = false
  nullable    = false
}

variable "linux_capabilities_drop" {
  description = "Capabilities to drop, e.g. [\"ALL\"]."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "linux_capabilities_add" {
  description = "Capabilities to add; Fargate accepts only SYS_PTRACE."
  type        = list(string)
  default     = []
  nullable    = false

  # ECS refuses any other capability on Fargate, NET_BIND_SERVICE included: a non-root
  # user listens above 1023 instead.
  validation {
    condition     = length([for capability in var.linux_capabilities_add : capability if capability != "SYS_PTRACE"]) == 0
    error_message = "Fargate lets a task add only SYS_PTRACE to linux_capabilities_add; listen on a port above 1023 instead of adding NET_BIND_SERVICE."
  }
}

# Tags

variable "tags" {
  description = "Tags of the task definition."
  type        = map(string)
  default     = {}
  nullable    = false
}
