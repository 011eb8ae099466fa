#!/usr/bin/env bash
# Installs the scanners the security stage uses, pinned, into $SCANNERS_DIR (default
# ~/.local/bin) when missing: Trivy (dependencies and images) and gitleaks (secrets). They come
# from their GitHub releases, so this works on a GitHub runner or any machine that reaches GitHub;
# on a machine that does not, install them from a mirror and put them on PATH.
set -euo pipefail
TRIVY_VERSION="${TRIVY_VERSION:-0.58.1}"
GITLEAKS_VERSION="${GITLEAKS_VERSION:-8.21.2}"
DIR="${SCANNERS_DIR:-$HOME/.local/bin}"
mkdir -p "$DIR"
export PATH="$DIR:$PATH"
[[ -n "${GITHUB_PATH:-}" ]] && echo "$DIR" >>"$GITHUB_PATH"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

if ! command -v trivy >/dev/null 2>&1; then
  echo "installing trivy $TRIVY_VERSION"
  curl -fsSL -o "$tmp/trivy.tgz" \
    "https://github.com/aquasecurity/trivy/releases/download/v${TRIVY_VERSION}/trivy_${TRIVY_VERSION}_Linux-64bit.tar.gz"
  tar -xzf "$tmp/trivy.tgz" -C "$tmp" trivy
  install -m 755 "$tmp/trivy" "$DIR/trivy"
fi
if ! command -v gitleaks >/dev/null 2>&1; then
  echo "installing gitleaks $GITLEAKS_VERSION"
  curl -fsSL -o "$tmp/gitleaks.tgz" \
    "https://github.com/gitleaks/gitleaks/releases/download/v${GITLEAKS_VERSION}/gitleaks_${GITLEAKS_VERSION}_linux_x64.tar.gz"
  tar -xzf "$tmp/gitleaks.tgz" -C "$tmp" gitleaks
  install -m 755 "$tmp/gitleaks" "$DIR/gitleaks"
fi
echo "scanners: $(trivy --version | head -1), gitleaks $(gitleaks version)"
