resource "aws_ecs_task_definition" "this" {
  family                   = "backend-booking-prod"
  cpu                      = "1024"
  memory                   = "2048"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  execution_role_arn       = "arn:aws:iam::826601724385:role/backend-booking-prod-ecs-task-execution"
  task_role_arn            = "arn:aws:iam::826601724385:role/backend-booking-prod-ecs-task"

  container_definitions = jsonencode([
    {
      name      = "backend-booking"
      image     = "826601724385.dkr.ecr.eu-west-2.amazonaws.com/backend-booking-prod:1.4.2"
      essential = true
      user      = "1000:1000"
      portMappings = [
        { containerPort = 8000, hostPort = 8000, protocol = "tcp" },
      ]
      environment = [
        { name = "ALLOWED_HOSTS", value = "api.example.com" },
        { name = "AWS_STORAGE_BUCKET_NAME", value = "my-static-bucket" },
        { name = "CELERY_BROKER_URL", value = "redis://redis.example.com:6379/0" },
        { name = "CLOUDFRONT_DISTRIBUTION_ID", value = "E1234567890ABC" },
        { name = "CORS_ALLOWED_ORIGINS", value = "https://example.com" },
        { name = "DATABASE_ENGINE", value = "django.db.backends.postgresql" },
        { name = "DEBUG", value = "false" },
        { name = "DJANGO_SETTINGS_MODULE", value = "config.settings.production" },
        { name = "ENVIRONMENT", value = "prod" },
        { name = "PORT", value = "8000" },
        { name = "PYTHONUNBUFFERED", value = "1" },
      ]
      secrets = [
        { name = "API_KEY", valueFrom = "/backend-booking/prod/app/api-key" },
        { name = "DATABASE_HOST", valueFrom = "/backend-booking/prod/database/host" },
        { name = "DATABASE_NAME", valueFrom = "/backend-booking/prod/database/name" },
        { name = "DATABASE_PASSWORD", valueFrom = "/backend-booking/prod/database/password" },
        { name = "DATABASE_USER", valueFrom = "/backend-booking/prod/database/username" },
        { name = "DJANGO_SECRET_KEY", valueFrom = "/backend-booking/prod/app/django-secret-key" },
        { name = "REDIS_HOST", valueFrom = "/backend-booking/prod/redis/host" },
        { name = "SENTRY_DSN", valueFrom = "/backend-booking/prod/app/sentry-dsn" },
        { name = "TWILIO_ACCOUNT_SID", valueFrom = "/backend-booking/prod/third-party/twilio-account-sid" },
        { name = "TWILIO_AUTH_TOKEN", valueFrom = "/backend-booking/prod/third-party/twilio-auth-token" },
        { name = "TWILIO_PHONE_NUMBER", valueFrom = "/backend-booking/prod/third-party/twilio-phone-number" },
      ]
      mountPoints = [
        { sourceVolume = "tmp", containerPath = "/tmp", readOnly = false },
      ]
      readonlyRootFilesystem = true
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          "awslogs-group"         = "/ecs/backend-booking-prod"
          "awslogs-region"        = "eu-west-2"
          "awslogs-stream-prefix" = "ecs"
        }
      }
    },
  ])

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  volume {
    name = "tmp"
  }

  tags = {
    Environment = "prod"
    Project     = "Backend Booking"
  }
}
