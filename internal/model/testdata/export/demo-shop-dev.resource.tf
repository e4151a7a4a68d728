resource "aws_ecs_task_definition" "this" {
  family                   = "demo-shop-dev"
  cpu                      = "512"
  memory                   = "1024"
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  execution_role_arn       = "arn:aws:iam::123456789012:role/demo-shop-dev-ecs-task-execution"
  task_role_arn            = "arn:aws:iam::123456789012:role/demo-shop-dev-ecs-task"

  container_definitions = jsonencode([
    {
      name      = "demo-shop"
      image     = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/demo-shop:1.4.2"
      essential = true
      portMappings = [
        { containerPort = 8000, hostPort = 8000, protocol = "tcp" },
      ]
      environment = [
        { name = "ALLOWED_HOSTS", value = "*" },
        { name = "DATABASE_ENGINE", value = "django.db.backends.postgresql" },
        { name = "DEBUG", value = "true" },
        { name = "DJANGO_SETTINGS_MODULE", value = "config.settings.production" },
        { name = "ENVIRONMENT", value = "dev" },
        { name = "PORT", value = "8000" },
        { name = "PYTHONUNBUFFERED", value = "1" },
      ]
      secrets = [
        { name = "DATABASE_HOST", valueFrom = "/demo-shop/dev/database/host" },
        { name = "DATABASE_NAME", valueFrom = "/demo-shop/dev/database/name" },
        { name = "DATABASE_PASSWORD", valueFrom = "/demo-shop/dev/database/password" },
        { name = "DATABASE_USER", valueFrom = "/demo-shop/dev/database/username" },
        { name = "DJANGO_SECRET_KEY", valueFrom = "/demo-shop/dev/app/django-secret-key" },
        { name = "REDIS_HOST", valueFrom = "/demo-shop/dev/redis/host" },
        { name = "TWILIO_ACCOUNT_SID", valueFrom = "/demo-shop/dev/third-party/twilio-account-sid" },
        { name = "TWILIO_AUTH_TOKEN", valueFrom = "/demo-shop/dev/third-party/twilio-auth-token" },
        { name = "TWILIO_PHONE_NUMBER", valueFrom = "/demo-shop/dev/third-party/twilio-phone-number" },
      ]
      readonlyRootFilesystem = false
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          "awslogs-group"         = "/ecs/demo-shop-dev"
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
    Application = "demo-shop"
    Environment = "dev"
    ManagedBy   = "ecswiz"
  }
}
