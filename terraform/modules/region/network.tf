# A network load balancer passes TLS through: media-edge terminates it with the keys clients pin.
# An application load balancer would present its own (ACM) certificate and break every pin.

resource "aws_security_group" "load_balancer" {
  region      = var.aws_region
  name        = "media-edge-${var.name}-lb"
  description = "media-edge ${var.name}: clients to the network load balancer"
  vpc_id      = var.vpc_id
  tags        = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "clients_https" {
  for_each = toset(var.allowed_client_cidrs)

  region            = var.aws_region
  security_group_id = aws_security_group.load_balancer.id
  description       = "HTTPS from clients (direct, accelerator) and Cloudflare (proxied)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = each.value
  tags              = local.tags
}

resource "aws_vpc_security_group_egress_rule" "load_balancer_to_tasks" {
  for_each = toset(distinct([tostring(local.https_port), tostring(local.health_check_port)]))

  region                       = var.aws_region
  security_group_id            = aws_security_group.load_balancer.id
  description                  = "traffic and health checks to media-edge"
  ip_protocol                  = "tcp"
  from_port                    = tonumber(each.value)
  to_port                      = tonumber(each.value)
  referenced_security_group_id = aws_security_group.tasks.id
  tags                         = local.tags
}

resource "aws_security_group" "tasks" {
  region      = var.aws_region
  name        = "media-edge-${var.name}-tasks"
  description = "media-edge ${var.name}: tasks, reachable from the load balancer only"
  vpc_id      = var.vpc_id
  tags        = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "tasks_from_load_balancer" {
  for_each = toset(distinct([tostring(local.https_port), tostring(local.health_check_port)]))

  region                       = var.aws_region
  security_group_id            = aws_security_group.tasks.id
  description                  = "from the network load balancer (client addresses preserved)"
  ip_protocol                  = "tcp"
  from_port                    = tonumber(each.value)
  to_port                      = tonumber(each.value)
  referenced_security_group_id = aws_security_group.load_balancer.id
  tags                         = local.tags
}

resource "aws_vpc_security_group_egress_rule" "tasks_out" {
  region            = var.aws_region
  security_group_id = aws_security_group.tasks.id
  description       = "S3, Cassandra, Kafka, the image registry"
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
  tags              = local.tags
}

resource "aws_lb" "media_edge" {
  region             = var.aws_region
  name               = "media-edge-${var.name}"
  load_balancer_type = "network"
  internal           = false
  subnets            = var.public_subnet_ids
  security_groups    = [aws_security_group.load_balancer.id]
  # Spread a zone's clients over every zone's tasks, so one zone with few tasks is not overloaded.
  enable_cross_zone_load_balancing = true
  tags                             = local.tags
}

resource "aws_lb_target_group" "media_edge" {
  region      = var.aws_region
  name        = "media-edge-${var.name}"
  vpc_id      = var.vpc_id
  target_type = "ip"
  protocol    = "TCP"
  port        = local.https_port

  # media-edge must see the real peer: the client (direct, accelerator) or a Cloudflare address
  # it then trusts for CF-Connecting-IP (edge.trustedProxies). Off by default for ip targets.
  preserve_client_ip = true

  # A deregistered task keeps its open connections for the drain; new ones go elsewhere. They are
  # not reset when the delay ends: ECS then sends SIGTERM, and media-edge closes what is left
  # after its own grace.
  deregistration_delay   = local.deregistration_delay_seconds
  connection_termination = false

  health_check {
    enabled             = true
    protocol            = var.health_check_over_plain_http ? "HTTP" : "HTTPS"
    port                = tostring(local.health_check_port)
    path                = "/readyz"
    matcher             = "200"
    interval            = 10
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 2
  }

  tags = local.tags
}

resource "aws_lb_listener" "https" {
  region            = var.aws_region
  load_balancer_arn = aws_lb.media_edge.arn
  protocol          = "TCP"
  port              = 443
  tags              = local.tags

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.media_edge.arn
  }
}
