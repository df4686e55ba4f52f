# Mistakes the routing switch refuses before anything reaches Cloudflare.

variables {
  backup_pins = ["sha256/RwlI06vpH3Hviqtb9VGacu5E1tqa5bki5uGnCZY4rVw="]
}

run "unknown_mode_is_refused" {
  command = plan

  variables {
    regions = {
      eu-west = {
        routing         = "cloudfront"
        hostname        = "upload-eu.example.com"
        lb_dns_name     = "media-edge-eu-west-0123.elb.eu-west-1.amazonaws.com"
        media_edge_pins = ["sha256/k8f7J8urSNB3wHkyx5zvbHDj/lx/NAlKnxjAPPFKlV8="]
      }
    }
  }

  expect_failures = [var.regions]
}

run "accelerator_without_an_accelerator_is_refused" {
  command = plan

  variables {
    regions = {
      ap-south = {
        routing         = "accelerator"
        hostname        = "upload-ap.example.com"
        lb_dns_name     = "media-edge-ap-south-89ab.elb.ap-south-1.amazonaws.com"
        media_edge_pins = ["sha256/ubop/mlYc1+3ct9BKmfCqqU2AEQS1vrHgYUWIJWhg3U="]
      }
    }
  }

  expect_failures = [var.regions]
}

run "proxied_without_cloudflare_pins_is_refused" {
  command = plan

  variables {
    regions = {
      eu-west = {
        routing         = "proxied"
        hostname        = "upload-eu.example.com"
        lb_dns_name     = "media-edge-eu-west-0123.elb.eu-west-1.amazonaws.com"
        media_edge_pins = ["sha256/k8f7J8urSNB3wHkyx5zvbHDj/lx/NAlKnxjAPPFKlV8="]
      }
    }
  }

  expect_failures = [var.regions]
}

run "malformed_pin_is_refused" {
  command = plan

  variables {
    regions = {
      us-east = {
        routing         = "direct"
        hostname        = "upload-us.example.com"
        lb_dns_name     = "media-edge-us-east-4567.elb.us-east-1.amazonaws.com"
        media_edge_pins = ["sha256//iYk0s6Kp2RDsmpdWE9Qw2g8XDbyn9MglMuNDa+MOCHU="]
      }
    }
  }

  expect_failures = [var.regions]
}

run "two_regions_on_one_hostname_are_refused" {
  command = plan

  variables {
    regions = {
      us-east = {
        routing         = "direct"
        hostname        = "upload.example.com"
        lb_dns_name     = "media-edge-us-east-4567.elb.us-east-1.amazonaws.com"
        media_edge_pins = ["sha256/iYk0s6Kp2RDsmpdWE9Qw2g8XDbyn9MglMuNDa+MOCHU="]
      }
      eu-west = {
        routing         = "direct"
        hostname        = "upload.example.com"
        lb_dns_name     = "media-edge-eu-west-0123.elb.eu-west-1.amazonaws.com"
        media_edge_pins = ["sha256/k8f7J8urSNB3wHkyx5zvbHDj/lx/NAlKnxjAPPFKlV8="]
      }
    }
  }

  expect_failures = [var.regions]
}

run "ttl_below_cloudflare_minimum_is_refused" {
  command = plan

  variables {
    regions = {
      us-east = {
        routing         = "direct"
        hostname        = "upload-us.example.com"
        lb_dns_name     = "media-edge-us-east-4567.elb.us-east-1.amazonaws.com"
        dns_ttl         = 5
        media_edge_pins = ["sha256/iYk0s6Kp2RDsmpdWE9Qw2g8XDbyn9MglMuNDa+MOCHU="]
      }
    }
  }

  expect_failures = [var.regions]
}

run "no_backup_pin_is_refused" {
  command = plan

  variables {
    backup_pins = []
    regions = {
      us-east = {
        routing         = "direct"
        hostname        = "upload-us.example.com"
        lb_dns_name     = "media-edge-us-east-4567.elb.us-east-1.amazonaws.com"
        media_edge_pins = ["sha256/iYk0s6Kp2RDsmpdWE9Qw2g8XDbyn9MglMuNDa+MOCHU="]
      }
    }
  }

  expect_failures = [var.backup_pins]
}
