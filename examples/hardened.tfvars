# Every hardening variable, used the way Fargate accepts it.

app_name    = "backend-booking"
environment = "staging"

container_name  = "web"
container_image = "826601724385.dkr.ecr.eu-west-2.amazonaws.com/backend-booking@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"
container_port  = 8000

task_cpu         = "1024"
task_memory      = "2048"
cpu_architecture = "ARM64"

execution_role_arn = "arn:aws:iam::826601724385:role/backend-booking-staging-ecs-task-execution"
task_role_arn      = "arn:aws:iam::826601724385:role/backend-booking-staging-ecs-task"

log_group_name = "/ecs/backend-booking-staging"
aws_region     = "eu-west-2"

allowed_hosts = "staging.example.com"

container_command = ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]

# Read-only root, with writable scratch space where Django and gunicorn need it.
readonly_root_filesystem = true

# A non-root user: the port stays above 1024, since Fargate cannot grant
# NET_BIND_SERVICE.
container_user = "1000:1000"

# Drop every capability and add none back (Fargate only allows adding SYS_PTRACE).
enable_linux_parameters = true
linux_capabilities_drop = ["ALL"]
linux_capabilities_add  = []

volumes = [
  { name = "tmp" },
  {
    name = "media"
    efs_volume_configuration = {
      file_system_id     = "fs-0123456789abcdef0"
      transit_encryption = "ENABLED"
      authorization_config = {
        access_point_id = "fsap-0123456789abcdef0"
        iam             = "ENABLED"
      }
    }
  },
]

mount_points = [
  { sourceVolume = "tmp", containerPath = "/tmp", readOnly = false },
  { sourceVolume = "media", containerPath = "/app/media", readOnly = false },
]

tags = {
  Environment = "staging"
  Project     = "Backend Booking"
}
