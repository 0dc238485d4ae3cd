// One line per resource: the node's fields and the router read them from here.
export * as authConfig from './authConfig';
export * as connectedAccount from './connectedAccount';
export * as instance from './instance';
export * as server from './server';
export * as session from './session';
