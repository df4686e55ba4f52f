variable "regions" {
  description = <<-EOT
    Per region (the map key names it, e.g. "eu-west"): how its upload hostname is routed and what
    each routing needs. routing is "proxied" (Cloudflare proxies to the region's load balancer),
    "direct" (DNS-only, clients connect to the load balancer) or "accelerator" (DNS-only, a CNAME to
    an AWS Global Accelerator in front of the load balancer).
  EOT
  type = map(object({
    routing  = string
    hostname = string
    # The region's network load balancer, e.g. media-edge-eu-west-0123.elb.eu-west-1.amazonaws.com.
    lb_dns_name = string
    # Needed only in accelerator mode; an accelerator can be kept warm while unused.
    accelerator_dns_name = optional(string)
    # TTL of the DNS-only record (direct and accelerator): how long resolvers keep the old answer
    # after a switch away from it. Proxied records always get 1 (Cloudflare's "automatic").
    dns_ttl = optional(number, 60)
    # A second hostname that always resolves straight to the load balancer (DNS-only), whatever
    # routing says: the host that conf/routes.yaml rules and steering.alternativeHost send troubled
    # networks to (e.g. upload-direct-eu.example.com). Null: none.
    direct_hostname = optional(string)
    # SPKI pins (sha256/<base64>) of the certificates media-edge serves for hostname.
    media_edge_pins = list(string)
    # Pins of Cloudflare's edge certificate for hostname. Required to route it proxied; give them
    # ahead of a switch so media-edge announces them (pins.cdnPins) before clients meet them.
    cloudflare_edge_pins = optional(list(string), [])
  }))

  validation {
    condition     = length(var.regions) > 0
    error_message = "regions is empty: give at least one region."
  }

  validation {
    condition     = alltrue([for r in var.regions : contains(["proxied", "direct", "accelerator"], r.routing)])
    error_message = "Unknown routing for ${join(", ", [for name, r in var.regions : "${name} (\"${r.routing}\")" if !contains(["proxied", "direct", "accelerator"], r.routing)])}: routing must be \"proxied\", \"direct\" or \"accelerator\"."
  }

  validation {
    condition     = alltrue([for r in var.regions : r.routing != "accelerator" || try(length(r.accelerator_dns_name) > 0, false)])
    error_message = "Routing \"accelerator\" needs accelerator_dns_name, missing for ${join(", ", [for name, r in var.regions : name if r.routing == "accelerator" && !try(length(r.accelerator_dns_name) > 0, false)])}: create the region's Global Accelerator first (modules/region, accelerator_enabled = true)."
  }

  validation {
    condition     = alltrue([for r in var.regions : r.routing != "proxied" || length(r.cloudflare_edge_pins) > 0])
    error_message = "Routing \"proxied\" needs cloudflare_edge_pins, missing for ${join(", ", [for name, r in var.regions : name if r.routing == "proxied" && length(r.cloudflare_edge_pins) == 0])}: pinned clients would refuse Cloudflare's certificate. Announce its pins first (docs/runbooks/switch-routing.md)."
  }

  validation {
    condition     = alltrue([for r in var.regions : length(r.media_edge_pins) > 0])
    error_message = "Every region needs media_edge_pins (the pins of the certificates media-edge serves): direct and accelerator clients see them."
  }

  validation {
    condition = alltrue(flatten([for r in var.regions : [
      for pin in concat(r.media_edge_pins, r.cloudflare_edge_pins) : can(regex("^sha256/[A-Za-z0-9+/]{43}=$", pin))
    ]]))
    error_message = "A pin is not of the form sha256/<base64 of 32 bytes> (what certs/pin.sh prints)."
  }

  validation {
    condition = length(distinct(flatten([for r in var.regions : compact([r.hostname, r.direct_hostname])]))) == length(flatten([
      for r in var.regions : compact([r.hostname, r.direct_hostname])
    ]))
    error_message = "Two records would share a hostname: every region's hostname and direct_hostname must be unique."
  }

  validation {
    condition     = alltrue([for r in var.regions : r.dns_ttl >= 30 && r.dns_ttl <= 86400])
    error_message = "dns_ttl must be between 30 and 86400 seconds (Cloudflare's range for DNS-only records; 30 needs an Enterprise zone)."
  }
}

variable "backup_pins" {
  description = "Pins of the spare keys kept offline (certs/make-backup-key.sh); media-edge's pins.backupPins. Clients pin them next to the current ones in every mode that reaches media-edge's own TLS."
  type        = list(string)

  validation {
    condition     = length(var.backup_pins) > 0 && alltrue([for pin in var.backup_pins : can(regex("^sha256/[A-Za-z0-9+/]{43}=$", pin))])
    error_message = "backup_pins needs at least one pin of the form sha256/<base64>: without a backup, a lost key locks every pinned client out (certs/README.md)."
  }
}
