// One line per operation: the router and the Operation list read them from here.
export * as create from './create.operation';
export * as createLink from './createLink.operation';
export * as deleteSession from './delete.operation';
export * as executeTool from './executeTool.operation';
export * as get from './get.operation';
export * as getToolkits from './getToolkits.operation';
export * as update from './update.operation';
