# An optional AWS Global Accelerator in front of the load balancer, kept warm so that switching
# the region to "accelerator" is a DNS change only. Global Accelerator is a global service: its
# resources take no `region` (the endpoint group names the region instead). It forwards TCP, so
# TLS still ends at media-edge and clients see our pins.

resource "aws_globalaccelerator_accelerator" "media_edge" {
  count = var.accelerator_enabled ? 1 : 0

  name            = "media-edge-${var.name}"
  ip_address_type = "IPV4"
  enabled         = true
  tags            = local.tags
}

resource "aws_globalaccelerator_listener" "https" {
  count = var.accelerator_enabled ? 1 : 0

  accelerator_arn = aws_globalaccelerator_accelerator.media_edge[0].id
  protocol        = "TCP"
  client_affinity = "NONE"

  port_range {
    from_port = 443
    to_port   = 443
  }
}

resource "aws_globalaccelerator_endpoint_group" "media_edge" {
  count = var.accelerator_enabled ? 1 : 0

  listener_arn          = aws_globalaccelerator_listener.https[0].id
  endpoint_group_region = var.aws_region

  endpoint_configuration {
    endpoint_id = aws_lb.media_edge.arn
    weight      = 100
    # Works for a network load balancer with security groups (this one); media-edge then sees
    # the client's address, as in direct mode.
    client_ip_preservation_enabled = true
  }
}
