/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling: a capture server on loopback that the tests wait on; these rules are n8n Cloud's runtime rules for node code, which this file is not */
/**
 * Where the trigger suite's workflows report what they received: an HTTP server on 127.0.0.1 that
 * keeps each JSON body posted to `/<name>` and lets a test wait until a number of them arrived.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Capture {
	/** `http://127.0.0.1:<port>` */
	url: string;
	/** Bodies received at `/<name>`, in order. */
	received(name: string): Array<Record<string, unknown>>;
	/** Resolves once `/<name>` has `count` bodies; rejects after `timeoutMs`. */
	waitFor(name: string, count: number, timeoutMs?: number): Promise<Array<Record<string, unknown>>>;
	close(): Promise<void>;
}

export async function startCapture(): Promise<Capture> {
	const bodies = new Map<string, Array<Record<string, unknown>>>();
	const waiters = new Set<() => void>();
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const name = (req.url ?? '/').slice(1);
			const list = bodies.get(name) ?? [];
			list.push(
				JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>,
			);
			bodies.set(name, list);
			res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
			for (const wake of waiters) wake();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const received = (name: string) => [...(bodies.get(name) ?? [])];
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		received,
		async waitFor(name, count, timeoutMs = 30_000) {
			return await new Promise((resolve, reject) => {
				const check = () => {
					if (received(name).length < count) return;
					waiters.delete(check);
					clearTimeout(timer);
					resolve(received(name));
				};
				const timer = setTimeout(() => {
					waiters.delete(check);
					reject(
						new Error(
							`/${name}: ${received(name).length} of ${count} bodies after ${timeoutMs} ms`,
						),
					);
				}, timeoutMs);
				waiters.add(check);
				check();
			});
		},
		async close() {
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
		},
	};
}
