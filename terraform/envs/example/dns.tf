module "routing" {
  source = "../../modules/routing"

  regions = {
    for name, region in local.regions : name => {
      routing              = local.routing[name]
      hostname             = region.hostname
      direct_hostname      = region.direct_hostname
      lb_dns_name          = module.region[name].lb_dns_name
      accelerator_dns_name = module.region[name].accelerator_dns_name
      dns_ttl              = var.dns_ttl
      media_edge_pins      = var.media_edge_pins[name]
      cloudflare_edge_pins = lookup(var.cloudflare_edge_pins, name, [])
    }
  }
  backup_pins = var.backup_pins
}

check "cdn_pins_announced_as_routing_expects" {
  assert {
    condition     = jsonencode(local.media_edge_cdn_pins) == jsonencode(module.routing.media_edge_cdn_pins)
    error_message = "The pins.cdnPins given to the regions differ from modules/routing's media_edge_cdn_pins: fix local.media_edge_cdn_pins in regions.tf."
  }
}

# Keyed by region: a switch is an in-place update of that region's record.
resource "cloudflare_dns_record" "upload_host" {
  for_each = module.routing.dns_records

  zone_id = var.cloudflare_zone_id
  name    = each.value.name
  type    = each.value.type
  content = each.value.content
  proxied = each.value.proxied
  ttl     = each.value.ttl
  comment = each.value.comment
}

resource "cloudflare_dns_record" "direct_host" {
  for_each = module.routing.direct_dns_records

  zone_id = var.cloudflare_zone_id
  name    = each.value.name
  type    = each.value.type
  content = each.value.content
  proxied = each.value.proxied
  ttl     = each.value.ttl
  comment = each.value.comment
}

# Zone-wide and independent of any region's routing, so a switch never touches them. Full
# (strict): Cloudflare verifies media-edge's certificate and host name when it proxies.
resource "cloudflare_zone_setting" "ssl" {
  zone_id    = var.cloudflare_zone_id
  setting_id = "ssl"
  value      = "strict"
}

resource "cloudflare_zone_setting" "min_tls_version" {
  zone_id    = var.cloudflare_zone_id
  setting_id = "min_tls_version"
  value      = "1.2"
}
