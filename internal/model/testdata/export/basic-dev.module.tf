module "task_definition" {
  source = "./modules/ecs-task-definition"

  # Application
  app_name        = "backend-booking"
  environment     = "dev"
  container_name  = "backend-booking"
  container_image = "826601724385.dkr.ecr.eu-west-2.amazonaws.com/backend-booking-dev:latest"

  # Roles
  execution_role_arn = "arn:aws:iam::826601724385:role/backend-booking-dev-ecs-task-execution"
  task_role_arn      = "arn:aws:iam::826601724385:role/backend-booking-dev-ecs-task"

  # Logging
  log_group_name = "/ecs/backend-booking-dev"
  aws_region     = "eu-west-2"

  # Tags
  tags = {
    Environment = "dev"
    Project     = "Backend Booking"
  }
}
