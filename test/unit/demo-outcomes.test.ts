import {
	outcomesTable,
	renderTable,
	sessionOutcome,
	userOutcomes,
	wrap,
	type UserOutcome,
} from '../../scripts/demo/outcomes';
import { SESSION_NODES } from '../../scripts/demo/workflow';
import type { RunItem, RunOutput, TaskData } from '../../test/e2e/n8n';

const USERS = ['ada@example.com', 'grace@example.com', 'linus@example.com', 'kim@example.com'];
const MCP = 'http://127.0.0.1:4000/v3/mcp/srv-1?user_id=';

/** The onboarding node's one run: success items on its first output, failed items on its second. */
function onboardingRun(success: RunItem[], errors: RunItem[] = []): TaskData[] {
	return [{ data: { main: [success, errors] } }];
}

const ran: TaskData[] = onboardingRun(
	[
		{
			json: {
				id: 'uuid-ada',
				instance_id: USERS[0],
				alreadyExisted: false,
				mcpUrl: `${MCP}ada`,
			},
			pairedItem: { item: 0 },
		},
		{
			json: {
				id: 'uuid-grace',
				instance_id: USERS[1],
				alreadyExisted: true,
				mcpUrl: `${MCP}grace`,
			},
			pairedItem: [{ item: 1 }],
		},
	],
	[
		{
			json: {
				userId: USERS[2],
				error: {
					message: 'User "linus@example.com" has no active connected account for: slack (ac_slack)',
					description: 'No instance was created.',
					connectLinks: [
						{ authConfigId: 'ac_slack', toolkit: 'slack', redirectUrl: 'http://sim/link/lt_1' },
						{ authConfigId: 'ac_jira', redirectUrl: 'http://sim/link/lt_2' },
					],
				},
			},
			pairedItem: { item: 2 },
		},
		{
			json: {
				userId: USERS[3],
				error: {
					message: 'Server not found',
					description: 'Check the server ID.',
					httpCode: '404',
				},
			},
			pairedItem: { item: 3 },
		},
	],
);

describe('demo: outcome per user', () => {
	it('reads created, already existed, needs to connect and error from the two outputs', () => {
		expect(userOutcomes(ran, USERS)).toEqual([
			{
				user: USERS[0],
				api: 'instances',
				outcome: 'created',
				id: 'uuid-ada',
				details: [`${MCP}ada`],
			},
			{
				user: USERS[1],
				api: 'instances',
				outcome: 'already existed',
				id: 'uuid-grace',
				details: [`${MCP}grace`],
			},
			{
				user: USERS[2],
				api: 'instances',
				outcome: 'needs to connect',
				details: [
					'User "linus@example.com" has no active connected account for: slack (ac_slack)',
					'connect slack: http://sim/link/lt_1',
					'connect ac_jira: http://sim/link/lt_2',
				],
			},
			{
				user: USERS[3],
				api: 'instances',
				outcome: 'error',
				details: ['Server not found', 'Check the server ID.'],
			},
		]);
	});

	it('pairs items to users by pairedItem, not by position', () => {
		const swapped = onboardingRun([
			{ json: { id: 'b', alreadyExisted: true, mcpUrl: 'u-b' }, pairedItem: { item: 1 } },
			{ json: { id: 'a', alreadyExisted: false, mcpUrl: 'u-a' }, pairedItem: { item: 0 } },
		]);
		expect(userOutcomes(swapped, USERS.slice(0, 2)).map((o) => [o.user, o.id])).toEqual([
			[USERS[0], 'a'],
			[USERS[1], 'b'],
		]);
	});

	it('says so for a user the node output nothing for, and for a success without MCP URL', () => {
		const partial = onboardingRun([
			{ json: { id: 'a', alreadyExisted: false }, pairedItem: { item: 0 } },
		]);
		expect(userOutcomes(partial, USERS.slice(0, 2))).toEqual([
			{
				user: USERS[0],
				api: 'instances',
				outcome: 'created',
				id: 'a',
				details: ['(no MCP URL in the output)'],
			},
			{
				user: USERS[1],
				api: 'instances',
				outcome: 'error',
				details: ['the onboarding node output nothing for this user'],
			},
		]);
	});

	it('gives every user the error when the node failed or did not run', () => {
		const failed: TaskData[] = [{ error: { message: 'Invalid API key' } }];
		expect(userOutcomes(failed, USERS.slice(0, 2))).toEqual([
			{ user: USERS[0], api: 'instances', outcome: 'error', details: ['Invalid API key'] },
			{ user: USERS[1], api: 'instances', outcome: 'error', details: ['Invalid API key'] },
		]);
		expect(userOutcomes([], USERS.slice(0, 1))).toEqual([
			{
				user: USERS[0],
				api: 'instances',
				outcome: 'error',
				details: ['the onboarding node did not run'],
			},
		]);
	});
});

const MARGARET = 'margaret@example.com';
const SESSION_MCP = 'http://127.0.0.1:4000/tool_router/v3/trs_m1/mcp';

/** The sessions workflow's run, as `n8n execute --rawOutput` prints it. */
function sessionsRun(
	runData: Record<string, TaskData[]>,
	error?: RunOutput['data']['resultData']['error'],
	lastNodeExecuted?: string,
): RunOutput {
	return { data: { resultData: { runData, error, lastNodeExecuted } } };
}

