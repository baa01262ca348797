#!/usr/bin/env bash
# The checks every change must pass, in one place: .ci/run and .github/workflows/ci.yml both run
# this script. Each step prints its time, so a slow one shows.
set -euo pipefail
cd "$(dirname "$0")/.."

started=$SECONDS
step() {
  local name=$1
  shift
  local at=$SECONDS
  echo "::group::$name" >&2
  "$@"
  echo "::endgroup::" >&2
  echo "ci: $name took $((SECONDS - at)) s" >&2
}

stale_dist() {
  npm run --silent package
  if [ -n "$(git status --porcelain -- dist)" ]; then
    echo "dist/ is stale: run 'npm run package' and commit the result." >&2
    git status --porcelain -- dist >&2
    git diff --stat -- dist >&2
    return 1
  fi
  echo "dist/ is what the sources build to."
}

step "install (npm ci)" npm ci --no-audit --no-fund
step "typecheck (sources, tests, local endpoints)" npm run --silent typecheck
step "lint" npm run --silent lint
step "format check" npm run --silent format:check
step "rebuild dist/ and compare" stale_dist
step "tests (npm test)" npm test
echo "ci: all checks passed in $((SECONDS - started)) s" >&2
