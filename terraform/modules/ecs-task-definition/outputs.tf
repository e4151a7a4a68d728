output "task_definition_arn" {
  description = "Full ARN of the task definition, with its revision."
  value       = aws_ecs_task_definition.this.arn
}

output "task_definition_family" {
  description = "Task definition family, APP_NAME-ENVIRONMENT."
  value       = aws_ecs_task_definition.this.family
}

output "task_definition_revision" {
  description = "Revision number of the task definition."
  value       = aws_ecs_task_definition.this.revision
}

output "container_name" {
  description = "Container name, for the ECS service's load_balancer block."
  value       = var.container_name
}

output "container_port" {
  description = "Container port, for the load balancer's target group."
  value       = var.container_port
}
