terraform {
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
    cloudflare = {
      source  = "cloudflare/cloudflare"
      version = "~> 5.0"
    }
  }

  # Keep the state where every engineer who switches routing reads the same one, with locking,
  # e.g. backend "s3" { bucket = "...", key = "media-edge/example.tfstate", region = "...",
  # use_lockfile = true }.
}

# One AWS provider for every region: AWS provider 6 takes `region` per resource, and
# modules/region sets it on each one. This region only hosts what has no region of its own.
provider "aws" {
  region = var.aws_default_region
}

# The API token comes from CLOUDFLARE_API_TOKEN; it needs DNS:Edit and Zone Settings:Edit on the zone.
provider "cloudflare" {}
