variable "aws_default_region" {
  description = "The AWS provider's own region; each region's resources set theirs."
  type        = string
  default     = "us-east-1"
}

variable "cloudflare_zone_id" {
  description = "The Cloudflare zone that holds the upload hostnames."
  type        = string

  validation {
    condition     = can(regex("^[0-9a-f]{32}$", var.cloudflare_zone_id))
    error_message = "cloudflare_zone_id must be the zone's 32-character hex id (Cloudflare dashboard, Overview)."
  }
}

variable "zone_name" {
  description = "The zone's domain, e.g. example.com; hostnames are upload-<region>.<zone_name>."
  type        = string
}

variable "networks" {
  description = "Per region: the VPC and subnets to build in (made elsewhere, e.g. by your network stack)."
  type = map(object({
    vpc_id             = string
    public_subnet_ids  = list(string)
    private_subnet_ids = list(string)
  }))

  validation {
    condition     = length(setsubtract(["eu-west", "us-east", "ap-south"], keys(var.networks))) == 0
    error_message = "networks needs an entry for every region in regions.tf (eu-west, us-east, ap-south)."
  }
}

variable "image" {
  description = "The media-edge image, pinned by digest."
  type        = string
}

variable "desired_count" {
  description = "media-edge tasks per region."
  type        = number
  default     = 2
}

variable "shutdown_grace_seconds" {
  description = "media-edge's server.shutdownGrace in every region (conf/media-edge.yaml: 30s)."
  type        = number
  default     = 30
}

variable "bucket_prefix" {
  description = "Media buckets are <bucket_prefix>-<region>; bucket names are global, so make it yours."
  type        = string
}

variable "dns_ttl" {
  description = "TTL of DNS-only records (direct, accelerator): the longest a resolver keeps an old answer after a switch away from DNS-only."
  type        = number
  default     = 60
}

variable "media_edge_pins" {
  description = "Per region: pins of the certificates media-edge serves for its hostname (certs/pin.sh)."
  type        = map(list(string))
}

variable "cloudflare_edge_pins" {
  description = "Per region that is or may become proxied: pins of Cloudflare's edge certificate for its hostname (certs/README.md shows how to read them)."
  type        = map(list(string))
  default     = {}
}

variable "backup_pins" {
  description = "Pins of the spare keys kept offline (certs/make-backup-key.sh), announced everywhere."
  type        = list(string)
}

variable "environment" {
  description = "Per region: more MEDIA_EDGE_* settings, e.g. Cassandra contact points and Kafka brokers."
  type        = map(map(string))
  default     = { eu-west = {}, us-east = {}, ap-south = {} }
}

variable "secrets" {
  description = "Per region: MEDIA_EDGE_* variable => Secrets Manager or SSM ARN."
  type        = map(map(string))
  default     = { eu-west = {}, us-east = {}, ap-south = {} }
}
