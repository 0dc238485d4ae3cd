import type { IDataObject } from 'n8n-workflow';

/** An auth config as the pickers and lists name it: its name and toolkit. */
export function authConfigLabel(config: IDataObject): string {
	const toolkit = (config.toolkit as IDataObject | undefined)?.slug;
	return toolkit ? `${String(config.name)} (${String(toolkit)})` : String(config.name);
}
