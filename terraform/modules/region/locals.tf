locals {
  tags = merge(var.tags, { "media-edge:region" = var.name })

  https_port        = 8443
  plain_http_port   = 8080
  health_check_port = var.health_check_over_plain_http ? local.plain_http_port : local.https_port

  # The load balancer lets a leaving task's open connections run as long as media-edge itself
  # would after SIGTERM, then ECS sends SIGTERM (see docs/runbooks/drain-an-instance.md).
  deregistration_delay_seconds = var.shutdown_grace_seconds
  # media-edge waits the grace plus 5 s for its own stop, then up to 10 s to close Vert.x.
  stop_timeout_seconds = var.shutdown_grace_seconds + 15

  # The module's own settings win over `environment` (which may not name them): the load
  # balancer, the drain and the bucket must agree with what the server is told.
  media_edge_environment = merge(var.environment, {
    MEDIA_EDGE_SERVER_REGION         = var.name
    MEDIA_EDGE_SERVER_SHUTDOWN_GRACE = "${var.shutdown_grace_seconds}s"
    MEDIA_EDGE_SERVER_HTTPS_PORT     = tostring(local.https_port)
    MEDIA_EDGE_SERVER_HTTP_ENABLED   = tostring(var.health_check_over_plain_http)
    MEDIA_EDGE_SERVER_HTTP_PORT      = tostring(local.plain_http_port)
    MEDIA_EDGE_STORAGE_BUCKET        = aws_s3_bucket.media.bucket
    MEDIA_EDGE_STORAGE_REGION        = var.aws_region
  })

  # ECS may name a JSON key or version after a Secrets Manager ARN; IAM wants the secret itself.
  secret_manager_arns = distinct([
    for arn in values(var.secrets) : join(":", slice(split(":", arn), 0, 7)) if can(regex(":secretsmanager:", arn))
  ])
  ssm_parameter_arns = distinct([for arn in values(var.secrets) : arn if can(regex(":ssm:", arn))])
}
