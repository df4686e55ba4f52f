#!/usr/bin/env bash
# Builds the media-edge, insights and thumbnails images from their distributions and runs them for real, with
# podman and runc (no Docker engine and no registry are needed):
#   1. validates docker/compose.yaml offline (docker/check-compose.sh);
#   2. builds the distributions (./mvnw -DskipTests package for server, insights and thumbnails);
#   3. makes the base image with debootstrap (Debian bookworm minbase + openjdk-17-jre-headless +
#      ca-certificates), once: the root file system is cached as a tar in
#      ${XDG_CACHE_HOME:-~/.cache}/media-edge/ and imported into podman when the image is missing
#      (remove that folder and `podman rmi localhost/media-edge-base:bookworm-jre17` to refresh it);
#   4. builds both images with BASE set to it;
#   5. starts the dev stack on the host (dev mode: real S3, Cassandra and Kafka, dev keys, and its
#      own media-edge and insights on free ports; it writes target/dev/dev-env.json);
#   6. runs media-edge in its container on the host network against that stack with production-
#      style secret files, waits for the image's HEALTHCHECK, uploads and downloads a file, sends
#      SIGTERM in the middle of a slow upload and checks that the upload still got its 201, that
#      readiness dropped at once and that the container exited 0 within server.shutdownGrace;
#   7. runs insights in its container against the same Kafka until healthy, stops it the same way;
#   8. runs the thumbnails worker in its container (read-only root) against the same stack (dev
#      mode's own worker is off), uploads a real JPEG through dev mode's media-edge and waits for
#      its thumbnail, then stops the worker with SIGTERM (exit 0);
#   9. prints the image sizes and the time taken.
#
# Run it as root from anywhere, with no input (CI=true also installs the Debian packages it uses:
# podman runc debootstrap docker-compose). Not part of ./mvnw verify.
# Environment: TEST_IMAGES_HTTPS_PORT (29443), TEST_IMAGES_HTTP_PORT (29080),
# TEST_IMAGES_INSIGHTS_PORT (29090), DEBIAN_MIRROR (http://deb.debian.org/debian).
# Dev mode's data lives in target/dev: do not run this while dev mode runs in the same checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
started=$SECONDS

say() { printf '[test-images %3ds] %s\n' "$((SECONDS - started))" "$*"; }
fail() {
  say "FAILED: $*" >&2
  exit 1
}

if [[ "${CI:-}" == "true" ]]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update </dev/null
  apt-get install -y --no-upgrade podman runc debootstrap docker-compose curl </dev/null
fi
[[ $(id -u) == 0 ]] || fail "run as root: debootstrap and podman's host network need it"
for tool in podman runc debootstrap docker-compose curl; do
  command -v "$tool" >/dev/null || fail "$tool is missing (Debian packages: podman runc debootstrap docker-compose curl)"
done

# Our podman settings (runc, explicit ulimits), never the system's files.
export CONTAINERS_CONF=$root/docker/containers.conf
https_port=${TEST_IMAGES_HTTPS_PORT:-29443}
http_port=${TEST_IMAGES_HTTP_PORT:-29080}
insights_port=${TEST_IMAGES_INSIGHTS_PORT:-29090}
for port in "$https_port" "$http_port" "$insights_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    fail "port $port is in use: set TEST_IMAGES_HTTPS_PORT, TEST_IMAGES_HTTP_PORT or TEST_IMAGES_INSIGHTS_PORT"
  fi
done
work=$root/target/test-images
rm -rf "$work"
mkdir -p "$work"
edge_image=localhost/media-edge:test
insights_image=localhost/insights:test
thumbnails_image=localhost/thumbnails:test
dev_pid=""

