/** What the onboarding runs did for each user, and the table the demo prints. Pure, no I/O. */
import type { RunItem, RunOutput, TaskData } from '../../test/e2e/n8n';
import { SESSION_NODES } from './workflow';

export type Outcome = 'created' | 'already existed' | 'needs to connect' | 'connected' | 'error';

/** Composio's API the user was onboarded with: MCP server instances, or Tool Router sessions. */
export type Api = 'instances' | 'sessions';

export interface UserOutcome {
	user: string;
	api: Api;
	outcome: Outcome;
	/** The instance's ID (Composio's record UUID) or the session's, when the user has one. */
	id?: string;
	/** The user's MCP URL, or the error and, for a user who is not connected, one connect link per toolkit. */
	details: string[];
}

function text(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

function inputIndex(item: RunItem): number | undefined {
	const paired = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
	return paired?.item;
}

function fromSuccess(user: string, json: Record<string, unknown>): UserOutcome {
	return {
		user,
		api: 'instances',
		outcome: json.alreadyExisted === true ? 'already existed' : 'created',
		id: text(json.id),
		details: [text(json.mcpUrl) ?? '(no MCP URL in the output)'],
	};
}

/** A failed item's message and description: { error: { message, description, … } } (see the router). */
function errorOf(json: Record<string, unknown>): {
	message: string;
	description?: string;
	details: Record<string, unknown>;
} {
	const details = (
		json.error !== null && typeof json.error === 'object' ? json.error : {}
	) as Record<string, unknown>;
	const message =
		text(details.message) ?? text(json.error) ?? text(json.message) ?? 'failed without a message';
	return { message, description: text(details.description), details };
}

function fromError(user: string, json: Record<string, unknown>): UserOutcome {
	const { message, description, details } = errorOf(json);
	const links = Array.isArray(details.connectLinks)
		? (details.connectLinks as Array<Record<string, unknown>>)
		: [];
	if (links.length > 0) {
		return {
			user,
			api: 'instances',
			outcome: 'needs to connect',
			details: [
				message,
				...links.map(
					(link) =>
						`connect ${text(link.toolkit) ?? text(link.authConfigId) ?? '?'}: ${text(link.redirectUrl) ?? '(no link)'}`,
				),
			],
		};
	}
	return {
		user,
		api: 'instances',
		outcome: 'error',
		details: description ? [message, description] : [message],
	};
}

/**
 * One outcome per user, in the users' order, from the tasks of the onboarding node (which has a
 * success and an error output). A user the node output nothing for is an error.
 */
export function userOutcomes(tasks: TaskData[], users: string[]): UserOutcome[] {
	const byUser = new Map<number, UserOutcome>();
	const failure = tasks.find((task) => task.error)?.error;
	if (tasks.length === 0 || failure) {
		const message =
			tasks.length === 0
				? 'the onboarding node did not run'
				: (failure?.message ?? 'the onboarding node failed');
		return users.map((user) => ({ user, api: 'instances', outcome: 'error', details: [message] }));
	}
	for (const task of tasks) {
		const [success, errors] = task.data?.main ?? [];
		for (const [items, read] of [
			[success, fromSuccess],
			[errors, fromError],
		] as const) {
			for (const item of items ?? []) {
				const index = inputIndex(item);
				if (index === undefined || index >= users.length) continue;
				byUser.set(index, read(users[index], item.json));
			}
		}
	}
	return users.map(
		(user, index) =>
			byUser.get(index) ?? {
				user,
				api: 'instances',
				outcome: 'error',
				details: ['the onboarding node output nothing for this user'],
			},
	);
}

function tasksOf(run: RunOutput, node: string): TaskData[] {
	return run.data.resultData.runData[node] ?? [];
}

/**
 * The sessions onboarding's outcome for its user (scripts/demo/workflow.ts, sessionsWorkflow):
 * connected, with the session's ID and MCP URL, from the success branch; else the wait's error
 * item, or the run's error.
 */
export function sessionOutcome(run: RunOutput | undefined, user: string): UserOutcome {
	const failed = (details: string[]): UserOutcome => ({
		user,
		api: 'sessions',
		outcome: 'error',
		details,
	});
	if (!run) return failed(['the sessions onboarding printed no run']);
	const done = tasksOf(run, SESSION_NODES.done)
		.flatMap((task) => task.data?.main?.[0] ?? [])
		.find((item) => item.json.userId === user);
	if (done) {
		return {
			user,
			api: 'sessions',
			outcome: 'connected',
			id: text(done.json.sessionId),
			details: [text(done.json.mcpUrl) ?? '(no MCP URL in the output)'],
		};
	}
	const waitError = tasksOf(run, SESSION_NODES.wait)
		.flatMap((task) => task.data?.main?.[1] ?? [])
		.at(0);
	if (waitError) {
		const { message, description } = errorOf(waitError.json);
		return failed(description ? [message, description] : [message]);
	}
	const error = run.data.resultData.error;
	if (error) {
		const where = run.data.resultData.lastNodeExecuted;
		return failed([
			`${error.message ?? 'the run failed'}${where ? ` (in "${where}")` : ''}`,
			...(error.description ? [error.description] : []),
		]);
	}
	return failed(['the sessions onboarding output nothing for this user']);
}

/** Splits `value` into lines of at most `width` characters at spaces; a longer word keeps its own line. */
export function wrap(value: string, width: number): string[] {
	const lines: string[] = [];
	for (const paragraph of value.split('\n')) {
		let line = '';
		for (const word of paragraph.split(' ')) {
			if (line && line.length + 1 + word.length > width) {
				lines.push(line);
				line = word;
			} else {
				line = line ? `${line} ${word}` : word;
			}
		}
		lines.push(line);
	}
	return lines;
}

/**
 * A plain-text table: a header, a rule, then the rows; a cell may hold several lines. Columns are as
 * wide as their widest line, two spaces apart; trailing spaces are trimmed.
 */
export function renderTable(headers: string[], rows: string[][][]): string {
	const widths = headers.map((header, column) =>
		Math.max(header.length, ...rows.flatMap((row) => (row[column] ?? []).map((l) => l.length))),
	);
	const line = (cells: string[]) =>
		cells
			.map((cell, column) => cell.padEnd(widths[column]))
			.join('  ')
			.trimEnd();
	const out = [line(headers), line(widths.map((width) => '-'.repeat(width)))];
	for (const row of rows) {
		const height = Math.max(1, ...row.map((cell) => cell.length));
		for (let i = 0; i < height; i++)
			out.push(line(headers.map((_, column) => row[column]?.[i] ?? '')));
	}
	return out.join('\n');
}

const DETAIL_WIDTH = 72;

/**
 * The demo's table: user, API, outcome, instance or session ID, MCP URL or error. Long messages
 * are wrapped to the width of the longest URL (at least 72 characters); URLs are never split.
 */
export function outcomesTable(outcomes: UserOutcome[]): string {
	const words = outcomes.flatMap((outcome) => outcome.details.flatMap((d) => d.split(/\s/)));
	const width = Math.max(DETAIL_WIDTH, ...words.map((word) => word.length));
	return renderTable(
		['User', 'API', 'Outcome', 'Instance or session ID', 'MCP URL or error'],
		outcomes.map((outcome) => [
			[outcome.user],
			[outcome.api],
			[outcome.outcome],
			[outcome.id ?? '-'],
			outcome.details.flatMap((detail) => wrap(detail, width)),
		]),
	);
}
