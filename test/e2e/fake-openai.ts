/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling: a fake OpenAI server on loopback for n8n's AI Agent; this rule is n8n Cloud's runtime rule for node code, which this file is not */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One message of a chat completion request, as OpenAI's Chat Completions API defines it. */
export interface ChatMessage {
	role: string;
	content?: unknown;
	tool_call_id?: string;
	tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
}

/** A tool the model was offered: `{ type: 'function', function: { name, parameters } }`. */
export interface ChatTool {
	type: string;
	function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

export interface ChatRequest {
	model: string;
	messages: ChatMessage[];
	tools?: ChatTool[];
	stream?: boolean;
}

export interface ToolCall {
	/** The name of one of the offered tools. */
	name: string;
	arguments: Record<string, unknown>;
}

/** What the model answers: a call of one tool, or a final text. */
export type Reply = { toolCall: ToolCall } | { content: string };

/** The fake model: the reply to each request (its turn counts from 0). */
export type Model = (request: ChatRequest, turn: number) => Reply;

export interface FakeOpenAi {
	/** The Base URL for n8n's OpenAI credential: `http://127.0.0.1:<port>/v1`. */
	baseUrl: string;
	/** Every chat completion request, parsed. */
	requests: ChatRequest[];
	/** Everything that was not a well-formed, non-streaming chat completion request. */
	problems: string[];
	close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

function send(res: ServerResponse, status: number, body: unknown): void {
	const payload = JSON.stringify(body);
	res.writeHead(status, {
		'content-type': 'application/json',
		'content-length': String(Buffer.byteLength(payload)),
	});
	res.end(payload);
}

/** A Chat Completions answer (`POST /v1/chat/completions`, stream off) holding the reply. */
function completion(model: string, turn: number, reply: Reply) {
	const message =
		'toolCall' in reply
			? {
					role: 'assistant',
					content: null,
					tool_calls: [
						{
							id: `call_e2e_${turn}`,
							type: 'function',
							function: {
								name: reply.toolCall.name,
								arguments: JSON.stringify(reply.toolCall.arguments),
							},
						},
					],
				}
			: { role: 'assistant', content: reply.content };
	return {
		id: `chatcmpl-e2e-${turn}`,
		object: 'chat.completion',
		created: 1767225600 + turn,
		model,
		choices: [
			{
				index: 0,
				message,
				logprobs: null,
				finish_reason: 'toolCall' in reply ? 'tool_calls' : 'stop',
			},
		],
		usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
	};
}

/**
 * A tiny OpenAI-compatible Chat Completions server on 127.0.0.1: `decide` gets each request and
 * returns the model's reply (a tool call or a final text). Only what n8n's OpenAI Chat Model sends
 * with streaming off is accepted; anything else is answered 400 and recorded in `problems`.
 */
export async function startFakeOpenAi(decide: Model): Promise<FakeOpenAi> {
	const requests: ChatRequest[] = [];
	const problems: string[] = [];
	const server = createServer((req, res) => {
		void (async () => {
			const where = `${req.method} ${req.url}`;
			const raw = await readBody(req);
			if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
				problems.push(`${where}: not a chat completion request`);
				send(res, 404, { error: { message: `Unknown request ${where}`, type: 'invalid_request' } });
				return;
			}
			let request: ChatRequest;
			try {
				request = JSON.parse(raw) as ChatRequest;
			} catch {
				problems.push(`${where}: body is not JSON`);
				send(res, 400, { error: { message: 'Body is not JSON', type: 'invalid_request' } });
				return;
			}
			requests.push(request);
			if (request.stream) {
				problems.push(`${where}: streaming was requested`);
				send(res, 400, { error: { message: 'Streaming is off here', type: 'invalid_request' } });
				return;
			}
			if (!Array.isArray(request.messages) || typeof request.model !== 'string') {
				problems.push(`${where}: no model or messages`);
				send(res, 400, { error: { message: 'model and messages required', type: 'invalid' } });
				return;
			}
			const turn = requests.length;
			let reply: Reply;
			try {
				reply = decide(request, turn);
			} catch (error) {
				problems.push(`${where}: ${(error as Error).message}`);
				send(res, 500, { error: { message: (error as Error).message, type: 'server_error' } });
				return;
			}
			send(res, 200, completion(request.model, turn, reply));
		})().catch((error: Error) => {
			problems.push(`fake OpenAI server error: ${error.message}`);
			res.destroy();
		});
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}/v1`,
		requests,
		problems,
		close: async () =>
			await new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}
