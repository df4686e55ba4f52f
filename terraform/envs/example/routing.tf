# THE ROUTING SWITCH. One line per region; change one word, plan, review, apply.
#
#   proxied      Cloudflare proxies the region's hostname to its load balancer (TTL automatic).
#   direct       DNS-only: clients connect straight to the region's load balancer.
#   accelerator  DNS-only: a CNAME to the region's AWS Global Accelerator (needs
#                accelerator_enabled for that region in regions.tf, applied beforehand).
#
# The plan of a switch updates that region's cloudflare_dns_record.upload_host in place and
# nothing else. Before switching, read docs/runbooks/switch-routing.md: pinned clients must
# already hold the pins of whoever will terminate TLS (output tls_pins).
locals {
  routing = {
    eu-west  = "proxied"
    us-east  = "proxied"
    ap-south = "direct"
  }
}
