module "task_definition" {
  source = "./modules/ecs-task-definition"

  # Application
  app_name        = "demo-shop"
  environment     = "dev"
  container_name  = "demo-shop"
  container_image = "123456789012.dkr.ecr.eu-west-2.amazonaws.com/demo-shop:1.4.2"

  # Roles
  execution_role_arn = "arn:aws:iam::123456789012:role/demo-shop-dev-ecs-task-execution"
  task_role_arn      = "arn:aws:iam::123456789012:role/demo-shop-dev-ecs-task"

  # Logging
  log_group_name = "/ecs/demo-shop-dev"
  aws_region     = "eu-west-2"

  # Django
  debug_mode = true

  # Integrations
  enable_twilio = true

  # Tags
  tags = {
    Application = "demo-shop"
    Environment = "dev"
    ManagedBy   = "ecswiz"
  }
}
