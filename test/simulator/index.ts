/**
 * An in-memory Composio MCP API on 127.0.0.1 for tests: it follows the OpenAPI subset in
 * `test/fixtures/openapi-mcp-v3.json`, validates every request and every normal answer against it,
 * and answers injected faults verbatim.
 */
export { SIM_API_KEY, startSimulator } from './server';
export type { SessionRecord } from './sessions';
export { whoamiTool } from './sessions';
export { loadSpec, Spec, SPEC_PATH } from './spec';
export type {
	Fault,
	InstanceRecord,
	RateLimit,
	RecordedRequest,
	ServerRecord,
	Simulator,
	SimulatorOptions,
} from './types';
export type {
	Delivery,
	DeliveryOptions,
	SubscriptionRecord,
	TriggerInstanceRecord,
	WebhookEvent,
} from './triggers';
export { EVENT_TYPES, sign, signedDelivery, TRIGGER_TYPES } from './triggers';
