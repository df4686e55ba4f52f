output "lb_dns_name" {
  description = "The network load balancer's DNS name: the target of the region's record in proxied and direct mode (modules/routing's lb_dns_name)."
  value       = aws_lb.media_edge.dns_name
}

output "lb_zone_id" {
  description = "The load balancer's hosted zone, for alias records outside Cloudflare."
  value       = aws_lb.media_edge.zone_id
}

output "accelerator_dns_name" {
  description = "The Global Accelerator's DNS name (modules/routing's accelerator_dns_name), or null without one."
  value       = var.accelerator_enabled ? aws_globalaccelerator_accelerator.media_edge[0].dns_name : null
}

output "accelerator_static_ips" {
  description = "The accelerator's two static addresses (for clients or partners that allow-list IPs), or an empty list."
  value       = var.accelerator_enabled ? flatten([for set in aws_globalaccelerator_accelerator.media_edge[0].ip_sets : set.ip_addresses]) : []
}

output "bucket_name" {
  description = "The region's media bucket."
  value       = aws_s3_bucket.media.bucket
}

output "bucket_arn" {
  description = "The region's media bucket ARN."
  value       = aws_s3_bucket.media.arn
}

output "task_role_arn" {
  description = "The role media-edge runs with (its bucket only)."
  value       = aws_iam_role.media_edge_task.arn
}

output "ecs_cluster_name" {
  description = "The region's ECS cluster."
  value       = aws_ecs_cluster.media_edge.name
}

output "ecs_service_name" {
  description = "The media-edge service in that cluster."
  value       = aws_ecs_service.media_edge.name
}

output "target_group_arn" {
  description = "The target group of media-edge's tasks (to watch a drain: aws elbv2 describe-target-health)."
  value       = aws_lb_target_group.media_edge.arn
}

output "drain" {
  description = "The drain timings this region runs with: media-edge's grace, the load balancer's deregistration delay, ECS's stop timeout (seconds)."
  value = {
    shutdown_grace_seconds       = var.shutdown_grace_seconds
    deregistration_delay_seconds = local.deregistration_delay_seconds
    stop_timeout_seconds         = local.stop_timeout_seconds
  }
}