describe('demo: the sessions user', () => {
	it('connected: the session ID and its MCP URL from the success branch', () => {
		const run = sessionsRun({
			[SESSION_NODES.done]: [
				{
					data: {
						main: [
							[
								{
									json: {
										userId: MARGARET,
										sessionId: 'trs_m1',
										mcpUrl: SESSION_MCP,
										connectedAccountId: 'ca_1',
									},
									pairedItem: { item: 0 },
								},
							],
						],
					},
				},
			],
		});
		expect(sessionOutcome(run, MARGARET)).toEqual({
			user: MARGARET,
			api: 'sessions',
			outcome: 'connected',
			id: 'trs_m1',
			details: [SESSION_MCP],
		});
	});

	it("a failed wait: the wait's error item, its message and description", () => {
		const run = sessionsRun({
			[SESSION_NODES.wait]: [
				{
					data: {
						main: [
							[],
							[
								{
									json: {
										error: {
											message: 'Connected account ca_1 is FAILED: Access denied',
											description: 'The wait ends on FAILED, …',
										},
									},
								},
							],
						],
					},
				},
			],
		});
		expect(sessionOutcome(run, MARGARET)).toEqual({
			user: MARGARET,
			api: 'sessions',
			outcome: 'error',
			details: ['Connected account ca_1 is FAILED: Access denied', 'The wait ends on FAILED, …'],
		});
	});

	it('a failed run: its error and the node it stopped in; no run: says so', () => {
		const run = sessionsRun(
			{},
			{ message: 'Forbidden', description: 'The key may not create sessions.' },
			SESSION_NODES.session,
		);
		expect(sessionOutcome(run, MARGARET).details).toEqual([
			`Forbidden (in "${SESSION_NODES.session}")`,
			'The key may not create sessions.',
		]);
		expect(sessionOutcome(undefined, MARGARET)).toMatchObject({
			outcome: 'error',
			details: ['the sessions onboarding printed no run'],
		});
		expect(sessionOutcome(sessionsRun({}), MARGARET).details).toEqual([
			'the sessions onboarding output nothing for this user',
		]);
	});
});

describe('demo: table', () => {
	it('wraps at spaces and keeps a word longer than the width whole', () => {
		expect(wrap('one two three four', 9)).toEqual(['one two', 'three', 'four']);
		expect(wrap('see http://example.com/a/very/long/path now', 10)).toEqual([
			'see',
			'http://example.com/a/very/long/path',
			'now',
		]);
		expect(wrap('', 10)).toEqual(['']);
	});

	it('aligns columns to their widest line, with multi-line cells and no trailing spaces', () => {
		const table = renderTable(
			['A', 'Long header', 'C'],
			[
				[['x'], ['1'], ['first', 'second line']],
				[['longer cell'], [], ['z']],
			],
		);
		expect(table.split('\n')).toEqual([
			'A            Long header  C',
			'-----------  -----------  -----------',
			'x            1            first',
			'                          second line',
			'longer cell               z',
		]);
	});

	it('prints user, outcome, instance ID and URL or error; never splits a URL', () => {
		const longUrl = `http://127.0.0.1:4000/v3/mcp/${'f'.repeat(36)}?user_id=ada%40example.com`;
		const message = `User "linus@example.com" has no active connected account for: ${'slack, '.repeat(12)}jira`;
		const outcomes: UserOutcome[] = [
			{
				user: 'ada@example.com',
				api: 'instances',
				outcome: 'created',
				id: 'uuid-1',
				details: [longUrl],
			},
			{
				user: 'linus@example.com',
				api: 'instances',
				outcome: 'needs to connect',
				details: [message, 'connect slack: http://sim/link/lt_1'],
			},
		];
		const lines = outcomesTable(outcomes).split('\n');
		expect(lines[0]).toMatch(/^User\s+API\s+Outcome\s+Instance or session ID\s+MCP URL or error$/);
		expect(lines[2]).toMatch(/^ada@example\.com\s+instances\s+created\s+uuid-1\s+(\S+)$/);
		expect(lines[2].endsWith(longUrl)).toBe(true);
		expect(lines[3]).toMatch(
			/^linus@example\.com\s+instances\s+needs to connect\s+-\s+User "linus/,
		);
		// The message wraps to the URL's width; every line of the column starts in the same place.
		const column = lines[0].indexOf('MCP URL or error');
		const rest = lines.slice(3).map((line) => line.slice(column));
		expect(rest.join(' ')).toBe(`${message} connect slack: http://sim/link/lt_1`);
		expect(Math.max(...rest.map((line) => line.length))).toBeLessThanOrEqual(longUrl.length);
		expect(rest.length).toBeGreaterThan(2);
		for (const line of lines.slice(4)) expect(line.slice(0, column).trim()).toBe('');
	});

	it('ends with the sessions user’s MCP URL when that row comes last', () => {
		const table = outcomesTable([
			{ user: 'ada@example.com', api: 'instances', outcome: 'created', id: 'u', details: ['x'] },
			{
				user: MARGARET,
				api: 'sessions',
				outcome: 'connected',
				id: 'trs_m1',
				details: [SESSION_MCP],
			},
		]);
		const last = table.split('\n').at(-1)!;
		expect(last).toMatch(new RegExp(`^${MARGARET}\\s+sessions\\s+connected\\s+trs_m1\\s+`));
		expect(last.endsWith(SESSION_MCP)).toBe(true);
	});
});
