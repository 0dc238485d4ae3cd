/**
 * Input the node refuses per item before anything is sent: lists holding what is not text, and ids
 * whose expression gave nothing (n8n turns an error inside an expression into an empty value).
 */
import { createInstanceParameters, serverLocator } from '../engine/runWorkflow';
import { errorJson, expectEachItemOnce, useSimulator } from '../support/simulator';

const context = useSimulator();

describe('lists refuse entries that are not text or numbers', () => {
	it.each([
		['null', '["gmail", null]', 'Toolkits holds null at position 2'],
		['an object', '["gmail", { "slug": "slack" }]', 'Toolkits holds an object at position 2'],
		['a nested list', '[["gmail"], "slack"]', 'Toolkits holds a list at position 1'],
		[
			'an object instead of a list',
			'{ "gmail": true }',
			'Toolkits must be comma-separated text or a list of text, got an object',
		],
	])('Server › Create with %s in Toolkits fails that item only', async (_, toolkits, message) => {
		context.sim.connectAccount('seed-user', 'ac_gmail', { toolkit: 'gmail' });

		const result = await context.run(
			[{ name: 'Broken Tools' }, { name: 'Good Tools' }],
			{
				resource: 'server',
				operation: 'create',
				name: '={{ $json.name }}',
				authConfigIds: 'ac_gmail',
				additionalFields: {
					toolkits: `={{ $json.name === "Good Tools" ? ["gmail"] : ${toolkits} }}`,
				},
			},
			{ onError: 'continueErrorOutput' },
		);

		expectEachItemOnce(result, 2);
		const failed = errorJson(result.errorOutput[0]);
		expect(failed.error).toContain(message);
		expect(failed.description).toBe('Nothing was sent to Composio for this item.');
		expect(result.success).toHaveLength(1);
		// Only the good item reached Composio.
		const posts = context.sim.requests.filter((r) => r.method === 'POST');
		expect(posts.map((r) => (r.body as { name: string }).name)).toEqual(['Good Tools']);
	});

	it('Server › Generate URL with a null among the User IDs sends nothing', async () => {
		const server = context.sim.addServer();

		const result = await context.run(
			[{}],
			{
				resource: 'server',
				operation: 'generateUrl',
				serverId: serverLocator(server.id),
				userIds: '={{ ["ada", null] }}',
			},
			{ onError: 'continueErrorOutput' },
		);

		expect(errorJson(result.errorOutput[0]).error).toContain('User IDs holds null at position 2');
		expect(context.sim.requests).toEqual([]);
	});
});

describe('an id whose expression gave nothing', () => {
	it('names the expression, rather than only "User ID is empty"', async () => {
		const server = context.sim.addServer();

		const result = await context.run(
			[{ profile: { email: 'ada@example.com' } }, {}],
			createInstanceParameters(server.id, '={{ $json.profile.email.toLowerCase() }}'),
			{ onError: 'continueErrorOutput' },
		);

		expect(result.success.map((item) => item.json.instance_id)).toEqual(['ada@example.com']);
		const failed = errorJson(result.errorOutput[0]);
		expect(failed.error).toBe('User ID is empty: its expression gave no value for this item');
		expect(failed.description).toBe(
			"The expression is {{ $json.profile.email.toLowerCase() }}. n8n gives no value when something inside an expression fails, e.g. reading a field this item does not have; open the parameter to see n8n's message. Nothing was sent to Composio for this item.",
		);
		expect(context.sim.requests).toHaveLength(1);
	});

	it("an expression error n8n raises itself keeps n8n's own message", async () => {
		const server = context.sim.addServer();

		const result = await context.run(
			[{}],
			createInstanceParameters(server.id, "={{ $('No Such Node').item.json.userId }}"),
			{ onError: 'continueErrorOutput' },
		);

		const failed = errorJson(result.errorOutput[0]);
		expect(failed.error).toBe("Referenced node doesn't exist");
		expect(context.sim.requests).toEqual([]);
	});
});
