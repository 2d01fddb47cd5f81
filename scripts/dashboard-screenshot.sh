#!/usr/bin/env bash
# Renders DIR/index.html in headless Chromium and saves a PNG screenshot.
#   scripts/dashboard-screenshot.sh reports reports/dashboard.png
# Needs Debian's chromium (apt-get install -y chromium).
set -euo pipefail
dir="${1:-reports}"
png="${2:-$dir/dashboard.png}"
chrome="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$chrome" ]; then
    echo "chromium is not installed (apt-get install -y chromium)" >&2
    exit 2
fi
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
# The flags keep Chromium from reaching out to the network at start-up.
"$chrome" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --hide-scrollbars --window-size=1280,1750 \
    --screenshot="$(realpath -m "$png")" "file://$(realpath "$dir")/index.html" 2>/dev/null
echo "$png"
