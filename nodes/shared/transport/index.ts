/**
 * The transport's surface: the per-run client every request goes through, and the helpers the
 * operations use with it. Nothing else in the node sends a request.
 */
export type { ComposioContext } from './client';
export type { ComposioRequest } from './request';
export { addDescription, ComposioClient, CREDENTIAL_TYPE } from './client';
export type { ListRequest } from './pagination';
export { toRequestSettings, toScheduling } from './settings';
export type { Headers } from './headers';
export { header } from './headers';
export type { ApiVersion } from './url';
export { buildPath } from './url';
