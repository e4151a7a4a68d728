module "task_definition" {
  source = "./modules/ecs-task-definition"

  # Application
  app_name        = "backend-booking"
  environment     = "prod"
  container_name  = "backend-booking"
  container_image = "826601724385.dkr.ecr.eu-west-2.amazonaws.com/backend-booking-prod:1.4.2"

  # Sizing
  task_cpu    = "1024"
  task_memory = "2048"

  # Roles
  execution_role_arn = "arn:aws:iam::826601724385:role/backend-booking-prod-ecs-task-execution"
  task_role_arn      = "arn:aws:iam::826601724385:role/backend-booking-prod-ecs-task"

  # Logging
  log_group_name = "/ecs/backend-booking-prod"
  aws_region     = "eu-west-2"

  # Django
  allowed_hosts = "api.example.com"

  # Integrations
  enable_twilio              = true
  s3_bucket_name             = "my-static-bucket"
  cloudfront_distribution_id = "E1234567890ABC"

  # More environment and secrets
  environment_variables = {
    CELERY_BROKER_URL    = "redis://redis.example.com:6379/0"
    CORS_ALLOWED_ORIGINS = "https://example.com"
  }
  secrets_from_parameter_store = {
    API_KEY    = "/backend-booking/prod/app/api-key"
    SENTRY_DSN = "/backend-booking/prod/app/sentry-dsn"
  }

  # Hardening
  readonly_root_filesystem = true
  container_user           = "1000:1000"
  volumes = [
    {
      name = "tmp"
    },
  ]
  mount_points = [
    {
      sourceVolume  = "tmp"
      containerPath = "/tmp"
    },
  ]

  # Tags
  tags = {
    Environment = "prod"
    Project     = "Backend Booking"
  }
}
