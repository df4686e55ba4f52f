# Two roles: the task role is what media-edge itself may do (the bucket, nothing else); the
# execution role is what ECS may do to start it (pull the image, write logs, read its secrets).

data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }

    # Only ECS tasks of this account may take the role (confused deputy).
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "media_edge_task" {
  name               = "media-edge-${var.name}-task"
  description        = "media-edge in ${var.name}: its media bucket only"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
  tags               = local.tags
}

# Exactly what io.mediaedge.storage calls, by IAM action:
#   s3:PutObject                  PutObject (presigned), CreateMultipartUpload, UploadPart
#                                 (presigned), CompleteMultipartUpload
#   s3:GetObject                  GetObject (presigned, ranges), HeadObject
#   s3:PutObjectTagging           PutObjectTagging (the sha256 tag after an upload)
#   s3:DeleteObject               DeleteObject (sweeper, reconciler, resumable tails)
#   s3:AbortMultipartUpload       AbortMultipartUpload
#   s3:ListBucketMultipartUploads ListMultipartUploads (to abort a key's leftovers)
#   s3:ListBucket                 no listing call is made, but without it S3 answers HeadObject
#                                 and GetObject of a missing key with 403 instead of 404, which
#                                 media-edge would report as a storage failure, not "not found"
# Object keys are always media/<owner hash>/<id>[.tail-N] (ObjectKeys), hence the prefix.
data "aws_iam_policy_document" "media_edge_task" {
  statement {
    sid = "MediaObjects"
    actions = [
      "s3:PutObject",
      "s3:GetObject",
      "s3:PutObjectTagging",
      "s3:DeleteObject",
      "s3:AbortMultipartUpload",
    ]
    resources = ["${aws_s3_bucket.media.arn}/media/*"]
  }

  statement {
    sid = "MediaBucket"
    actions = [
      "s3:ListBucket",
      "s3:ListBucketMultipartUploads",
    ]
    resources = [aws_s3_bucket.media.arn]
  }

  dynamic "statement" {
    for_each = var.kms_key_arn == null ? [] : [var.kms_key_arn]
    content {
      sid       = "MediaEncryption"
      actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
      resources = [statement.value]

      # The key serves this bucket only, even if it is shared.
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["s3.${var.aws_region}.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role_policy" "media_edge_task" {
  name   = "media-bucket"
  role   = aws_iam_role.media_edge_task.id
  policy = data.aws_iam_policy_document.media_edge_task.json
}

resource "aws_iam_role" "media_edge_execution" {
  name               = "media-edge-${var.name}-execution"
  description        = "ECS starting media-edge in ${var.name}: image, logs, its secrets"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
  tags               = local.tags
}

resource "aws_iam_role_policy_attachment" "media_edge_execution" {
  role       = aws_iam_role.media_edge_execution.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

data "aws_iam_policy_document" "media_edge_secrets" {
  count = length(var.secrets) > 0 ? 1 : 0

  dynamic "statement" {
    for_each = length(local.secret_manager_arns) > 0 ? [1] : []
    content {
      actions   = ["secretsmanager:GetSecretValue"]
      resources = local.secret_manager_arns
    }
  }

  dynamic "statement" {
    for_each = length(local.ssm_parameter_arns) > 0 ? [1] : []
    content {
      actions   = ["ssm:GetParameters"]
      resources = local.ssm_parameter_arns
    }
  }
}

resource "aws_iam_role_policy" "media_edge_secrets" {
  count  = length(var.secrets) > 0 ? 1 : 0
  name   = "media-edge-secrets"
  role   = aws_iam_role.media_edge_execution.id
  policy = data.aws_iam_policy_document.media_edge_secrets[0].json
}
