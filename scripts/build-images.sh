#!/usr/bin/env bash
# Builds the container images offline (no registry is reachable here):
#   1. a JRE base image: jlink from the local JDK 17, the shared libraries ldd lists plus the dynamic
#      loader, /etc/passwd with nobody, imported with `tar | docker import` (about 60 MB);
#   2. the bank image FROM it (docker/bank/Dockerfile, base as a build argument, runs as nobody).
# Skips an image that is current: the base is labelled with the JDK version and module list, the
# bank image with the jar's sha256. Usage: scripts/build-images.sh [--force]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BASE_IMAGE="${BANKOPS_BASE_IMAGE:-bankops/jre:17}"
BANK_IMAGE="${BANKOPS_BANK_IMAGE:-bankops/bank:local}"
BANK_JAR="${BANKOPS_BANK_JAR:-bank-demo/target/bank-demo-0.1.0-SNAPSHOT-all.jar}"
# what the bank service needs (Vert.x, Netty, PostgreSQL JDBC, Flyway, Jackson, Logback, Micrometer)
MODULES="java.base,java.logging,java.management,java.naming,java.net.http,java.security.jgss,java.sql,java.xml,jdk.crypto.ec,jdk.management,jdk.naming.dns,jdk.unsupported,jdk.zipfs"
FORCE=0
[[ "${1:-}" == "--force" ]] && FORCE=1

START=$(date +%s)
progress() { printf '[images %3ss] %s\n' "$(($(date +%s) - START))" "$*"; }
label_of() { # IMAGE LABEL -> value, empty when the image or label is missing
  docker image inspect --format "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true
}

docker info >/dev/null 2>&1 || {
  echo "build-images: no Docker engine answers (scripts/setup.d/20-docker.sh starts one)" >&2
  exit 1
}
# one build at a time: tests and the demo may call this concurrently
exec 9>"${TMPDIR:-/tmp}/bankops-build-images.lock"
flock -w 300 9

JAVA_HOME_DIR="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
JLINK="$JAVA_HOME_DIR/bin/jlink"
[[ -x "$JLINK" ]] || JLINK="$(command -v jlink)"
JDK_VERSION="$("$JAVA_HOME_DIR/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.runtime.version/ {print $2}')"
BASE_KEY="$(printf '%s|%s|v1' "$JDK_VERSION" "$MODULES" | sha256sum | cut -c1-16)"

summary=()
if [[ "$FORCE" == 0 && "$(label_of "$BASE_IMAGE" com.bankops.base-key)" == "$BASE_KEY" ]]; then
  progress "base $BASE_IMAGE is current (JDK $JDK_VERSION), skipped"
  summary+=("base $BASE_IMAGE: current")
