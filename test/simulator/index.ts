/**
 * An in-memory Composio API on 127.0.0.1 for tests: it follows the OpenAPI subsets in
 * `test/fixtures/` (openapi-mcp-v3.json, openapi-sessions-triggers-v3.json,
 * openapi-webhook-subscriptions-v3.json, openapi-connections-v3.json, and v3.1's differences in
 * spec-v31.ts), validates every request and every normal answer against them, and answers
 * injected faults verbatim. Connected accounts follow a state machine (connections.ts) with a
 * hosted connect page at `<url>/link/<token>`.
 */
export { SIM_API_KEY, startSimulator } from './server';
export type { Area, KeyScope, Level } from './scopes';
export { whoamiTool } from './sessions';
export { loadSpec, Spec, SPEC_PATH } from './spec';
export type {
	AccountRecord,
	AccountStatus,
	AuthConfigRecord,
	Delivery,
	DeliveryOptions,
	Fault,
	InstanceRecord,
	LinkOutcome,
	LinkRecord,
	RateLimit,
	RecordedRequest,
	ServerRecord,
	SessionRecord,
	Simulator,
	SimulatorOptions,
	StatusChange,
	SubscriptionRecord,
	TriggerInstanceRecord,
	WebhookEvent,
} from './types';
export { ACCOUNT_STATUSES, EVENT_TYPES } from './types';
export { sign, signedDelivery, TRIGGER_TYPES } from './triggers';
