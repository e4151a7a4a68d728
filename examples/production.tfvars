# The seed README's production example with every feature. One addition: the seed makes
# the root filesystem read-only, and Django and gunicorn need a writable /tmp, so a bind
# volume is mounted there.

app_name    = "backend-booking"
environment = "prod"

container_name  = "backend-booking"
container_image = "826601724385.dkr.ecr.eu-west-2.amazonaws.com/backend-booking-prod:1.4.2"
container_port  = 8000

task_cpu    = "1024"
task_memory = "2048"

execution_role_arn = "arn:aws:iam::826601724385:role/backend-booking-prod-ecs-task-execution"
task_role_arn      = "arn:aws:iam::826601724385:role/backend-booking-prod-ecs-task"

log_group_name = "/ecs/backend-booking-prod"
aws_region     = "eu-west-2"

django_settings_module = "config.settings.production"
allowed_hosts          = "api.example.com"
debug_mode             = false

enable_twilio              = true
s3_bucket_name             = "my-static-bucket"
cloudfront_distribution_id = "E1234567890ABC"

environment_variables = {
  "CORS_ALLOWED_ORIGINS" = "https://example.com"
  "CELERY_BROKER_URL"    = "redis://redis.example.com:6379/0"
}

secrets_from_parameter_store = {
  "SENTRY_DSN" = "/backend-booking/prod/app/sentry-dsn"
  "API_KEY"    = "/backend-booking/prod/app/api-key"
}

readonly_root_filesystem = true
container_user           = "1000:1000"

volumes = [{ name = "tmp" }]
mount_points = [{
  sourceVolume  = "tmp"
  containerPath = "/tmp"
  readOnly      = false
}]

tags = {
  Environment = "prod"
  Project     = "Backend Booking"
}