cleanup() {
  podman rm -f -t 0 test-images-media-edge test-images-insights test-images-thumbnails >/dev/null 2>&1 || true
  rm -rf "$work/secrets"
  if [[ -n "$dev_pid" ]] && kill -0 "$dev_pid" 2>/dev/null; then
    # Dev mode stops its servers on SIGTERM; what is left after a minute is killed with its group.
    kill -TERM "$dev_pid" 2>/dev/null || true
    for _ in $(seq 60); do kill -0 "$dev_pid" 2>/dev/null || break; sleep 1; done
    kill -KILL -- "-$dev_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT

# podman asks systemd for a timer to run an image's HEALTHCHECK and, without systemd, logs an error
# on every run; the container runs all the same, and this script runs the check itself.
without_systemd_noise() { grep -v 'unable to get systemd connection' >&2 || true; }

# 1. The region's compose file.
docker/check-compose.sh

# 2. The distributions.
say "building the distributions (./mvnw -DskipTests package, server, insights and thumbnails)"
./mvnw -B -q -DskipTests -pl server,insights,thumbnails -am package </dev/null
edge_dist=$(echo server/target/media-edge-*-dist/media-edge-*/)
insights_dist=$(echo insights/target/insights-*-dist/insights-*/)
thumbnails_dist=$(echo thumbnails/target/thumbnails-*-dist/thumbnails-*/)
[[ -x $edge_dist/bin/media-edge && -x $insights_dist/bin/insights && -x $thumbnails_dist/bin/thumbnails ]] \
  || fail "no distribution in server/target, insights/target or thumbnails/target"

# 3. The base image.
cache=${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/media-edge
base_image=localhost/media-edge-base:bookworm-jre17
base_tar=$cache/base-bookworm-jre17.tar
if ! podman image exists "$base_image"; then
  if [[ ! -s $base_tar ]]; then
    say "making the base image with debootstrap (once; cached in $cache)"
    mkdir -p "$cache"
    rootfs=$cache/rootfs.tmp
    rm -rf "$rootfs"
    debootstrap --variant=minbase --include=openjdk-17-jre-headless,ca-certificates bookworm "$rootfs" \
      "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" </dev/null >"$work/debootstrap.log" 2>&1 \
      || fail "debootstrap failed, see $work/debootstrap.log"
    # What a server never reads: downloaded packages, package lists, documentation, translations.
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
      "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/usr/share/locale/*
    tar --numeric-owner -C "$rootfs" -cf "$base_tar.tmp" .
    mv "$base_tar.tmp" "$base_tar"
    rm -rf "$rootfs"
  fi
  say "importing the base image from $base_tar"
  podman import --change 'CMD ["/bin/bash"]' "$base_tar" "$base_image" >/dev/null
fi

# 4. The images.
say "building $edge_image and $insights_image (BASE=$base_image)"
build_started=$SECONDS
podman build -q --format docker --build-arg "BASE=$base_image" -f docker/media-edge/Dockerfile -t "$edge_image" \
  "$edge_dist" >/dev/null
podman build -q --format docker --build-arg "BASE=$base_image" -f docker/insights/Dockerfile -t "$insights_image" \
  "$insights_dist" >/dev/null
podman build -q --format docker --build-arg "BASE=$base_image" -f docker/thumbnails/Dockerfile -t "$thumbnails_image" \
  "$thumbnails_dist" >/dev/null
say "images built in $((SECONDS - build_started)) s"

# 5. The dev stack. It starts three servers and two services in forked JVMs on two cores; one
# start that dies is retried once before the test fails.
env_file=target/dev/dev-env.json
start_dev_stack() {
  say "starting the dev stack (dev mode), log: $work/dev-mode.log"
  rm -f "$env_file"
  MEDIA_EDGE_DEV_HTTPS_PORT=0 MEDIA_EDGE_DEV_HTTP_PORT=0 MEDIA_EDGE_DEV_INSIGHTS_PORT=0 MEDIA_EDGE_DEV_THUMBNAILS=off \
    setsid ./mvnw -B -Pdev -Ddev.geoip.skip=true compile exec:java </dev/null >>"$work/dev-mode.log" 2>&1 &
  dev_pid=$!
  for _ in $(seq 600); do
    [[ -s $env_file ]] && return 0
    kill -0 "$dev_pid" 2>/dev/null || { grep -v '^\[WARNING\]' "$work/dev-mode.log" | tail -15 >&2; return 1; }
    sleep 1
  done
  kill -TERM "$dev_pid" 2>/dev/null || true
  return 1
}
start_dev_stack || start_dev_stack || fail "the dev stack did not start, see $work/dev-mode.log"
dev() { sed -n "s/.*\"$1\" : \"\(.*\)\".*/\1/p" "$env_file"; }
say "dev stack up: S3 $(dev s3Endpoint), Cassandra $(dev cassandraContactPoint), Kafka $(dev kafkaBootstrap)"

# 6. media-edge in its container. Secrets go in as files, as in production: the dev certificate and
# JWT public key, the S3 credentials and a cursor key made now; readable by the image's uid only.
# The TLS key goes in as a variable instead, as ECS injects a Secrets Manager value: the launcher
# writes it to a private file (MEDIA_EDGE_SECRET_FILE_SERVER_HTTPS_KEY_FILE).
secrets=$work/secrets
mkdir -p "$secrets"
cp certs/dev/server.pem certs/dev/server-key.pem certs/dev/jwt-public.pem "$secrets/"
dev s3AccessKey >"$secrets/s3-access-key"
dev s3SecretKey >"$secrets/s3-secret-key"
head -c 32 /dev/urandom | base64 >"$secrets/cursor.key"
chown -R 10001:10001 "$secrets"
chmod 0500 "$secrets"
chmod 0400 "$secrets"/*
grace_seconds=30
s=/run/secrets/media-edge
podman run -d --name test-images-media-edge --network host --stop-timeout $((grace_seconds + 10)) \
  -v "$secrets:$s:ro" \
  -e MEDIA_EDGE_HEAP=256m \
  -e MEDIA_EDGE_SERVER_REGION=test-images \
  -e MEDIA_EDGE_SERVER_HTTPS_PORT="$https_port" -e MEDIA_EDGE_SERVER_HTTP_PORT="$http_port" \
  -e MEDIA_EDGE_SERVER_SHUTDOWN_GRACE=${grace_seconds}s \
  -e MEDIA_EDGE_SERVER_HTTPS_CERT_FILE=$s/server.pem \
  -e MEDIA_EDGE_SECRET_FILE_SERVER_HTTPS_KEY_FILE="$(cat certs/dev/server-key.pem)" \
  -e MEDIA_EDGE_AUTH_PUBLIC_KEY_FILES=$s/jwt-public.pem \
  -e MEDIA_EDGE_AUTH_ISSUER="$(dev issuer)" -e MEDIA_EDGE_AUTH_AUDIENCE="$(dev audience)" \
  -e MEDIA_EDGE_STORAGE_ENDPOINT="$(dev s3Endpoint)" -e MEDIA_EDGE_STORAGE_PATH_STYLE=true \
  -e MEDIA_EDGE_STORAGE_REGION="$(dev s3Region)" -e MEDIA_EDGE_STORAGE_BUCKET="$(dev bucket)" \
  -e MEDIA_EDGE_STORAGE_ACCESS_KEY_FILE=$s/s3-access-key -e MEDIA_EDGE_STORAGE_SECRET_KEY_FILE=$s/s3-secret-key \
  -e MEDIA_EDGE_HISTORY_CONTACT_POINTS="$(dev cassandraContactPoint)" \
  -e MEDIA_EDGE_HISTORY_LOCAL_DATACENTER="$(dev cassandraLocalDatacenter)" \
  -e MEDIA_EDGE_HISTORY_CURSOR_KEY_FILE=$s/cursor.key \
  -e MEDIA_EDGE_EVENTS_BOOTSTRAP_SERVERS="$(dev kafkaBootstrap)" \
  "$edge_image" >/dev/null 2> >(without_systemd_noise)

# The image's own HEALTHCHECK (GET /readyz through bash's /dev/tcp), run by podman when asked.
wait_healthy() {
  local name=$1 seconds=$2 since=$SECONDS
  while ((SECONDS - since < seconds)); do
    if podman healthcheck run "$name" >/dev/null 2>&1; then
      say "$name is healthy after $((SECONDS - since)) s"
      return 0
    fi
    [[ $(podman inspect -f '{{.State.Running}}' "$name") == true ]] || break
    sleep 2
  done
  podman logs "$name" 2>&1 | grep -v $'^\t' | tail -30 >&2
  fail "$name did not become healthy within $seconds s"
}
wait_healthy test-images-media-edge 240
# The TLS key went in as a variable: the launcher made it a file only its user may read, and
# removed the variable, so the JVM's environment (PID 1) does not hold the key.
key_env=$(podman exec test-images-media-edge bash -c 'tr "\0" "\n" </proc/1/environ' | grep -c '^MEDIA_EDGE_SECRET_FILE_' || true)
[[ $key_env == 0 ]] || fail "the JVM's environment still holds MEDIA_EDGE_SECRET_FILE_ variables"
key_file=$(podman exec test-images-media-edge bash -c 'tr "\0" "\n" </proc/1/environ | sed -n "s/^MEDIA_EDGE_SERVER_HTTPS_KEY_FILE=//p"')
key_mode=$(podman exec test-images-media-edge stat -c %a "$key_file")
[[ $key_mode == 600 ]] || fail "the TLS key file $key_file has mode $key_mode, not 600"
say "the TLS key given as a variable became $key_file (mode 600); the JVM's environment does not hold it"

base_url=https://localhost:$https_port
token=$(dev token)
sample=$work/sample.jpg
# 3 MB that start like a JPEG (the server checks the first bytes against the declared type).
{ printf '\xff\xd8\xff\xe0'; head -c 3000000 /dev/urandom; } >"$sample"
api() { curl -sS --cacert certs/dev/ca.pem -H "Authorization: Bearer $token" "$@"; }

code=$(api -o "$work/upload.json" -w '%{http_code}' -H 'Content-Type: image/jpeg' --data-binary "@$sample" "$base_url/v1/media")
[[ $code == 201 ]] || fail "upload answered $code: $(cat "$work/upload.json")"
id=$(sed -n 's/.*"id":"\([^"]*\)".*/\1/p' "$work/upload.json")
code=$(api -o "$work/download.jpg" -w '%{http_code}' "$base_url/v1/media/$id")
[[ $code == 200 ]] || fail "download answered $code"
cmp -s "$sample" "$work/download.jpg" || fail "the downloaded bytes differ from the uploaded ones"
say "uploaded and downloaded $(stat -c %s "$sample") bytes through the container (media $id)"

# The region audit from the same image and configuration, beside the serving region: every
# invariant must hold (exit 0); its JSON report is kept with the logs.
audit_code=0
podman exec -e MEDIA_EDGE_HEAP=128m test-images-media-edge bin/media-edge audit --verify-content --json - \
  >"$work/audit.json" 2>"$work/audit.log" || audit_code=$?
[[ $audit_code == 0 ]] || { tail -20 "$work/audit.log" >&2; cat "$work/audit.json" >&2; fail "the audit exited $audit_code"; }
audited=$(tr -d ' \n' <"$work/audit.json" | sed -n 's/.*"objects":\([0-9]*\).*/\1/p')
verified=$(tr -d ' \n' <"$work/audit.json" | sed -n 's/.*"contentVerified":\([0-9]*\).*/\1/p')
((verified >= 1)) || fail "the audit read no object's content: $(cat "$work/audit.json")"
say "bin/media-edge audit in the container: $audited objects, $verified SHA-256 read back, every invariant holds"

# SIGTERM in the middle of an upload that takes about 10 s (300 KB/s).
api -o "$work/slow-upload.json" -w '%{http_code}' --limit-rate 300k -H 'Content-Type: image/jpeg' \
  --data-binary "@$sample" "$base_url/v1/media" >"$work/slow-upload.code" &
upload_pid=$!
sleep 3
kill -0 "$upload_pid" 2>/dev/null || fail "the slow upload ended before SIGTERM"
term_at=$SECONDS
podman kill --signal TERM test-images-media-edge >/dev/null
sleep 1
ready=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http_port/readyz" || true)
[[ $ready != 200 ]] || fail "/readyz still answered 200 one second into the drain"
wait "$upload_pid" || true
code=$(cat "$work/slow-upload.code")
[[ $code == 201 ]] || fail "the upload in flight at SIGTERM answered $code: $(cat "$work/slow-upload.json")"
exit_code=$(podman wait test-images-media-edge)
stopped_in=$((SECONDS - term_at))
[[ $exit_code == 0 ]] || { podman logs test-images-media-edge 2>&1 | tail -20 >&2; fail "media-edge exited $exit_code after SIGTERM"; }
((stopped_in <= grace_seconds)) || fail "media-edge took $stopped_in s to stop (grace ${grace_seconds} s)"
say "SIGTERM mid-upload: the upload got 201, /readyz answered ${ready/000/no connection}, the container exited 0 after $stopped_in s (grace ${grace_seconds} s)"
podman logs test-images-media-edge >"$work/media-edge.log" 2>&1

# 7. insights in its container, against the same Kafka; its own group and partials topic, so the
# dev mode's insights is not disturbed, and no detection (it would publish advisories).
podman run -d --name test-images-insights --network host --stop-timeout 70 \
  -e INSIGHTS_HEAP=256m \
  -e MEDIA_EDGE_INSIGHTS_HTTP_PORT="$insights_port" \
  -e MEDIA_EDGE_INSIGHTS_KAFKA_BOOTSTRAP_SERVERS="$(dev kafkaBootstrap)" \
  -e MEDIA_EDGE_INSIGHTS_KAFKA_GROUP_ID=test-images-insights \
  -e MEDIA_EDGE_INSIGHTS_KAFKA_PARTIALS_TOPIC=test-images.insights.partials \
  -e MEDIA_EDGE_INSIGHTS_INSTANCE_NAME=test-images \
  -e MEDIA_EDGE_INSIGHTS_DETECTION_ENABLED=false \
  "$insights_image" >/dev/null 2> >(without_systemd_noise)
wait_healthy test-images-insights 240
code=$(curl -s -o "$work/summary.json" -w '%{http_code}' "http://127.0.0.1:$insights_port/api/v1/summary")
[[ $code == 200 ]] || fail "insights /api/v1/summary answered $code"
term_at=$SECONDS
podman kill --signal TERM test-images-insights >/dev/null
exit_code=$(podman wait test-images-insights)
[[ $exit_code == 0 ]] || { podman logs test-images-insights 2>&1 | tail -20 >&2; fail "insights exited $exit_code after SIGTERM"; }
say "insights answered /api/v1/summary and exited 0 $((SECONDS - term_at)) s after SIGTERM"
podman logs test-images-insights >"$work/insights.log" 2>&1

# 8. The thumbnails worker in its container, read-only, against the same stack: the only worker (dev
# mode's is off), so a thumbnail that appears is its work.
podman run -d --name test-images-thumbnails --network host --read-only --stop-timeout 70 \
  -e THUMBNAILS_HEAP=256m \
  -e MEDIA_EDGE_THUMBNAILS_KAFKA_BOOTSTRAP_SERVERS="$(dev kafkaBootstrap)" \
  -e MEDIA_EDGE_THUMBNAILS_KAFKA_GROUP_ID=test-images-thumbnails \
  -e MEDIA_EDGE_THUMBNAILS_STORAGE_ENDPOINT="$(dev s3Endpoint)" \
  -e MEDIA_EDGE_THUMBNAILS_STORAGE_REGION="$(dev s3Region)" \
  -e MEDIA_EDGE_THUMBNAILS_STORAGE_BUCKET="$(dev bucket)" \
  -e MEDIA_EDGE_THUMBNAILS_STORAGE_PATH_STYLE=true \
  -e MEDIA_EDGE_THUMBNAILS_STORAGE_ACCESS_KEY="$(dev s3AccessKey)" \
  -e MEDIA_EDGE_THUMBNAILS_STORAGE_SECRET_KEY="$(dev s3SecretKey)" \
  -e MEDIA_EDGE_THUMBNAILS_CASSANDRA_CONTACT_POINTS="$(dev cassandraContactPoint)" \
  -e MEDIA_EDGE_THUMBNAILS_CASSANDRA_LOCAL_DATACENTER="$(dev cassandraLocalDatacenter)" \
  "$thumbnails_image" >/dev/null 2> >(without_systemd_noise)
dev_url=$(dev baseUrl)
photo=$work/photo.jpg
java docker/MakeSamplePhoto.java "$photo" || fail "could not make the sample photo"
code=$(api -o "$work/photo.json" -w '%{http_code}' -H 'Content-Type: image/jpeg' --data-binary "@$photo" "$dev_url/v1/media")
[[ $code == 201 ]] || fail "the photo's upload answered $code: $(cat "$work/photo.json")"
photo_id=$(sed -n 's/.*"id":"\([^"]*\)".*/\1/p' "$work/photo.json")
since=$SECONDS
until [[ $(api -o "$work/thumb.jpg" -w '%{http_code}' "$dev_url/v1/media/$photo_id/thumbnails/200") == 200 ]]; do
  [[ $(podman inspect -f '{{.State.Running}}' test-images-thumbnails) == true ]] \
    || { podman logs test-images-thumbnails 2>&1 | tail -20 >&2; fail "the thumbnails container stopped"; }
  ((SECONDS - since < 180)) || { podman logs test-images-thumbnails 2>&1 | tail -20 >&2; fail "no thumbnail within 180 s"; }
  sleep 2
done
[[ $(head -c 2 "$work/thumb.jpg" | od -An -tx1 | tr -d ' ') == ffd8 ]] || fail "the thumbnail is not a JPEG"
say "the thumbnails container made the photo's thumbnail in $((SECONDS - since)) s ($(stat -c %s "$work/thumb.jpg") bytes)"
term_at=$SECONDS
podman kill --signal TERM test-images-thumbnails >/dev/null
exit_code=$(podman wait test-images-thumbnails)
podman logs test-images-thumbnails >"$work/thumbnails.log" 2>&1
[[ $exit_code == 0 ]] || { tail -20 "$work/thumbnails.log" >&2; fail "the thumbnails worker exited $exit_code after SIGTERM"; }
grep -q 'thumbnails worker stopped: {.*made=[1-9]' "$work/thumbnails.log" \
  || { tail -20 "$work/thumbnails.log" >&2; fail "the worker's last line counts no thumbnail made"; }
say "the thumbnails worker exited 0 $((SECONDS - term_at)) s after SIGTERM: $(grep -o 'thumbnails worker stopped: .*' "$work/thumbnails.log")"

# 9. Sizes and time.
say "images:"
podman image ls --format '  {{.Repository}}:{{.Tag}}  {{.Size}}' | grep -E 'media-edge|insights|thumbnails' || true
say "distributions: $(du -h server/target/media-edge-*-dist.tar.gz insights/target/insights-*-dist.tar.gz thumbnails/target/thumbnails-*-dist.tar.gz | awk '{printf "%s %s  ", $2, $1}')"
say "all checks passed in $((SECONDS - started)) s"
