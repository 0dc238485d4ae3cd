// One line per operation: the router and the Operation list read them from here.
export * as createLink from './createLink.operation';
export * as deleteAccount from './delete.operation';
export * as disable from './disable.operation';
export * as enable from './enable.operation';
export * as get from './get.operation';
export * as getAll from './getAll.operation';
export * as refresh from './refresh.operation';
export * as waitForConnection from './waitForConnection.operation';
