output "routing" {
  description = "Each region's routing mode, for reviewers reading a plan."
  value       = { for name, r in var.regions : name => r.routing }
}

output "dns_records" {
  description = "Per region, the one record of its upload hostname (for cloudflare_dns_record: name, type, content, proxied, ttl, comment). Keyed by region so a switch updates one record in place."
  value       = local.upload_records
}

output "direct_dns_records" {
  description = "Per region that has a direct_hostname: its always-DNS-only record to the load balancer."
  value       = local.direct_records
}

output "tls_pins" {
  description = "Per region: who terminates TLS for its hostname in the current mode, the pins clients are shown, and the pins a pinning client must hold."
  value       = local.tls_pins
}

output "media_edge_cdn_pins" {
  description = "Per region, the value of media-edge's pins.cdnPins ({hostname = Cloudflare pins}) for every hostname whose Cloudflare pins are known, proxied or not yet: the signed pin document then announces them before a switch to proxied."
  value = {
    for name, r in var.regions : name => (length(r.cloudflare_edge_pins) > 0 ? { (r.hostname) = r.cloudflare_edge_pins } : {})
  }
}
