/**
 * Property: any user id a workflow can hand the node (any Unicode, astral plane included, URL
 * separators, whitespace inside, up to 2,000 characters) reaches Composio exactly as given, after
 * the node's one documented change: trimming. For Create it is the body's `user_id`; for Delete it
 * is one path segment. Each run is one execution with several ids as items, through n8n's engine.
 */
import fc from 'fast-check';

import { createInstanceParameters, serverLocator } from '../engine/runWorkflow';
import { pairedIndex, useSimulator } from '../support/simulator';
import type { RecordedRequest } from '../simulator';

const context = useSimulator();

/** On failure fast-check prints the seed, path and shrunk counterexample to replay it with. */
const RUNS = { numRuns: 50 };

const SEPARATORS = ['/', '?', '#', '%', '&', '+', '=', ';', '%2F', '%25', '..', '.', ':', '@'];
const INNER_SPACE = [' ', '\t', '\u00a0', '\u3000', '  '];
const EDGE_SPACE = ['', ' ', '\t', '\n', '\u00a0', '\u2028', '\ufeff', ' \r\n '];

const piece = fc.oneof(
	fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }),
	fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }),
	fc.constantFrom('😀', '𝔘', '👩🏽‍💻', '\u{10FFFD}', 'Zoë', 'Łódź', '日本'),
	fc.constantFrom(...SEPARATORS),
	fc.constantFrom(...INNER_SPACE),
	fc.string({ minLength: 1, maxLength: 6 }),
);

/** Ids of every kind, the long ones up to 2,000 characters; never blank. */
const core = fc
	.oneof(
		{
			weight: 4,
			arbitrary: fc.array(piece, { minLength: 1, maxLength: 12 }).map((p) => p.join('')),
		},
		{
			weight: 1,
			arbitrary: fc.string({ unit: 'binary', minLength: 500, maxLength: 2_000 }),
		},
		{
			weight: 1,
			arbitrary: fc
				.tuple(
					fc.array(piece, { minLength: 1, maxLength: 6 }),
					fc.integer({ min: 300, max: 1_000 }),
				)
				// Cut by code points, so no surrogate pair is split.
				.map(([pieces, times]) => [...pieces.join('').repeat(times)].slice(0, 2_000).join('')),
		},
	)
	.filter((id) => id.trim() !== '');

/** What an item carries: the id, maybe padded with whitespace the node trims. */
const rawId = fc
	.tuple(fc.constantFrom(...EDGE_SPACE), core, fc.constantFrom(...EDGE_SPACE))
	.map(([before, id, after]) => `${before}${id}${after}`);

const distinctIds = fc.uniqueArray(rawId, {
	minLength: 1,
	maxLength: 6,
	selector: (id) => id.trim(),
});

function lastSegment(request: RecordedRequest): string {
	const path = request.rawPath.split('?')[0];
	return path.slice(path.lastIndexOf('/') + 1);
}

it('Create: the body’s user_id is exactly the trimmed id, and the instance is the user’s', async () => {
	await fc.assert(
		fc.asyncProperty(distinctIds, async (raw) => {
			context.sim.reset();
			const server = context.sim.addServer();
			const expected = raw.map((id) => id.trim());

			const result = await context.run(
				raw.map((userId) => ({ userId })),
				createInstanceParameters(server.id),
				{ onError: 'continueErrorOutput' },
			);

			expect(result.errorOutput).toEqual([]);
			expect(result.success.map(pairedIndex)).toEqual([...raw.keys()]);
			expect(result.success.map((item) => item.json.instance_id)).toEqual(expected);
			const sent = context.sim.requests.filter((request) => request.method === 'POST');
			// Concurrent items may arrive in any order; each id arrives once and exactly.
			expect(sent.map((request) => (request.body as { user_id: string }).user_id).sort()).toEqual(
				[...expected].sort(),
			);
			// Byte for byte what JSON.stringify makes of the id: nothing added, dropped or re-encoded.
			for (const request of sent) {
				const userId = (request.body as { user_id: string }).user_id;
				expect(request.rawBody).toBe(JSON.stringify({ user_id: userId }));
			}
			expect(context.sim.violations).toEqual([]);
		}),
		RUNS,
	);
});

it('Delete: the id is one path segment that decodes to exactly the trimmed id', async () => {
	await fc.assert(
		fc.asyncProperty(distinctIds, async (raw) => {
			context.sim.reset();
			const server = context.sim.addServer();
			const expected = raw.map((id) => id.trim());
			const usable = (id: string) => id !== '.' && id !== '..';
			for (const id of expected) if (usable(id)) context.sim.addInstance(server.id, id);

			const result = await context.run(
				raw.map((userId) => ({ userId })),
				{
					resource: 'instance',
					operation: 'delete',
					serverId: serverLocator(server.id),
					userId: '={{ $json.userId }}',
				},
				{ onError: 'continueErrorOutput' },
			);

			// "." and ".." would address another path: the node refuses them before sending.
			expect(result.errorOutput.map(pairedIndex)).toEqual(
				[...raw.keys()].filter((index) => !usable(expected[index])),
			);
			expect(result.success.map(pairedIndex)).toEqual(
				[...raw.keys()].filter((index) => usable(expected[index])),
			);
			expect(result.success.map((item) => item.json.userId)).toEqual(expected.filter(usable));
			const sent = context.sim.requests.filter((request) => request.method === 'DELETE');
			const prefix = `/api/v3/mcp/servers/${encodeURIComponent(server.id)}/instances/`;
			for (const request of sent) {
				expect(request.rawPath.startsWith(prefix)).toBe(true);
				expect(lastSegment(request)).not.toMatch(/[/?#]/);
				expect(request.rawPath.slice(prefix.length)).toBe(lastSegment(request));
			}
			expect(sent.map((request) => decodeURIComponent(lastSegment(request))).sort()).toEqual(
				expected.filter(usable).sort(),
			);
			expect(context.sim.instancesOf(server.id)).toEqual([]);
			expect(context.sim.violations).toEqual([]);
		}),
		RUNS,
	);
});
