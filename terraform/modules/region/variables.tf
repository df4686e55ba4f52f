variable "name" {
  description = "Short name of the region as media-edge knows it (server.region, e.g. \"eu-west\"); names every resource made here."
  type        = string

  validation {
    # Load balancer and target group names take at most 32 characters: "media-edge-" plus this.
    condition     = can(regex("^[a-z][a-z0-9-]{0,19}[a-z0-9]$", var.name))
    error_message = "name must be 2-21 lower-case letters, digits and dashes, starting with a letter (it goes into 32-character AWS names)."
  }
}

variable "aws_region" {
  description = "AWS region to build in (e.g. \"eu-west-1\"); set as each resource's `region`, so one AWS provider serves every region."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.aws_region))
    error_message = "aws_region must look like an AWS region code, e.g. eu-west-1."
  }
}

variable "vpc_id" {
  description = "VPC of the region's load balancer and tasks."
  type        = string
}

variable "public_subnet_ids" {
  description = "Subnets of the internet-facing network load balancer, one per availability zone."
  type        = list(string)

  validation {
    condition     = length(var.public_subnet_ids) >= 2
    error_message = "Give at least two public subnets (two availability zones), or one zone's outage takes the region down."
  }
}

variable "private_subnet_ids" {
  description = "Subnets of the media-edge tasks; they need a route to S3 (a gateway endpoint), Cassandra, Kafka and the image registry."
  type        = list(string)

  validation {
    condition     = length(var.private_subnet_ids) >= 2
    error_message = "Give at least two private subnets (two availability zones)."
  }
}

variable "image" {
  description = "The media-edge container image (docker/), best pinned by digest: repository@sha256:..."
  type        = string

  validation {
    condition     = length(trimspace(var.image)) > 0
    error_message = "image is empty: name the media-edge image to run."
  }
}

variable "cpu" {
  description = "Fargate task CPU units (1024 = one vCPU). media-edge deploys one event loop per core."
  type        = number
  default     = 1024

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.cpu)
    error_message = "cpu must be a Fargate size: 256, 512, 1024, 2048, 4096, 8192 or 16384."
  }
}

variable "memory" {
  description = "Fargate task memory in MiB; the image's launcher sizes the heap from its own variable, keep room for direct buffers and the TLS engine."
  type        = number
  default     = 2048

  validation {
    condition     = var.memory >= 512 && var.memory <= 122880
    error_message = "memory must be between 512 and 122880 MiB (and fit the cpu size, which AWS checks)."
  }
}

variable "cpu_architecture" {
  description = "X86_64 or ARM64: must match the image."
  type        = string
  default     = "X86_64"

  validation {
    condition     = contains(["X86_64", "ARM64"], var.cpu_architecture)
    error_message = "cpu_architecture must be X86_64 or ARM64."
  }
}

variable "desired_count" {
  description = "media-edge tasks in this region; all state lives in S3, Cassandra and Kafka, so any number works."
  type        = number
  default     = 2

  validation {
    condition     = var.desired_count >= 1 && floor(var.desired_count) == var.desired_count
    error_message = "desired_count must be a whole number of at least 1."
  }
}

variable "shutdown_grace_seconds" {
  description = "media-edge's server.shutdownGrace: how long in-flight requests may run after SIGTERM. The load balancer's deregistration delay and the task's stop timeout are derived from it."
  type        = number
  default     = 30

  validation {
    # Fargate kills a task at most 120 s after SIGTERM; media-edge needs the grace plus 15 s
    # (5 s for its own stop, 10 s to close Vert.x) to exit on its own.
    condition     = var.shutdown_grace_seconds >= 1 && var.shutdown_grace_seconds <= 105 && floor(var.shutdown_grace_seconds) == var.shutdown_grace_seconds
    error_message = "shutdown_grace_seconds must be a whole number from 1 to 105: Fargate sends SIGKILL at most 120 s after SIGTERM, and media-edge needs the grace plus 15 s."
  }
}

