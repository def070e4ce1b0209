#!/usr/bin/env bash
# package-platform.sh TARGET SERVER_BINARY: a platform-specific .vsix
# (e.g. linux-x64, linux-arm64, darwin-arm64, win32-x64) with the server
# bundled in the extension's server/ folder.
set -euo pipefail
TARGET="${1:?usage: package-platform.sh TARGET SERVER_BINARY}"
BIN="${2:?usage: package-platform.sh TARGET SERVER_BINARY}"
EXT="$(cd "$(dirname "$0")/.." && pwd)"
exe=quadlet-ls
case "$TARGET" in win32-*) exe=quadlet-ls.exe ;; esac
rm -rf "$EXT/server"
mkdir -p "$EXT/server"
cp "$BIN" "$EXT/server/$exe"
chmod +x "$EXT/server/$exe"
cd "$EXT"
npm run build
npx vsce package --no-dependencies --skip-license --allow-missing-repository \
  --target "$TARGET" -o "quadlet-ls-$TARGET.vsix"
rm -rf "$EXT/server"
echo "$EXT/quadlet-ls-$TARGET.vsix"
