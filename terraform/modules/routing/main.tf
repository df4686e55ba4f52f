locals {
  # Every mode is a CNAME on the same key, so a switch is an in-place update of one record: no
  # delete-then-create window in which the hostname does not resolve.
  upload_records = {
    for name, r in var.regions : name => {
      name    = r.hostname
      type    = "CNAME"
      content = r.routing == "accelerator" ? r.accelerator_dns_name : r.lb_dns_name
      proxied = r.routing == "proxied"
      ttl     = r.routing == "proxied" ? 1 : r.dns_ttl
      comment = "media-edge ${name}: ${r.routing} (terraform/modules/routing)"
    }
  }

  direct_records = {
    for name, r in var.regions : name => {
      name    = r.direct_hostname
      type    = "CNAME"
      content = r.lb_dns_name
      proxied = false
      ttl     = r.dns_ttl
      comment = "media-edge ${name}: always direct, for route hints and steering (terraform/modules/routing)"
    } if r.direct_hostname != null
  }

  # Cloudflare terminates TLS only when proxied; a Global Accelerator (TCP listener) and the
  # network load balancer pass TLS through, so clients then meet media-edge's own certificate.
  tls_pins = {
    for name, r in var.regions : name => {
      hostname       = r.hostname
      tls_terminator = r.routing == "proxied" ? "cloudflare-edge" : "media-edge"
      presented_pins = r.routing == "proxied" ? r.cloudflare_edge_pins : r.media_edge_pins
      # What a pinning client must hold to connect in this mode: the presented key, plus our
      # backups whenever our own key is the one presented (they are what a key swap falls back on).
      required_client_pins = r.routing == "proxied" ? r.cloudflare_edge_pins : distinct(concat(r.media_edge_pins, var.backup_pins))
      # Pins for a later switch to each mode, to check against what clients already hold.
      pins_if_proxied = r.cloudflare_edge_pins
      pins_if_direct  = distinct(concat(r.media_edge_pins, var.backup_pins))
    }
  }
}
