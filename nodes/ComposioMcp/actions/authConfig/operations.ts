// One line per operation: the router and the Operation list read them from here.
export * as get from './get.operation';
export * as getAll from './getAll.operation';
