# One region in each mode: the records and the pins each mode produces.

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
      routing              = "direct"
      hostname             = "upload-us.example.com"
      lb_dns_name          = "media-edge-us-east-4567.elb.us-east-1.amazonaws.com"
      dns_ttl              = 120
      media_edge_pins      = ["sha256/iYk0s6Kp2RDsmpdWE9Qw2g8XDbyn9MglMuNDa+MOCHU="]
      cloudflare_edge_pins = ["sha256/WG8Dz5N+7uv8ZUaW+CZCVJHeACO4+ok+QWKSLgHdEsk="]
    }
    ap-south = {
      routing              = "accelerator"
      hostname             = "upload-ap.example.com"
      lb_dns_name          = "media-edge-ap-south-89ab.elb.ap-south-1.amazonaws.com"
      accelerator_dns_name = "a0123456789abcdef.awsglobalaccelerator.com"
      media_edge_pins      = ["sha256/ubop/mlYc1+3ct9BKmfCqqU2AEQS1vrHgYUWIJWhg3U="]
    }
  }
}

run "proxied_region_gets_a_proxied_record_with_automatic_ttl" {
  command = plan

  assert {
    condition = output.dns_records["eu-west"] == {
      name    = "upload-eu.example.com"
      type    = "CNAME"
      content = "media-edge-eu-west-0123.elb.eu-west-1.amazonaws.com"
      proxied = true
      ttl     = 1
      comment = "media-edge eu-west: proxied (terraform/modules/routing)"
    }
    error_message = "proxied: expected a proxied CNAME to the load balancer with ttl 1, got ${jsonencode(output.dns_records["eu-west"])}"
  }
}

run "direct_region_gets_a_dns_only_record_to_its_load_balancer" {
  command = plan

  assert {
    condition = output.dns_records["us-east"] == {
      name    = "upload-us.example.com"
      type    = "CNAME"
      content = "media-edge-us-east-4567.elb.us-east-1.amazonaws.com"
      proxied = false
      ttl     = 120
      comment = "media-edge us-east: direct (terraform/modules/routing)"
    }
    error_message = "direct: expected a DNS-only CNAME to the load balancer with the region's ttl, got ${jsonencode(output.dns_records["us-east"])}"
  }
}

run "accelerator_region_gets_a_dns_only_record_to_the_accelerator" {
  command = plan

  assert {
    condition = output.dns_records["ap-south"] == {
      name    = "upload-ap.example.com"
      type    = "CNAME"
      content = "a0123456789abcdef.awsglobalaccelerator.com"
      proxied = false
      ttl     = 60
      comment = "media-edge ap-south: accelerator (terraform/modules/routing)"
    }
    error_message = "accelerator: expected a DNS-only CNAME to the accelerator with the default ttl 60, got ${jsonencode(output.dns_records["ap-south"])}"
  }
}

run "direct_hostname_is_dns_only_to_the_load_balancer_whatever_the_mode" {
  command = plan

  assert {
    condition     = keys(output.direct_dns_records) == ["eu-west"]
    error_message = "only eu-west has a direct_hostname, got ${jsonencode(keys(output.direct_dns_records))}"
  }
  assert {
    condition = (output.direct_dns_records["eu-west"].name == "upload-direct-eu.example.com"
      && output.direct_dns_records["eu-west"].content == "media-edge-eu-west-0123.elb.eu-west-1.amazonaws.com"
    && output.direct_dns_records["eu-west"].proxied == false && output.direct_dns_records["eu-west"].ttl == 60)
    error_message = "the direct hostname of a proxied region must still go DNS-only to the load balancer"
  }
}

run "proxied_clients_see_cloudflare_pins" {
  command = plan

  assert {
    condition     = output.tls_pins["eu-west"].tls_terminator == "cloudflare-edge"
    error_message = "a proxied hostname's TLS is terminated by Cloudflare's edge"
  }
  assert {
    condition     = output.tls_pins["eu-west"].presented_pins == tolist(["sha256/HVj3rHI2FutLU0mjvRLjjGQr5u0mvYrceA143stHVho="])
    error_message = "proxied: clients are shown Cloudflare's pins, got ${jsonencode(output.tls_pins["eu-west"].presented_pins)}"
  }
  assert {
    condition     = output.tls_pins["eu-west"].required_client_pins == tolist(["sha256/HVj3rHI2FutLU0mjvRLjjGQr5u0mvYrceA143stHVho="])
    error_message = "proxied: a client needs Cloudflare's pins"
  }
  assert {
    condition = output.tls_pins["eu-west"].pins_if_direct == tolist([
      "sha256/k8f7J8urSNB3wHkyx5zvbHDj/lx/NAlKnxjAPPFKlV8=",
      "sha256/RwlI06vpH3Hviqtb9VGacu5E1tqa5bki5uGnCZY4rVw=",
    ])
    error_message = "pins_if_direct must be our pins plus the backups, ready for a switch"
  }
}

run "direct_and_accelerator_clients_see_our_pins_and_backups" {
  command = plan

  assert {
    condition = (output.tls_pins["us-east"].tls_terminator == "media-edge"
    && output.tls_pins["ap-south"].tls_terminator == "media-edge")
    error_message = "direct and accelerator pass TLS through to media-edge"
  }
  assert {
    condition     = output.tls_pins["us-east"].presented_pins == tolist(["sha256/iYk0s6Kp2RDsmpdWE9Qw2g8XDbyn9MglMuNDa+MOCHU="])
    error_message = "direct: clients are shown media-edge's own pins, got ${jsonencode(output.tls_pins["us-east"].presented_pins)}"
  }
  assert {
    condition = output.tls_pins["ap-south"].required_client_pins == tolist([
      "sha256/ubop/mlYc1+3ct9BKmfCqqU2AEQS1vrHgYUWIJWhg3U=",
      "sha256/RwlI06vpH3Hviqtb9VGacu5E1tqa5bki5uGnCZY4rVw=",
    ])
    error_message = "accelerator: a client needs our pins and the backups, got ${jsonencode(output.tls_pins["ap-south"].required_client_pins)}"
  }
}

run "cloudflare_pins_are_announced_wherever_they_are_known" {
  command = plan

  assert {
    # jsonencode: the output is a map of maps, the literal an object; compare the values, not the types.
    condition = jsonencode(output.media_edge_cdn_pins) == jsonencode({
      eu-west  = { "upload-eu.example.com" = ["sha256/HVj3rHI2FutLU0mjvRLjjGQr5u0mvYrceA143stHVho="] }
      us-east  = { "upload-us.example.com" = ["sha256/WG8Dz5N+7uv8ZUaW+CZCVJHeACO4+ok+QWKSLgHdEsk="] }
      ap-south = {}
    })
    error_message = "pins.cdnPins must list Cloudflare's pins for proxied eu-west and for direct us-east (ready to switch), none for ap-south; got ${jsonencode(output.media_edge_cdn_pins)}"
  }
  assert {
    condition     = jsonencode(output.routing) == jsonencode({ ap-south = "accelerator", eu-west = "proxied", us-east = "direct" })
    error_message = "routing summary does not match the input"
  }
}