else
  progress "base $BASE_IMAGE: jlink a JRE from $JAVA_HOME_DIR (JDK $JDK_VERSION)"
  WORK="$(mktemp -d)"
  trap 'rm -rf "$WORK"' EXIT
  ROOTFS="$WORK/rootfs"
  mkdir -p "$ROOTFS/opt" "$ROOTFS/etc" "$ROOTFS/app"
  "$JLINK" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages \
    --compress=2 --output "$ROOTFS/opt/jre"
  progress "base: copying the shared libraries the JRE's ELF files need"
  libs=()
  while IFS= read -r -d '' elf; do
    # "libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x...)" and "/lib64/ld-linux-x86-64.so.2 (0x...)"
    while read -r lib; do libs+=("$lib"); done < <(ldd "$elf" 2>/dev/null | grep -oE '/[^ ]+\.so[^ ]*' || true)
  done < <(find "$ROOTFS/opt/jre" -type f \( -name '*.so' -o -path '*/bin/*' \) -print0)
  # loaded with dlopen, so ldd does not list them: name lookup (localhost), thread unwinding
  for extra in /lib/x86_64-linux-gnu/libnss_files.so.2 /lib/x86_64-linux-gnu/libnss_dns.so.2 \
    /lib/x86_64-linux-gnu/libresolv.so.2 /lib/x86_64-linux-gnu/libgcc_s.so.1; do
    [[ -e "$extra" ]] && libs+=("$extra")
  done
  mapfile -t libs < <(printf '%s\n' "${libs[@]}" | sort -u)
  for lib in "${libs[@]}"; do
    [[ "$lib" == "$ROOTFS"* ]] && continue
    mkdir -p "$ROOTFS$(dirname "$lib")"
    cp -L "$lib" "$ROOTFS$lib"
  done
  # /lib64 and /lib are symlinks on merged-/usr hosts; ldd prints either spelling
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n' >"$ROOTFS/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$ROOTFS/etc/group"
  printf 'hosts: files dns\n' >"$ROOTFS/etc/nsswitch.conf"
  printf '127.0.0.1 localhost\n::1 localhost\n' >"$ROOTFS/etc/hosts"
  mkdir -p "$ROOTFS/tmp" && chmod 1777 "$ROOTFS/tmp"
  progress "base: ${#libs[@]} libraries, $(du -sm "$ROOTFS" | cut -f1) MB; docker import"
  tar -C "$ROOTFS" --numeric-owner --owner=0 --group=0 -c . |
    docker import \
      --change 'ENV PATH=/opt/jre/bin:/usr/bin:/bin' \
      --change 'ENV JAVA_HOME=/opt/jre' \
      --change "LABEL com.bankops.base-key=$BASE_KEY com.bankops.jdk=$JDK_VERSION" \
      - "$BASE_IMAGE" >/dev/null
  rm -rf "$WORK"
  trap - EXIT
  summary+=("base $BASE_IMAGE: built ($(docker image inspect --format '{{.Size}}' "$BASE_IMAGE" | awk '{printf "%d MB", $1/1000000}'))")
  # a new base makes the bank image stale even when the jar is the same
  FORCE=1
fi

if [[ ! -f "$BANK_JAR" ]]; then
  progress "bank jar $BANK_JAR missing: building bank-demo"
  ./mvnw -q -B -ntp -pl bank-demo -DskipTests -Dspotless.check.skip=true -Djacoco.skip=true package
fi
# the jar and the Dockerfile together: a changed Dockerfile (e.g. its CDS steps) rebuilds the image
JAR_SHA="$(cat "$BANK_JAR" docker/bank/Dockerfile | sha256sum | cut -d' ' -f1)"
if [[ "$FORCE" == 0 && "$(label_of "$BANK_IMAGE" com.bankops.jar-sha256)" == "$JAR_SHA" ]]; then
  progress "bank $BANK_IMAGE is current (jar ${JAR_SHA:0:12}), skipped"
  summary+=("bank $BANK_IMAGE: current")
else
  progress "bank $BANK_IMAGE: docker build FROM $BASE_IMAGE with $BANK_JAR (${JAR_SHA:0:12})"
  CTX="$(mktemp -d)"
  trap 'rm -rf "$CTX"' EXIT
  cp "$BANK_JAR" "$CTX/bank.jar"
  cp docker/bank/Dockerfile "$CTX/Dockerfile"
  DOCKER_BUILDKIT=0 docker build -q --pull=false \
    --build-arg "BASE_IMAGE=$BASE_IMAGE" --build-arg "JAR_SHA256=$JAR_SHA" \
    -t "$BANK_IMAGE" "$CTX" >"$CTX.log" 2>&1 || {
    cat "$CTX.log" >&2
    exit 1
  }
  rm -f "$CTX.log"
  rm -rf "$CTX"
  trap - EXIT
  summary+=("bank $BANK_IMAGE: built (jar ${JAR_SHA:0:12})")
fi

progress "summary:"
for line in "${summary[@]}"; do printf '  %s\n' "$line"; done
progress "done in $(($(date +%s) - START)) s"