variable "health_check_over_plain_http" {
  description = "Health-check /readyz on media-edge's plain listener (server.http, port 8080, reachable from the load balancer only) instead of over TLS. Needed when server.https.clientCaFile (authenticated origin pulls) is set, since the load balancer's checks carry no client certificate."
  type        = bool
  default     = false
}

variable "bucket_name" {
  description = "The region's media bucket (storage.bucket)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name)) && !can(regex("\\.\\.", var.bucket_name))
    error_message = "bucket_name must be a valid S3 bucket name: 3-63 lower-case letters, digits, dots and dashes."
  }
}

variable "kms_key_arn" {
  description = "KMS key for the bucket's default encryption; null uses S3-managed keys (SSE-S3). With a key, the task role may use it for the bucket only."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:...) or null."
  }
}

variable "abort_incomplete_multipart_days" {
  description = "S3 aborts a multipart upload this many days after it began. media-edge aborts its own (sweeper, reconciler, resumable expiry); this rule catches what a crash leaves. It counts from the upload's start, so keep it above the longest resumable upload (resumable.expiry counts from the last PATCH)."
  type        = number
  default     = 1

  validation {
    condition     = var.abort_incomplete_multipart_days >= 1 && floor(var.abort_incomplete_multipart_days) == var.abort_incomplete_multipart_days
    error_message = "abort_incomplete_multipart_days must be a whole number of at least 1."
  }
}

variable "environment" {
  description = "More media-edge settings as MEDIA_EDGE_* variables (conf/media-edge.yaml's paths in upper snake case), e.g. history contact points and Kafka brokers. Not secrets: those go in `secrets`."
  type        = map(string)
  default     = {}

  validation {
    condition = length(setintersection(keys(var.environment), [
      "MEDIA_EDGE_SERVER_REGION", "MEDIA_EDGE_SERVER_SHUTDOWN_GRACE", "MEDIA_EDGE_SERVER_HTTPS_PORT",
      "MEDIA_EDGE_SERVER_HTTP_ENABLED", "MEDIA_EDGE_SERVER_HTTP_PORT", "MEDIA_EDGE_STORAGE_BUCKET",
      "MEDIA_EDGE_STORAGE_REGION",
    ])) == 0
    error_message = "environment sets a variable this module owns (region, shutdown grace, ports, bucket): set it through the module's own inputs, so the load balancer and the server agree."
  }
}

variable "secrets" {
  description = "Secret media-edge settings: variable name => ARN of a Secrets Manager secret or SSM parameter (e.g. MEDIA_EDGE_HISTORY_PASSWORD, MEDIA_EDGE_CURSOR_KEY). Only the task's execution role can read them, and only these."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for arn in values(var.secrets) : can(regex("^arn:aws[a-z-]*:(secretsmanager|ssm):", arn))])
    error_message = "Each secret must be the ARN of a Secrets Manager secret or an SSM parameter."
  }
}

variable "allowed_client_cidrs" {
  description = "Client ranges the load balancer accepts on 443. Keep it open to all: a switch to direct must need no firewall change, and in proxied mode Cloudflare's ranges are many and change."
  type        = list(string)
  default     = ["0.0.0.0/0"]

  validation {
    condition     = alltrue([for cidr in var.allowed_client_cidrs : can(cidrhost(cidr, 0))])
    error_message = "allowed_client_cidrs must be CIDR ranges."
  }
}

variable "accelerator_enabled" {
  description = "Build an AWS Global Accelerator in front of the load balancer, so modules/routing can switch this region to \"accelerator\" with a DNS change only. It costs a fixed hourly fee while it exists."
  type        = bool
  default     = false
}

variable "log_retention_days" {
  description = "How long media-edge's container logs are kept in CloudWatch."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of CloudWatch's retention periods (1, 3, 5, 7, 14, 30, 60, 90, ... 3653)."
  }
}

variable "tags" {
  description = "Tags for every resource made here."
  type        = map(string)
  default     = {}
}
