// One line per operation: the router and the Operation list read them from here.
export * as create from './create.operation';
export * as deleteServer from './delete.operation';
export * as generateUrl from './generateUrl.operation';
export * as get from './get.operation';
export * as getAll from './getAll.operation';
export * as update from './update.operation';
