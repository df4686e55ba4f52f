# Switching one region's routing changes that region's record and pins and nothing else: the
# plan of a one-line switch in envs/example touches one cloudflare_dns_record.

variables {
  backup_pins = ["sha256/RwlI06vpH3Hviqtb9VGacu5E1tqa5bki5uGnCZY4rVw="]
  regions = {
    eu-west = {
      routing              = "proxied"
      hostname             = "upload-eu.example.com"
      lb_dns_name          = "media-edge-eu-west-0123.elb.eu-west-1.amazonaws.com"
      direct_hostname      = "upload-direct-eu.example.com"
      media_edge_pins      = ["sha256/k8f7J8urSNB3wHkyx5zvbHDj/lx/NAlKnxjAPPFKlV8="]
      cloudflare_edge_pins = ["sha256/HVj3rHI2FutLU0mjvRLjjGQr5u0mvYrceA143stHVho="]
    }
    us-east = {
      routing              = "proxied"
      hostname             = "upload-us.example.com"
      lb_dns_name          = "media-edge-us-east-4567.elb.us-east-1.amazonaws.com"
      accelerator_dns_name = "a89abcdef01234567.awsglobalaccelerator.com"
      media_edge_pins      = ["sha256/iYk0s6Kp2RDsmpdWE9Qw2g8XDbyn9MglMuNDa+MOCHU="]
      cloudflare_edge_pins = ["sha256/WG8Dz5N+7uv8ZUaW+CZCVJHeACO4+ok+QWKSLgHdEsk="]
    }
    ap-south = {
      routing              = "proxied"
      hostname             = "upload-ap.example.com"
      lb_dns_name          = "media-edge-ap-south-89ab.elb.ap-south-1.amazonaws.com"
      media_edge_pins      = ["sha256/ubop/mlYc1+3ct9BKmfCqqU2AEQS1vrHgYUWIJWhg3U="]
      cloudflare_edge_pins = ["sha256/WGMXisWWloazVPVKYD3n66vKw0f2Ld5A7Y41YOsBlkI="]
    }
  }
}

run "all_proxied" {
  command = plan
}

run "eu_west_switched_to_direct" {
  command = plan

  variables {
    regions = merge(var.regions, { eu-west = merge(var.regions["eu-west"], { routing = "direct" }) })
  }

  assert {
    condition     = [for name, record in output.dns_records : name if record != run.all_proxied.dns_records[name]] == ["eu-west"]
    error_message = "switching eu-west must change eu-west's record only, changed: ${jsonencode([for name, record in output.dns_records : name if record != run.all_proxied.dns_records[name]])}"
  }
  assert {
    condition     = keys(output.dns_records) == keys(run.all_proxied.dns_records)
    error_message = "a switch must keep every record's key, so it is an in-place update, not a delete and a create"
  }
  assert {
    condition = (output.dns_records["eu-west"].proxied == false && output.dns_records["eu-west"].ttl == 60
    && output.dns_records["eu-west"].content == run.all_proxied.dns_records["eu-west"].content)
    error_message = "eu-west direct: same load balancer, DNS-only, real ttl"
  }
  assert {
    condition     = jsonencode(output.direct_dns_records) == jsonencode(run.all_proxied.direct_dns_records)
    error_message = "the always-direct hostnames must not move when a region's routing does"
  }
  assert {
    condition     = [for name, pins in output.tls_pins : name if pins != run.all_proxied.tls_pins[name]] == ["eu-west"]
    error_message = "switching eu-west must change eu-west's pins only"
  }
  assert {
    condition     = output.tls_pins["eu-west"].tls_terminator == "media-edge"
    error_message = "after a switch to direct, clients meet media-edge's certificate"
  }
  assert {
    condition     = jsonencode(output.media_edge_cdn_pins) == jsonencode(run.all_proxied.media_edge_cdn_pins)
    error_message = "pins.cdnPins must not change with the mode (Cloudflare's pins stay announced), or every switch would restart media-edge"
  }
}

run "us_east_switched_to_accelerator" {
  command = plan

  variables {
    regions = merge(var.regions, { us-east = merge(var.regions["us-east"], { routing = "accelerator" }) })
  }

  assert {
    condition     = [for name, record in output.dns_records : name if record != run.all_proxied.dns_records[name]] == ["us-east"]
    error_message = "switching us-east must change us-east's record only"
  }
  assert {
    condition = (output.dns_records["us-east"].content == "a89abcdef01234567.awsglobalaccelerator.com"
    && output.dns_records["us-east"].proxied == false)
    error_message = "us-east accelerator: DNS-only CNAME to the accelerator"
  }
}

run "switching_back_restores_the_original_records" {
  command = plan

  assert {
    condition     = jsonencode(output.dns_records) == jsonencode(run.all_proxied.dns_records)
    error_message = "the switch must be reversible: the same input gives the same records"
  }
}
