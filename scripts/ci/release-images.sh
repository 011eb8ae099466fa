#!/usr/bin/env bash
# Builds the images with scripts/build-images.sh, tags them $REGISTRY/bankops-bank:$VERSION and
# pushes them. VERSION: the tag without its "v" (v1.4.0 -> 1.4.0), or on a release/* branch the
# branch's version plus the short commit (release/1.4 -> 1.4-<sha7>). Prints version=... to
# $GITHUB_OUTPUT when set. --dry-run builds and tags but pushes nothing.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
dry_run=0
[[ "${1:-}" == "--dry-run" ]] && dry_run=1
: "${REGISTRY:?REGISTRY: the registry and namespace to push to, e.g. ghcr.io/acme}"
ref="${RELEASE_REF:-$(git rev-parse --abbrev-ref HEAD)}"
case "$ref" in
  v[0-9]*) version="${ref#v}" ;;
  release/*) version="${ref#release/}-$(git rev-parse --short=7 HEAD)" ;;
  *) version="0.0.0-$(git rev-parse --short=7 HEAD)" ;;
esac
[[ "$version" =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$ ]] || { echo "release-images: '$version' is not a valid image tag" >&2; exit 1; }

for setup in scripts/setup.d/*docker*.sh; do
  [[ -e "$setup" ]] || continue
  if [[ "$(id -u)" != 0 ]] && command -v sudo >/dev/null 2>&1; then sudo -E "$setup"; else "$setup"; fi
done
scripts/build-images.sh
image="$REGISTRY/bankops-bank:$version"
docker tag "${BANKOPS_BANK_IMAGE:-bankops/bank:local}" "$image"
if [[ "$dry_run" == 1 ]]; then
  echo "release-images: would push $image"
else
  : "${REGISTRY_TOKEN:?REGISTRY_TOKEN: a token that may push to $REGISTRY}"
  printf '%s' "$REGISTRY_TOKEN" | docker login "${REGISTRY%%/*}" -u "${REGISTRY_USER:?REGISTRY_USER}" --password-stdin
  docker push "$image"
fi
echo "release-images: $image"
[[ -n "${GITHUB_OUTPUT:-}" ]] && echo "version=$version" >>"$GITHUB_OUTPUT"
exit 0
