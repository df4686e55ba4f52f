# Placeholders: copy to terraform.tfvars (git-ignored) and fill in. Routing lives in routing.tf.
cloudflare_zone_id = "0123456789abcdef0123456789abcdef"
zone_name          = "example.com"
image              = "registry.example.com/media-edge@sha256:0000000000000000000000000000000000000000000000000000000000000000"
bucket_prefix      = "example-media-edge"

networks = {
  eu-west  = { vpc_id = "vpc-0eu", public_subnet_ids = ["subnet-0eua", "subnet-0eub"], private_subnet_ids = ["subnet-0euc", "subnet-0eud"] }
  us-east  = { vpc_id = "vpc-0us", public_subnet_ids = ["subnet-0usa", "subnet-0usb"], private_subnet_ids = ["subnet-0usc", "subnet-0usd"] }
  ap-south = { vpc_id = "vpc-0ap", public_subnet_ids = ["subnet-0apa", "subnet-0apb"], private_subnet_ids = ["subnet-0apc", "subnet-0apd"] }
}

# certs/pin.sh upload-eu.pem ...
media_edge_pins = {
  eu-west  = ["sha256/k8f7J8urSNB3wHkyx5zvbHDj/lx/NAlKnxjAPPFKlV8="]
  us-east  = ["sha256/iYk0s6Kp2RDsmpdWE9Qw2g8XDbyn9MglMuNDa+MOCHU="]
  ap-south = ["sha256/ubop/mlYc1+3ct9BKmfCqqU2AEQS1vrHgYUWIJWhg3U="]
}

# Read from Cloudflare's edge for each hostname that is or may be proxied (certs/README.md).
cloudflare_edge_pins = {
  eu-west  = ["sha256/HVj3rHI2FutLU0mjvRLjjGQr5u0mvYrceA143stHVho="]
  us-east  = ["sha256/WG8Dz5N+7uv8ZUaW+CZCVJHeACO4+ok+QWKSLgHdEsk="]
  ap-south = ["sha256/WGMXisWWloazVPVKYD3n66vKw0f2Ld5A7Y41YOsBlkI="]
}

# certs/make-backup-key.sh backup-2026-11
backup_pins = ["sha256/RwlI06vpH3Hviqtb9VGacu5E1tqa5bki5uGnCZY4rVw="]

environment = {
  eu-west  = { MEDIA_EDGE_HISTORY_CONTACT_POINTS = "[\"10.10.0.10:9042\"]", MEDIA_EDGE_HISTORY_LOCAL_DATACENTER = "eu-west", MEDIA_EDGE_EVENTS_BOOTSTRAP_SERVERS = "[\"10.10.0.20:9092\"]" }
  us-east  = { MEDIA_EDGE_HISTORY_CONTACT_POINTS = "[\"10.20.0.10:9042\"]", MEDIA_EDGE_HISTORY_LOCAL_DATACENTER = "us-east", MEDIA_EDGE_EVENTS_BOOTSTRAP_SERVERS = "[\"10.20.0.20:9092\"]" }
  ap-south = { MEDIA_EDGE_HISTORY_CONTACT_POINTS = "[\"10.30.0.10:9042\"]", MEDIA_EDGE_HISTORY_LOCAL_DATACENTER = "ap-south", MEDIA_EDGE_EVENTS_BOOTSTRAP_SERVERS = "[\"10.30.0.20:9092\"]" }
}

# Key material as Secrets Manager secrets (PEM text): ECS injects each as a variable and the
# image's launcher writes it to a file only media-edge can read (MEDIA_EDGE_SECRET_FILE_<OPTION>).
secrets = {
  eu-west = {
    MEDIA_EDGE_SECRET_FILE_SERVER_HTTPS_CERT_FILE = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:media-edge/eu-west/tls-chain"
    MEDIA_EDGE_SECRET_FILE_SERVER_HTTPS_KEY_FILE  = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:media-edge/eu-west/tls-key"
    MEDIA_EDGE_SECRET_FILE_PINS_SIGNING_KEY_FILE  = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:media-edge/pin-signing-key"
    MEDIA_EDGE_SECRET_FILE_AUTH_PUBLIC_KEY_FILES  = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:media-edge/jwt-public-key"
  }
  us-east  = {}
  ap-south = {}
}
