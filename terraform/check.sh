#!/usr/bin/env bash
# The Terraform checks that run without provider downloads: formatting of everything, and the
# tests of the provider-free routing switch. The AWS and Cloudflare modules need their providers
# for init/validate/plan, which these machines cannot download: they are format-checked only.
#
#   bash terraform/check.sh
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"

if ! command -v terraform >/dev/null 2>&1; then
  echo "terraform not on PATH: skipped"
  exit 0
fi

# Everything terraform writes goes to a scratch directory, never into the tree: no .terraform,
# no plugin cache, and no dependency on the user's ~/.terraformrc.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
: >"$scratch/cli.tfrc"
export TF_CLI_CONFIG_FILE="$scratch/cli.tfrc"
export TF_DATA_DIR="$scratch/data"
export TF_IN_AUTOMATION=1
export CHECKPOINT_DISABLE=1

echo "$(terraform version | head -1): fmt -check on terraform/"
if ! terraform fmt -check -recursive -diff "$here"; then
  echo "FAIL: files above are not formatted; run: terraform fmt -recursive terraform/" >&2
  exit 1
fi

routing="$here/modules/routing"
if ! init_log="$(terraform -chdir="$routing" init -input=false -no-color -backend=false 2>&1)"; then
  echo "$init_log" >&2
  echo "FAIL: terraform init of modules/routing" >&2
  exit 1
fi

if ! test_log="$(terraform -chdir="$routing" test -no-color 2>&1)"; then
  echo "$test_log" >&2
  echo "FAIL: terraform test of modules/routing" >&2
  exit 1
fi
# Keep the output short: one line per test file and the summary.
grep -E '^tests/.*\.\.\. (pass|fail)$|^(Success|Failure)!' <<<"$test_log" | sed 's/^/modules\/routing: /'
