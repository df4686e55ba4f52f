# No provider on purpose: the routing decision is pure data, so it can be tested anywhere with
# `terraform test`, and the root that owns the Cloudflare provider turns it into records.
terraform {
  required_version = ">= 1.9"
}
