# ECS on Fargate: media-edge is one stateless process per task, and ECS replaces, rolls and
# drains tasks through the target group (see README.md for why not an EC2 auto-scaling group).

resource "aws_cloudwatch_log_group" "media_edge" {
  region            = var.aws_region
  name              = "/media-edge/${var.name}"
  retention_in_days = var.log_retention_days
  tags              = local.tags
}

resource "aws_ecs_cluster" "media_edge" {
  region = var.aws_region
  name   = "media-edge-${var.name}"
  tags   = local.tags

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_ecs_task_definition" "media_edge" {
  region                   = var.aws_region
  family                   = "media-edge-${var.name}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  task_role_arn            = aws_iam_role.media_edge_task.arn
  execution_role_arn       = aws_iam_role.media_edge_execution.arn
  tags                     = local.tags

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  container_definitions = jsonencode([
    {
      name      = "media-edge"
      image     = var.image
      essential = true
      portMappings = concat(
        [{ containerPort = local.https_port, protocol = "tcp" }],
        var.health_check_over_plain_http ? [{ containerPort = local.plain_http_port, protocol = "tcp" }] : [],
      )
      environment = [for name in sort(keys(local.media_edge_environment)) : { name = name, value = local.media_edge_environment[name] }]
      secrets     = [for name in sort(keys(var.secrets)) : { name = name, valueFrom = var.secrets[name] }]
      # Time between SIGTERM and SIGKILL: media-edge's drain must fit in it.
      stopTimeout = local.stop_timeout_seconds
      # One socket per client connection and per S3 connection (storage.maxConnections).
      ulimits = [{ name = "nofile", softLimit = 65536, hardLimit = 65536 }]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.media_edge.name
          awslogs-region        = var.aws_region
          awslogs-stream-prefix = "media-edge"
        }
      }
    }
  ])
}

resource "aws_ecs_service" "media_edge" {
  region           = var.aws_region
  name             = "media-edge"
  cluster          = aws_ecs_cluster.media_edge.id
  task_definition  = aws_ecs_task_definition.media_edge.arn
  desired_count    = var.desired_count
  launch_type      = "FARGATE"
  platform_version = "LATEST"
  propagate_tags   = "SERVICE"
  tags             = local.tags

  # A roll starts new tasks first and retires old ones only once the new are healthy; a release
  # whose tasks never turn healthy is rolled back.
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  # Start-up connects to Cassandra and Kafka and creates the schema before /readyz says ready.
  health_check_grace_period_seconds = 60

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.tasks.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.media_edge.arn
    container_name   = "media-edge"
    container_port   = local.https_port
  }

  # ECS needs the target group attached to a load balancer before a service can use it.
  depends_on = [aws_lb_listener.https]
}
