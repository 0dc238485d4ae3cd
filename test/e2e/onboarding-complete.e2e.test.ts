/* eslint-disable import-x/no-unresolved, @n8n/community-nodes/no-restricted-globals -- test tooling: the MCP SDK's subpath exports, which the import resolver of n8n's lint config cannot read (TypeScript and Node resolve them); it waits on a real n8n on loopback; these rules are n8n Cloud's runtime rules for node code, which this file is not */
/**
 * Onboarding to the end in a real n8n (2.x and 1.x), `n8n start` with the packed node:
 * examples/onboarding-complete.json takes two signups, makes each user a session and a connect link
 * whose callback is the execution's resume URL, and pauses in n8n's Wait node. A test "browser"
 * (fetch, following each redirect by hand) opens each link on the simulator's hosted connect page,
 * which turns Ada's account ACTIVE and Linus's FAILED and sends the browser back to n8n; n8n
 * resumes each execution, which ends with Ada's MCP URL, and Linus on the failure branch.
 * Then Wait for Connection (`n8n execute`) on accounts that turn ACTIVE after some checks or when
 * the user finishes the link while the node waits, and one that turns FAILED; and, in `n8n start`,
 * Stop in the executions list and a first failed account each ending every wait of the run at once.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import onboardingComplete from '../../examples/onboarding-complete.json';
import { useE2eEnvironment } from './environment';
import {
	isN8n1,
	loginAsOwner,
	nodeOutputs,
	nodeTasks,
	pairedIndex,
	restOf,
	type RestApi,
	type RunItem,
	type RunOutput,
} from './n8n';
import waitForConnection from './workflows/wait-for-connection.json';
import waitForConnectionStop from './workflows/wait-for-connection-stop.json';

const ADA = 'ada@example.com';
const LINUS = 'linus@example.com';

function parameterOf(node: string, name: string): unknown {
	const found = onboardingComplete.nodes.find((candidate) => candidate.name === node);
	if (!found) throw new Error(`no node "${node}" in examples/onboarding-complete.json`);
	return (found.parameters as Record<string, unknown>)[name];
}

const SIGNUP_PATH = parameterOf('Signup webhook', 'path') as string;
const AUTH_CONFIG = (parameterOf('Create a connect link', 'authConfigId') as { value: string })
	.value;

function json(items: RunItem[] | null | undefined): Array<Record<string, unknown>> {
	return (items ?? []).map((item) => item.json);
}

/** Checks `probe` every 250 ms until it returns something, or fails after `timeoutMs`. */
async function until<T>(
	what: string,
	probe: () => Promise<T | undefined>,
	timeoutMs = 60_000,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const found = await probe();
		if (found !== undefined) return found;
		if (Date.now() > deadline) throw new Error(`still waiting after ${timeoutMs} ms: ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

describe('Onboarding to the end in a real n8n', () => {
	const env = useE2eEnvironment({
		composioCredentialName: 'Composio MCP account',
		openAiCredentialName: 'OpenAI account',
		model: () => {
			throw new Error('no workflow of this suite asks a model');
		},
		workflows: [onboardingComplete, waitForConnection, waitForConnectionStop],
		async seed({ sim }) {
			// The example's auth config exists (another user's account made it); Linus will not grant
			// access on the connect page.
			sim.connectAccount('someone-else@example.com', AUTH_CONFIG, { toolkit: 'github' });
			sim.failLinksFor(LINUS);
		},
	});

	/** The user's connected accounts, asked of the simulator as any client would. */
	async function accountsOf(userId: string): Promise<Array<{ id: string; status: string }>> {
		const response = await fetch(
			`${env.sim.url}/api/v3/connected_accounts?user_ids=${encodeURIComponent(userId)}`,
			{ headers: { 'x-api-key': env.apiKey } },
		);
		expect(response.status).toBe(200);
		return ((await response.json()) as { items: Array<{ id: string; status: string }> }).items;
	}

	/** The tools an MCP URL lists, as an MCP client with the project's key sees them. */
	async function toolsAt(url: string): Promise<string[]> {
		const client = new Client({ name: 'e2e', version: '1.0.0' });
		await client.connect(
			new StreamableHTTPClientTransport(new URL(url), {
				requestInit: { headers: { 'x-api-key': env.apiKey } },
			}),
		);
		try {
			return (await client.listTools()).tools.map((tool) => tool.name);
		} finally {
			await client.close();
		}
	}

	it('examples/onboarding-complete.json: each signup waits for its user; the connect page resumes it, ACTIVE ends with the MCP URL, FAILED on the failure branch', async () => {
		expect(await env.n8n.activate(onboardingComplete.id)).toMatchObject({ code: 0 });
		const running = await env.n8n.start();
		try {
			const rest = restOf(running.url, await loginAsOwner(running.url));
			for (const userId of [ADA, LINUS]) {
				const signup = await fetch(`${running.url}/webhook/${SIGNUP_PATH}`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ userId }),
				});
				// Answered at once; the execution goes on to the Wait node.
				expect(signup.status).toBe(200);
				await signup.text();
			}
			const waiting = await until('both executions waiting in the Wait node', async () => {
				const list = await rest.executions(onboardingComplete.id);
				return list.length === 2 && list.every((e) => e.status === 'waiting') ? list : undefined;
			});

			// Each user's link, as the simulator issued it: its callback is the execution's resume
			// URL (n8n 2.x adds the resume token as `signature`).
			const resumeUrl = new RegExp(
				`^${running.url.replace(/[.]/g, '\\.')}/webhook-waiting/(\\d+)${isN8n1() ? '' : '\\?signature=[^&]+'}$`,
			);
			const accounts: Record<string, string> = {};
			for (const userId of [ADA, LINUS]) {
				const [account, ...more] = await accountsOf(userId);
				expect(more).toEqual([]);
				expect(account.status).toBe('INITIATED');
				accounts[userId] = account.id;
				const link = env.sim.linkOf(account.id)!;
				expect(link.callback_url).toMatch(resumeUrl);
				expect(waiting.map((e) => e.id)).toContain(resumeUrl.exec(link.callback_url!)![1]);

				// The browser: the hosted page answers with a redirect to the callback, status and
				// account appended to n8n's own query; following it resumes the execution.
				const page = await fetch(link.redirect_url, { redirect: 'manual' });
				expect(page.status).toBe(302);
				await page.text();
				const outcome = userId === ADA ? 'success' : 'failed';
				const location = page.headers.get('location');
				expect(location).toBe(
					`${link.callback_url}${isN8n1() ? '?' : '&'}status=${outcome}&connected_account_id=${account.id}`,
				);
				const back = await fetch(location!, { redirect: 'manual' });
				expect(back.status).toBe(200);
				await back.text();
			}

			const ended = await until('both executions ended', async () => {
				const list = await rest.executions(onboardingComplete.id);
				return list.length === 2 &&
					list.every((e) => !['waiting', 'running', 'new'].includes(e.status))
					? list
					: undefined;
			});
			expect(ended.map((e) => e.status)).toEqual(['success', 'success']);

			const runs: Record<string, RunOutput> = {};
			for (const { id } of ended) {
				const run = await rest.run(id);
				const [signup] = json(nodeOutputs(run, 'Signup webhook')[0]);
				runs[(signup.body as { userId: string }).userId] = run;
			}
			const [adaSession] = env.sim.sessionsOf(ADA);
			const [linusSession] = env.sim.sessionsOf(LINUS);
			const mcpUrl = (session: { session_id: string }) =>
				`${env.sim.url}/tool_router/v3/${session.session_id}/mcp`;

			// Both: the link was made for the user with the resume URL, the Wait node resumed with
			// the callback's query, and the account was read from Composio once.
			for (const [userId, outcome] of [
				[ADA, 'success'],
				[LINUS, 'failed'],
			]) {
				const run = runs[userId];
				expect(json(nodeOutputs(run, 'Create a connect link')[0])).toEqual([
					expect.objectContaining({
						connectedAccountId: accounts[userId],
						redirectUrl: env.sim.linkOf(accounts[userId])!.redirect_url,
					}),
				]);
				const [resumed] = json(nodeOutputs(run, 'Wait for the user to connect')[0]);
				expect(resumed.query).toMatchObject({
					status: outcome,
					connected_account_id: accounts[userId],
				});
				const account = env.sim.account(accounts[userId])!;
				expect(json(nodeOutputs(run, 'Get the connected account')[0])).toEqual([
					expect.objectContaining({
						id: account.id,
						user_id: userId,
						status: account.status,
						status_reason: account.status_reason,
					}),
				]);
				const gets = env.sim.requests.filter(
					(r) => r.method === 'GET' && r.path === `/api/v3/connected_accounts/${account.id}`,
				);
				expect(gets).toHaveLength(1);
			}

			// Ada: ACTIVE, the success branch ends with her MCP URL, which now lists her GitHub tools.
			expect(env.sim.account(accounts[ADA])!.status).toBe('ACTIVE');
			expect(json(nodeOutputs(runs[ADA], 'Send the MCP URL')[0])).toEqual([
				{ userId: ADA, mcpUrl: mcpUrl(adaSession), connectedAccountId: accounts[ADA] },
			]);
			expect(nodeTasks(runs[ADA], 'Connection failed')).toHaveLength(0);
			expect(runs[ADA].data.resultData.lastNodeExecuted).toBe('Send the MCP URL');
			expect(await toolsAt(mcpUrl(adaSession))).toEqual(['GITHUB_WHOAMI']);

			// Linus: FAILED, the failure branch, with Composio's reason; his MCP URL has no tools.
			const failed = env.sim.account(accounts[LINUS])!;
			expect(failed.status).toBe('FAILED');
			expect(json(nodeOutputs(runs[LINUS], 'Connection failed')[0])).toEqual([
				{
					userId: LINUS,
					connected: false,
					status: 'FAILED',
					reason: failed.status_reason,
					connectedAccountId: accounts[LINUS],
				},
			]);
			expect(failed.status_reason).toEqual(expect.stringMatching(/\S/));
			expect(nodeTasks(runs[LINUS], 'Send the MCP URL')).toHaveLength(0);
			expect(runs[LINUS].data.resultData.lastNodeExecuted).toBe('Connection failed');
			expect(await toolsAt(mcpUrl(linusSession))).toEqual([]);

			// One session and one link per signup, nothing sent twice.
			const posts = env.sim.requests
				.filter((r) => r.method === 'POST' && r.path.startsWith('/api/v3/'))
				.map((r) => [r.path, (r.body as { user_id?: string }).user_id]);
			expect(posts.sort()).toEqual(
				[
					['/api/v3/tool_router/session', ADA],
					['/api/v3/tool_router/session', LINUS],
					['/api/v3/connected_accounts/link', ADA],
					['/api/v3/connected_accounts/link', LINUS],
				].sort(),
			);
		} finally {
			const stopped = await running.stop();
			expect(stopped.stdout + stopped.stderr).not.toContain(env.apiKey);
		}
	});

	it('Wait for Connection: accounts that turn ACTIVE after some checks or when the user finishes the link on the success output, a FAILED one on the error output with its status', async () => {
		const grace = env.sim.connectAccount('grace@example.com', AUTH_CONFIG, {
			status: 'INITIATED',
		});
		// Alan's account comes from a connect link, which he opens while the node waits.
		const created = await fetch(`${env.sim.url}/api/v3/connected_accounts/link`, {
			method: 'POST',
			headers: { 'x-api-key': env.apiKey, 'content-type': 'application/json' },
			body: JSON.stringify({ auth_config_id: AUTH_CONFIG, user_id: 'alan@example.com' }),
		});
		expect(created.status).toBe(201);
		const alanLink = (await created.json()) as {
			connected_account_id: string;
			redirect_url: string;
		};
		const alan = { id: alanLink.connected_account_id };
		const margaret = env.sim.connectAccount('margaret@example.com', AUTH_CONFIG, {
			status: 'INITIATED',
		});
		// Not pending: not listed, not waited for.
		env.sim.connectAccount('grace@example.com', AUTH_CONFIG, { status: 'ACTIVE' });
		const reason = 'The user closed the consent screen';
		env.sim.activateAfterPolls(grace.id, 3);
		env.sim.activateAfterPolls(margaret.id, 1, 'FAILED', reason);
		const before = env.sim.requests.length;
		const checksOf = (id: string) =>
			env.sim.requests
				.slice(before)
				.filter((r) => r.method === 'GET' && r.path === `/api/v3/connected_accounts/${id}`);

		const running = env.n8n.execute(waitForConnection.id);
		// Once the node has checked Alan's account (and had its answer), Alan finishes the link.
		await until(
			"the first check of Alan's account",
			async () => checksOf(alan.id).find((r) => r.endedTick !== undefined),
			90_000,
		);
		const page = await fetch(alanLink.redirect_url, { redirect: 'manual' });
		expect(page.status).toBe(200);
		expect(await page.text()).toContain('Connected');
		const result = await running;

		expect({ code: result.code, error: result.run?.data.resultData.error?.message }).toEqual({
			code: 0,
			error: undefined,
		});
		// Newest first: Margaret, Alan, Grace.
		expect(json(nodeOutputs(result.run, 'Pending connections')[0]).map((a) => a.id)).toEqual([
			margaret.id,
			alan.id,
			grace.id,
		]);
		const [connected, notConnected] = nodeOutputs(result.run, 'Wait for the user to connect');
		expect(connected!.map(pairedIndex)).toEqual([1, 2]);
		expect(json(connected)).toEqual([
			expect.objectContaining({ id: alan.id, user_id: 'alan@example.com', status: 'ACTIVE' }),
			expect.objectContaining({ id: grace.id, user_id: 'grace@example.com', status: 'ACTIVE' }),
		]);
		expect(notConnected!.map(pairedIndex)).toEqual([0]);
		// n8n puts the input item's fields beside the error (the account as listed, INITIATED).
		expect(json(notConnected).map((item) => item.error)).toEqual([
			expect.objectContaining({
				message: `Connected account ${margaret.id} is FAILED: ${reason}`,
				status: 'FAILED',
				statusReason: reason,
			}),
		]);
		expect(json(nodeOutputs(result.run, 'Connected')[0])).toEqual(json(connected));
		expect(json(nodeOutputs(result.run, 'Not connected')[0])).toEqual(json(notConnected));

		// Each account checked until its status changed: Grace 3 times INITIATED and once ACTIVE,
		// Margaret once INITIATED and once FAILED, Alan at least once INITIATED and once ACTIVE. The
		// three waited at once: each was checked once before any was checked again.
		expect(checksOf(grace.id)).toHaveLength(4);
		expect(checksOf(margaret.id)).toHaveLength(2);
		expect(checksOf(alan.id).length).toBeGreaterThanOrEqual(2);
		const firstChecks = env.sim.requests
			.slice(before)
			.filter((r) => r.method === 'GET' && r.path.startsWith('/api/v3/connected_accounts/'))
			.slice(0, 3)
			.map((r) => r.path.split('/').at(-1));
		expect(new Set(firstChecks)).toEqual(new Set([margaret.id, alan.id, grace.id]));
	});

	describe('Wait for Connection, stopped (workflows/wait-for-connection-stop.json: a webhook names the accounts and the Poll Interval)', () => {
		const WEBHOOK = `webhook/${waitForConnectionStop.nodes[0].parameters.path}`;
		const requestsOf = (id: string, from = 0) =>
			env.sim.requests.slice(from).filter((r) => r.path.includes(id));
		const answeredChecks = (id: string, from = 0) =>
			requestsOf(id, from).filter(
				(r) =>
					r.method === 'GET' &&
					r.path === `/api/v3/connected_accounts/${id}` &&
					r.endedTick !== undefined,
			);
		const waitFor = async (
			url: string,
			pollInterval: number,
			accounts: Array<{ id: string }>,
			waitTimeout?: number,
		) => {
			const started = await fetch(`${url}/${WEBHOOK}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({
					pollInterval,
					waitTimeout,
					accounts: accounts.map(({ id }) => ({ id })),
				}),
			});
			expect(started.status).toBe(200);
			await started.text();
		};
		const ended = async (rest: RestApi, executionId: string) =>
			await until(
				`execution ${executionId} ended`,
				async () =>
					(await rest.executions(waitForConnectionStop.id)).find(
						(e) => e.id === executionId && !['running', 'new'].includes(e.status),
					),
				60_000,
			);

		beforeAll(async () => {
			expect(await env.n8n.activate(waitForConnectionStop.id)).toMatchObject({ code: 0 });
		});

		it('Stop in the executions list ends every wait at once, and none of its accounts is checked after that', async () => {
			const waiting = ['ines', 'jonas', 'kemal'].map((name) =>
				env.sim.connectAccount(`${name}@example.com`, AUTH_CONFIG, { status: 'INITIATED' }),
			);
			const later = env.sim.connectAccount('lena@example.com', AUTH_CONFIG, {
				status: 'INITIATED',
			});
			const running = await env.n8n.start();
			try {
				const rest = restOf(running.url, await loginAsOwner(running.url));
				const before = (await rest.executions(waitForConnectionStop.id)).map((e) => e.id);
				const listed = async (status: string) =>
					(await rest.executions(waitForConnectionStop.id)).find(
						(e) => !before.includes(e.id) && e.status === status,
					);
				await waitFor(running.url, 1, waiting);
				// The three wait at once: each checked twice, a Poll Interval apart, before the stop.
				await until(
					'two answered checks of every waiting account',
					async () => (waiting.every((a) => answeredChecks(a.id).length >= 2) ? true : undefined),
					90_000,
				);
				const first = await until(
					'the execution listed as running',
					async () => await listed('running'),
				);
				await rest.stop(first.id);
				expect(await ended(rest, first.id)).toEqual({ id: first.id, status: 'canceled' });
				const endedAt = env.sim.requests.length;

				// Time passes on the simulator's clock: another execution checks Lena's account three
				// times (two Poll Intervals); the stopped run's accounts are not checked meanwhile.
				before.push(first.id);
				await waitFor(running.url, 1, [later]);
				await until(
					"three checks of Lena's account after the stopped execution ended",
					async () => (answeredChecks(later.id, endedAt).length >= 3 ? true : undefined),
					90_000,
				);
				for (const account of waiting) expect(requestsOf(account.id, endedAt)).toEqual([]);
				const second = await until(
					'the second execution listed as running',
					async () => await listed('running'),
				);
				await rest.stop(second.id);
				expect(await ended(rest, second.id)).toEqual({ id: second.id, status: 'canceled' });
				// Nothing but checks was sent: every account is as it was.
				for (const account of [...waiting, later]) {
					expect(requestsOf(account.id).filter((r) => r.method !== 'GET')).toEqual([]);
				}
			} finally {
				await running.stop();
			}
		}, 300_000);

		it('Wait Timeout: the last check comes at Wait Timeout itself, none after, and the item fails saying the account is still INITIATED', async () => {
			// Poll Interval 2 s, Wait Timeout 5 s: checks at 0, 2 and 4 s, then one at 5 s (not
			// dropped because a Poll Interval from 4 s would pass the timeout).
			const account = env.sim.connectAccount('pia@example.com', AUTH_CONFIG, {
				status: 'INITIATED',
			});
			const running = await env.n8n.start();
			try {
				const rest = restOf(running.url, await loginAsOwner(running.url));
				const before = (await rest.executions(waitForConnectionStop.id)).map((e) => e.id);
				await waitFor(running.url, 2, [account], 5);
				const execution = await until('the execution listed', async () =>
					(await rest.executions(waitForConnectionStop.id)).find((e) => !before.includes(e.id)),
				);
				expect(await ended(rest, execution.id)).toEqual({ id: execution.id, status: 'error' });
				const run = await rest.run(execution.id);
				expect(run.data.resultData.error?.message).toBe(
					`Connected account ${account.id} is still INITIATED after 5 s`,
				);
				const checks = answeredChecks(account.id);
				expect(checks).toHaveLength(4);
				// The last check at Wait Timeout (5 s after the first, within timers' slack), a second
				// after the one before: sooner than a Poll Interval.
				const last = checks[3].receivedAt - checks[0].receivedAt;
				expect(last).toBeGreaterThanOrEqual(4900);
				expect(last).toBeLessThan(6000);
				expect(checks[3].receivedAt - checks[2].receivedAt).toBeLessThan(2000);
			} finally {
				await running.stop();
			}
		}, 300_000);

		it('On Error › Stop Workflow: the first account that fails ends the other waits at once, long before their next check is due', async () => {
			// Poll Interval 300 s: the others' next check is 5 minutes after their first one.
			const interval = 300;
			const failed = env.sim.connectAccount('mira@example.com', AUTH_CONFIG, {
				status: 'FAILED',
			});
			const waiting = ['noah', 'olga'].map((name) =>
				env.sim.connectAccount(`${name}@example.com`, AUTH_CONFIG, { status: 'INITIATED' }),
			);
			const running = await env.n8n.start();
			try {
				const rest = restOf(running.url, await loginAsOwner(running.url));
				const before = (await rest.executions(waitForConnectionStop.id)).map((e) => e.id);
				const startedAt = Date.now();
				await waitFor(running.url, interval, [waiting[0], failed, waiting[1]]);
				const execution = await until('the execution listed', async () =>
					(await rest.executions(waitForConnectionStop.id)).find((e) => !before.includes(e.id)),
				);
				expect(await ended(rest, execution.id)).toEqual({ id: execution.id, status: 'error' });
				expect(Date.now() - startedAt).toBeLessThan(interval * 1000);
				const run = await rest.run(execution.id);
				expect(run.data.resultData.error?.message).toBe(`Connected account ${failed.id} is FAILED`);
				expect(nodeTasks(run, 'Connected')).toEqual([]);
				// Each account checked once: the others' waits ended in their pause.
				for (const account of [...waiting, failed]) {
					expect(requestsOf(account.id).map((r) => `${r.method} ${r.path}`)).toEqual([
						`GET /api/v3/connected_accounts/${account.id}`,
					]);
				}
			} finally {
				await running.stop();
			}
		}, 300_000);
	});
});
