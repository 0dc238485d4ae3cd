import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * Version 1.1 changed what some operations output: Simplify, on by default, and the Deletes'
 * `{ deleted: true, …ids }`; and Server's Auth Config IDs became a pick from a list. n8n leaves parameters at their default out of a saved workflow, so
 * a new default-on parameter would cut the output of workflows saved before it. Those workflows
 * keep version 1, and version 1 keeps its output, until the user adds the node again.
 */
export const OUTPUT_VERSION = 1.1;

/** displayOptions.show for a parameter that exists from version 1.1 on. */
export const fromOutputVersion = { '@version': [{ _cnd: { gte: OUTPUT_VERSION } }] };

/** displayOptions.show for a parameter as version 1 shows it (a later version shows it otherwise). */
export const beforeOutputVersion = { '@version': [{ _cnd: { lt: OUTPUT_VERSION } }] };

export function isVersion1(this: IExecuteFunctions): boolean {
	return this.getNode().typeVersion < OUTPUT_VERSION;
}
