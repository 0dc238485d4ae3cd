import type { IDataObject } from 'n8n-workflow';

/**
 * The inputs an operation worked on, kept on its error so a failed item on the error output
 * still says which server and user it was about (the error branch often acts on them).
 */
export function attachErrorFields<T>(error: T, fields: IDataObject): T {
	const target = error as { context?: IDataObject };
	if (target && typeof target === 'object') {
		target.context = { ...(target.context ?? {}), fields };
	}
	return error;
}

export function errorFieldsOf(error: unknown): IDataObject {
	const fields = (error as { context?: IDataObject })?.context?.fields;
	return fields && typeof fields === 'object' ? (fields as IDataObject) : {};
}
