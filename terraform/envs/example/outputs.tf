output "routing" {
  description = "Each region's routing as applied."
  value       = module.routing.routing
}

output "upload_records" {
  description = "Each region's upload hostname record."
  value       = module.routing.dns_records
}

output "tls_pins" {
  description = "Per region: who terminates TLS now and the pins clients must hold. Check it before every switch."
  value       = module.routing.tls_pins
}

output "load_balancers" {
  description = "Per region: the network load balancer's DNS name."
  value       = { for name, region in module.region : name => region.lb_dns_name }
}

output "accelerators" {
  description = "Per region with one: the Global Accelerator's DNS name and static addresses."
  value = {
    for name, region in module.region : name => {
      dns_name   = region.accelerator_dns_name
      static_ips = region.accelerator_static_ips
    } if region.accelerator_dns_name != null
  }
}

output "drain" {
  description = "Per region: shutdown grace, deregistration delay and stop timeout."
  value       = { for name, region in module.region : name => region.drain }
}

output "services" {
  description = "Per region: where its media-edge tasks run, for the aws CLI in the runbooks."
  value = {
    for name, region in module.region : name => {
      aws_region       = local.regions[name].aws_region
      cluster          = region.ecs_cluster_name
      service          = region.ecs_service_name
      target_group_arn = region.target_group_arn
    }
  }
}
