module "task_definition" {
  source = "./modules/ecs-task-definition"

  # Application
  app_name        = "backend-booking"
  environment     = "staging"
  container_name  = "web"
  container_image = "826601724385.dkr.ecr.eu-west-2.amazonaws.com/backend-booking@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"

  # Sizing
  task_cpu         = "1024"
  task_memory      = "2048"
  cpu_architecture = "ARM64"

  # Roles
  execution_role_arn = "arn:aws:iam::826601724385:role/backend-booking-staging-ecs-task-execution"
  task_role_arn      = "arn:aws:iam::826601724385:role/backend-booking-staging-ecs-task"

  # Logging
  log_group_name = "/ecs/backend-booking-staging"
  aws_region     = "eu-west-2"

  # Django
  allowed_hosts = "staging.example.com"

  # Hardening
  readonly_root_filesystem = true
  container_user           = "1000:1000"
  container_command        = ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
  volumes = [
    {
      name = "tmp"
    },
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
    {
      sourceVolume  = "tmp"
      containerPath = "/tmp"
    },
    {
      sourceVolume  = "media"
      containerPath = "/app/media"
    },
  ]
  enable_linux_parameters = true
  linux_capabilities_drop = ["ALL"]

  # Tags
  tags = {
    Environment = "staging"
    Project     = "Backend Booking"
  }
}
