resource "aws_ecs_task_definition" "this" {
  family                   = "backend-booking-dev"
  cpu                      = "512"
  memory                   = "1024"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  execution_role_arn       = "arn:aws:iam::826601724385:role/backend-booking-dev-ecs-task-execution"
  task_role_arn            = "arn:aws:iam::826601724385:role/backend-booking-dev-ecs-task"

  container_definitions = jsonencode([
    {
      name      = "backend-booking"
      image     = "826601724385.dkr.ecr.eu-west-2.amazonaws.com/backend-booking-dev:latest"
      essential = true
      portMappings = [
        { containerPort = 8000, hostPort = 8000, protocol = "tcp" },
      ]
      environment = [
        { name = "ALLOWED_HOSTS", value = "*" },
        { name = "DATABASE_ENGINE", value = "django.db.backends.postgresql" },
        { name = "DEBUG", value = "false" },
        { name = "DJANGO_SETTINGS_MODULE", value = "config.settings.production" },
        { name = "ENVIRONMENT", value = "dev" },
        { name = "PORT", value = "8000" },
        { name = "PYTHONUNBUFFERED", value = "1" },
      ]
      secrets = [
        { name = "DATABASE_HOST", valueFrom = "/backend-booking/dev/database/host" },
        { name = "DATABASE_NAME", valueFrom = "/backend-booking/dev/database/name" },
        { name = "DATABASE_PASSWORD", valueFrom = "/backend-booking/dev/database/password" },
        { name = "DATABASE_USER", valueFrom = "/backend-booking/dev/database/username" },
        { name = "DJANGO_SECRET_KEY", valueFrom = "/backend-booking/dev/app/django-secret-key" },
        { name = "REDIS_HOST", valueFrom = "/backend-booking/dev/redis/host" },
      ]
      readonlyRootFilesystem = false
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          "awslogs-group"         = "/ecs/backend-booking-dev"
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

  tags = {
    Environment = "dev"
    Project     = "Backend Booking"
  }
}
