/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling: it runs servers and n8n processes on loopback; these rules are n8n Cloud's runtime rules for node code, which this file is not */
/**
 * n8n-core keeps its own copies of @n8n/di, @n8n/config, @n8n/backend-common and @n8n/backend-network
 * under node_modules/n8n-core/node_modules (other versions are hoisted to the top level). The DI
 * container keys services by class object, so configuring SSRF protection or the logger only has an
 * effect through the very copies n8n-core loads: resolve them from n8n-core's own location.
 */
import path from 'node:path';

type Constructor = abstract new (...args: never[]) => unknown;

interface DiContainer {
	get<T>(type: abstract new (...args: never[]) => T): T;
	set<T>(type: abstract new (...args: never[]) => T, instance: T): void;
}

export interface SsrfConfig {
	enabled: boolean;
	blockedIpRanges: string[];
	allowedIpRanges: string[];
	allowedHostnames: string[];
	blockedHostnames: string[];
}

// Entry points, not package.json: @n8n/backend-network's `exports` map does not expose package.json.
const coreDir = path.dirname(require.resolve('n8n-core'));
const networkDir = path.dirname(require.resolve('@n8n/backend-network', { paths: [coreDir] }));

function requireFrom<T>(dir: string, request: string): T {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return require(require.resolve(request, { paths: [dir] })) as T;
}

export const Container = requireFrom<{ Container: DiContainer }>(coreDir, '@n8n/di').Container;

const networkContainer = requireFrom<{ Container: DiContainer }>(networkDir, '@n8n/di').Container;
if (networkContainer !== Container) {
	throw new Error('n8n-core and @n8n/backend-network resolve different @n8n/di copies');
}

export const { SsrfProtectionConfig } = requireFrom<{ SsrfProtectionConfig: Constructor }>(
	networkDir,
	'@n8n/config',
);

export const { Logger } = requireFrom<{ Logger: Constructor }>(coreDir, '@n8n/backend-common');

export const { OutboundHttp } = requireFrom<{ OutboundHttp: Constructor }>(
	coreDir,
	'@n8n/backend-network',
);
