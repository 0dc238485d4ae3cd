/* eslint-disable @n8n/community-nodes/no-restricted-imports -- bench tooling: it observes the loopback simulator's answers; these rules are n8n Cloud's runtime rules for node code, which this file is not */
/**
 * Counts the statuses the simulator (in this process) answers instance creates with, so the bench
 * can tell a 409 caused by a re-sent create from a 201. The simulator records requests but not its
 * answers; every answer, normal or fault, goes through `ServerResponse.writeHead`, observed here.
 */
import { ServerResponse } from 'node:http';

const CREATE = /^\/api\/v3(?:\.1)?\/mcp\/servers\/[^/?]+\/instances(?:\?|$)/;

export class CreateStatuses {
	private counts = new Map<number, number>();

	private installed = false;

	/** Starts counting (idempotent); answers to anything but POST …/instances are ignored. */
	install(): void {
		if (this.installed) return;
		this.installed = true;
		// eslint-disable-next-line @typescript-eslint/no-this-alias
		const recorder = this;
		const original = ServerResponse.prototype.writeHead;
		ServerResponse.prototype.writeHead = function (
			this: ServerResponse,
			...args: Parameters<typeof original>
		) {
			const request = this.req;
			if (request?.method === 'POST' && CREATE.test(request.url ?? '')) {
				const status = Number(args[0]);
				recorder.counts.set(status, (recorder.counts.get(status) ?? 0) + 1);
			}
			return original.apply(this, args);
		} as typeof original;
	}

	reset(): void {
		this.counts.clear();
	}

	count(status: number): number {
		return this.counts.get(status) ?? 0;
	}

	/** e.g. `201×500, 429×120` */
	summary(): string {
		return [...this.counts.entries()]
			.sort(([a], [b]) => a - b)
			.map(([status, count]) => `${status}×${count}`)
			.join(', ');
	}
}

export const createStatuses = new CreateStatuses();
