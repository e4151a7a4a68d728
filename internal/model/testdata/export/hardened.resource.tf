resource "aws_ecs_task_definition" "this" {
  family                   = "backend-booking-staging"
  cpu                      = "1024"
  memory                   = "2048"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  execution_role_arn       = "arn:aws:iam::826601724385:role/backend-booking-staging-ecs-task-execution"
  task_role_arn            = "arn:aws:iam::826601724385:role/backend-booking-staging-ecs-task"

  container_definitions = jsonencode([
    {
      name      = "web"
      image     = "826601724385.dkr.ecr.eu-west-2.amazonaws.com/backend-booking@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"
      essential = true
      command   = ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
      user      = "1000:1000"
      portMappings = [
        { containerPort = 8000, hostPort = 8000, protocol = "tcp" },
      ]
      environment = [
        { name = "ALLOWED_HOSTS", value = "staging.example.com" },
        { name = "DATABASE_ENGINE", value = "django.db.backends.postgresql" },
        { name = "DEBUG", value = "false" },
        { name = "DJANGO_SETTINGS_MODULE", value = "config.settings.production" },
        { name = "ENVIRONMENT", value = "staging" },
        { name = "PORT", value = "8000" },
        { name = "PYTHONUNBUFFERED", value = "1" },
      ]
      secrets = [
        { name = "DATABASE_HOST", valueFrom = "/backend-booking/staging/database/host" },
        { name = "DATABASE_NAME", valueFrom = "/backend-booking/staging/database/name" },
        { name = "DATABASE_PASSWORD", valueFrom = "/backend-booking/staging/database/password" },
        { name = "DATABASE_USER", valueFrom = "/backend-booking/staging/database/username" },
        { name = "DJANGO_SECRET_KEY", valueFrom = "/backend-booking/staging/app/django-secret-key" },
        { name = "REDIS_HOST", valueFrom = "/backend-booking/staging/redis/host" },
      ]
      mountPoints = [
        { sourceVolume = "tmp", containerPath = "/tmp", readOnly = false },
        { sourceVolume = "media", containerPath = "/app/media", readOnly = false },
      ]
      readonlyRootFilesystem = true
      linuxParameters = {
        capabilities = {
          add  = []
          drop = ["ALL"]
        }
      }
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          "awslogs-group"         = "/ecs/backend-booking-staging"
          "awslogs-region"        = "eu-west-2"
          "awslogs-stream-prefix" = "ecs"
        }
      }
    },
  ])

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "ARM64"
  }

  volume {
    name = "tmp"
  }

  volume {
    name = "media"

    efs_volume_configuration {
      file_system_id     = "fs-0123456789abcdef0"
      transit_encryption = "ENABLED"

      authorization_config {
        access_point_id = "fsap-0123456789abcdef0"
        iam             = "ENABLED"
      }
    }
  }

  tags = {
    Environment = "staging"
    Project     = "Backend Booking"
  }
}
