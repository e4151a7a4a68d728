# The seed README's basic example: a Django app in dev on the recommended dev size.

app_name    = "backend-booking"
environment = "dev"

container_name  = "backend-booking"
container_image = "826601724385.dkr.ecr.eu-west-2.amazonaws.com/backend-booking-dev:latest"
container_port  = 8000

task_cpu    = "512"
task_memory = "1024"

execution_role_arn = "arn:aws:iam::826601724385:role/backend-booking-dev-ecs-task-execution"
task_role_arn      = "arn:aws:iam::826601724385:role/backend-booking-dev-ecs-task"

log_group_name = "/ecs/backend-booking-dev"
aws_region     = "eu-west-2"

django_settings_module = "config.settings.production"
allowed_hosts          = "*"
debug_mode             = false

tags = {
  Environment = "dev"
  Project     = "Backend Booking"
}
