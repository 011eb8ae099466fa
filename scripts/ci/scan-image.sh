#!/usr/bin/env bash
# Builds the images as the release does (scripts/build-images.sh: an offline JRE base and the bank
# image) and scans them with Trivy: OS packages and the Java libraries inside. Findings go to
# $REPORTS_DIR/security/image/*.sarif; CRITICAL ones fail the stage (SCAN_FAIL_ON to change).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
OUT="${REPORTS_DIR:-$ROOT/target/ci}/security"
mkdir -p "$OUT/image"
command -v trivy >/dev/null 2>&1 || { echo "scan-image: trivy is not installed (scripts/ci/install-scanners.sh)" >&2; exit 1; }
[[ -x scripts/build-images.sh ]] || { echo "scan-image: scripts/build-images.sh is missing (the docker runtime)" >&2; exit 1; }
for setup in scripts/setup.d/*docker*.sh; do
  [[ -e "$setup" ]] || continue
  if [[ "$(id -u)" != 0 ]] && command -v sudo >/dev/null 2>&1; then sudo -E "$setup"; else "$setup"; fi
done
scripts/ci/build.sh
scripts/build-images.sh
rc=0
read -r -a images <<<"${SCAN_IMAGES:-${BANKOPS_BANK_IMAGE:-bankops/bank:local}}"
for image in "${images[@]}"; do
  name="$(echo "$image" | tr '/:' '__')"
  docker save -o "$OUT/$name.tar" "$image"
  trivy image --input "$OUT/$name.tar" --severity HIGH,CRITICAL --format sarif --output "$OUT/image/$name.sarif"
  trivy image --input "$OUT/$name.tar" --severity "${SCAN_FAIL_ON:-CRITICAL}" --exit-code 1 --format table || rc=1
  rm -f "$OUT/$name.tar"
done
exit "$rc"
