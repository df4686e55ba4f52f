terraform {
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 6.x: every regional resource takes its own `region`, so one provider serves every region.
      version = "~> 6.0"
    }
  }
}
