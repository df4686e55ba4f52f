# The regions media-edge runs in: everything about a region except its routing (routing.tf).
locals {
  regions = {
    eu-west = {
      aws_region          = "eu-west-1"
      hostname            = "upload-eu.${var.zone_name}"
      direct_hostname     = "upload-direct-eu.${var.zone_name}"
      accelerator_enabled = false
    }
    us-east = {
      aws_region          = "us-east-1"
      hostname            = "upload-us.${var.zone_name}"
      direct_hostname     = "upload-direct-us.${var.zone_name}"
      accelerator_enabled = true
    }
    ap-south = {
      aws_region          = "ap-south-1"
      hostname            = "upload-ap.${var.zone_name}"
      direct_hostname     = "upload-direct-ap.${var.zone_name}"
      accelerator_enabled = true
    }
  }
}

# pins.cdnPins per region: Cloudflare's pins of its hostname whenever they are known. Computed
# here, not read from module.routing, which depends on every region's load balancer: feeding its
# output back into the regions would be a cycle. The check in dns.tf keeps the two equal.
locals {
  media_edge_cdn_pins = {
    for name, region in local.regions : name => (
      length(lookup(var.cloudflare_edge_pins, name, [])) > 0 ? { (region.hostname) = var.cloudflare_edge_pins[name] } : {}
    )
  }
}

module "region" {
  source   = "../../modules/region"
  for_each = local.regions

  name                   = each.key
  aws_region             = each.value.aws_region
  vpc_id                 = var.networks[each.key].vpc_id
  public_subnet_ids      = var.networks[each.key].public_subnet_ids
  private_subnet_ids     = var.networks[each.key].private_subnet_ids
  image                  = var.image
  desired_count          = var.desired_count
  shutdown_grace_seconds = var.shutdown_grace_seconds
  bucket_name            = "${var.bucket_prefix}-${each.key}"
  accelerator_enabled    = each.value.accelerator_enabled
  secrets                = var.secrets[each.key]

  # media-edge also needs its TLS chain and key and the pin-signing key as files in the task
  # (server.https.certFile/keyFile, pins.signingKeyFile): getting them there is not done here,
  # see modules/region/README.md, "Not settled here".
  environment = merge(var.environment[each.key], {
    # Pins: the served certificates' pins come from the files media-edge serves; these are the
    # rest of the signed pin document. Cloudflare's pins are announced whenever they are known,
    # proxied or not, so a switch to proxied finds clients ready and changes no task.
    MEDIA_EDGE_PINS_ENABLED     = "true"
    MEDIA_EDGE_PINS_BACKUP_PINS = jsonencode(var.backup_pins)
    MEDIA_EDGE_PINS_CDN_PINS    = jsonencode(local.media_edge_cdn_pins[each.key])
    # What GET /v1/edge offers troubled networks (conf/routes.yaml, steering.alternativeHost).
    MEDIA_EDGE_EDGE_DEFAULT_UPLOAD_HOST = each.value.hostname
  })

  tags = { "media-edge:env" = "example" }
}
