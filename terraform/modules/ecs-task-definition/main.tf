# The task definition of a Django application on Fargate. Every value here follows
# model.Build in ecswiz (internal/model/build.go); module_test.go evaluates this file
# and compares the result with Build's, field by field.
#
# Only functions that both Terraform and go-cty's stdlib provide are used, so that the
# test can evaluate the file: no coalesce (Terraform's also skips "", go-cty's does not),
# no templatefile, no try or can.

# The current region, read only when aws_region is not given.
data "aws_region" "current" {
  count = var.aws_region == null || var.aws_region == "" ? 1 : 0
}

locals {
  family           = "${var.app_name}-${var.environment}"
  region           = var.aws_region == null || var.aws_region == "" ? data.aws_region.current[0].name : var.aws_region
  parameter_prefix = var.parameter_store_prefix == null || var.parameter_store_prefix == "" ? "/${var.app_name}/${var.environment}" : var.parameter_store_prefix

  # Fargate (Linux) task sizes: CPU units to the memory sizes in MiB that go with them,
  # 74 pairs. 8192 and 16384 CPU need platform version 1.4.0 or later.
  fargate_memories = {
    "256"   = ["512", "1024", "2048"]
    "512"   = [for mib in range(1024, 4097, 1024) : format("%d", mib)]
    "1024"  = [for mib in range(2048, 8193, 1024) : format("%d", mib)]
    "2048"  = [for mib in range(4096, 16385, 1024) : format("%d", mib)]
    "4096"  = [for mib in range(8192, 30721, 1024) : format("%d", mib)]
    "8192"  = [for mib in range(16384, 61441, 4096) : format("%d", mib)]
    "16384" = [for mib in range(32768, 122881, 8192) : format("%d", mib)]
  }

  # The environment the module derives from its variables; environment_variables is
  # merged over it, so a name given there wins.
  automatic_environment = merge(
    {
      DJANGO_SETTINGS_MODULE = var.django_settings_module
      ENVIRONMENT            = var.environment
      PORT                   = format("%d", var.container_port) # "${var.container_port}" would stay a number
      ALLOWED_HOSTS          = var.allowed_hosts
      DEBUG                  = var.debug_mode ? "true" : "false"
      PYTHONUNBUFFERED       = "1"
      DATABASE_ENGINE        = "django.db.backends.postgresql"
    },
    {
      for name, value in {
        AWS_STORAGE_BUCKET_NAME    = var.s3_bucket_name
        CLOUDFRONT_DISTRIBUTION_ID = var.cloudfront_distribution_id
      } : name => value if value != ""
    },
  )
  environment = merge(local.automatic_environment, var.environment_variables)

  # The required secrets, as paths under the parameter prefix; secrets_from_parameter_store
  # is merged over them. valueFrom is the parameter name (same Region and account) or
  # the ARN, exactly as given.
  required_secret_paths = merge(
    {
      DJANGO_SECRET_KEY = "/app/django-secret-key"
      DATABASE_PASSWORD = "/database/password"
      DATABASE_HOST     = "/database/host"
      DATABASE_NAME     = "/database/name"
      DATABASE_USER     = "/database/username"
      REDIS_HOST        = "/redis/host"
    },
    var.enable_twilio ? {
      TWILIO_ACCOUNT_SID  = "/third-party/twilio-account-sid"
      TWILIO_AUTH_TOKEN   = "/third-party/twilio-auth-token"
      TWILIO_PHONE_NUMBER = "/third-party/twilio-phone-number"
    } : {},
  )
  secrets = merge(
    { for name, path in local.required_secret_paths : name => "${local.parameter_prefix}${path}" },
    var.secrets_from_parameter_store,
  )

  command = var.container_command == null ? [] : var.container_command
  user    = var.container_user == null ? "" : var.container_user

  # The container as register-task-definition takes it. A null field is left out, as
  # Build leaves out an unset one; capabilities.add is written even when empty, since
  # AWS stores it that way and a plan would otherwise never be clean.
  container_definition = {
    for field, value in {
      name      = var.container_name
      image     = var.container_image
      essential = true
      command   = length(local.command) > 0 ? local.command : null
      user      = local.user != "" ? local.user : null
      portMappings = [{
        containerPort = var.container_port
        hostPort      = var.container_port
        protocol      = "tcp"
      }]
      environment = [for name in sort(keys(local.environment)) : { name = name, value = local.environment[name] }]
      secrets     = [for name in sort(keys(local.secrets)) : { name = name, valueFrom = local.secrets[name] }]
      mountPoints = length(var.mount_points) > 0 ? [
        for mount in var.mount_points : {
          sourceVolume  = mount.sourceVolume
          containerPath = mount.containerPath
          readOnly      = mount.readOnly
        }
      ] : null
      readonlyRootFilesystem = var.readonly_root_filesystem
      linuxParameters = var.enable_linux_parameters ? {
        capabilities = {
          add  = var.linux_capabilities_add
          drop = var.linux_capabilities_drop
        }
      } : null
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          "awslogs-group"         = var.log_group_name
          "awslogs-region"        = local.region
          "awslogs-stream-prefix" = var.log_stream_prefix
        }
      }
    } : field => value if value != null
  }
}

resource "aws_ecs_task_definition" "this" {
  family                   = local.family
  cpu                      = var.task_cpu
  memory                   = var.task_memory
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  execution_role_arn       = var.execution_role_arn
  task_role_arn            = var.task_role_arn
  container_definitions    = jsonencode([local.container_definition])

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  # A volume without efs_volume_configuration is a bind volume on the task's ephemeral
  # storage: what a read-only root needs at /tmp.
  dynamic "volume" {
    for_each = var.volumes
    content {
      name = volume.value.name

      dynamic "efs_volume_configuration" {
        for_each = volume.value.efs_volume_configuration == null ? [] : [volume.value.efs_volume_configuration]
        content {
          file_system_id          = efs_volume_configuration.value.file_system_id
          root_directory          = efs_volume_configuration.value.root_directory
          transit_encryption      = efs_volume_configuration.value.transit_encryption
          transit_encryption_port = efs_volume_configuration.value.transit_encryption_port

          dynamic "authorization_config" {
            for_each = efs_volume_configuration.value.authorization_config == null ? [] : [efs_volume_configuration.value.authorization_config]
            content {
              access_point_id = authorization_config.value.access_point_id
              iam             = authorization_config.value.iam
            }
          }
        }
      }
    }
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = contains(lookup(local.fargate_memories, var.task_cpu, []), var.task_memory)
      error_message = "task_memory ${var.task_memory} is not a Fargate size for task_cpu ${var.task_cpu} (No Fargate configuration exists for given values); with ${var.task_cpu} CPU use one of: ${join(", ", lookup(local.fargate_memories, var.task_cpu, []))}."
    }
    precondition {
      condition     = length(regexall("^[A-Za-z0-9_-]{1,255}$", local.family)) > 0
      error_message = "The family ${local.family} is longer than the 255 characters ECS allows: shorten app_name or environment."
    }
  }
}
