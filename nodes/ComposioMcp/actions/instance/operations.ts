// One line per operation: the router and the Operation list read them from here.
export * as create from './create.operation';
export * as deleteInstance from './delete.operation';
export * as getAll from './getAll.operation';
