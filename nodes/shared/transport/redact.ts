/**
 * Keeps the API key out of everything the transport hands back: answers, error messages,
 * descriptions, contexts, request ids. A hostile or broken server can echo the key in any of
 * them, as is or encoded, so every copy a reader could turn back into the key is masked: the key
 * itself, URL-encoded, base64 (standard and URL-safe, at any alignment inside a longer base64
 * text), and any of those in another letter case.
 */

export const MASK = '***';

/** Shorter keys are not Composio keys; masking 1–3 characters everywhere would mangle answers. */
const MIN_SECRET_LENGTH = 4;

/** A base64 run shorter than this could match unrelated text; longer ones are the key's alone. */
const MIN_BASE64_CORE = 8;

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The characters of `base64(prefix + secret)` that depend on the secret's bytes only, for a
 * prefix of `offset` bytes: inside a longer base64 text, the secret starts at any of three
 * alignments, and only whole 3-byte groups of it encode to the same characters every time.
 */
function base64Core(secret: Buffer, offset: number): string {
	const skip = (3 - offset) % 3;
	const whole = Math.floor((secret.length - skip) / 3) * 3;
	if (whole <= 0) return '';
	return secret.subarray(skip, skip + whole).toString('base64');
}

/** Every form of `secret` worth masking, longest first so a longer form wins over its parts. */
export function secretForms(secret: string): string[] {
	if (secret.length < MIN_SECRET_LENGTH) return [];
	const bytes = Buffer.from(secret, 'utf8');
	const forms = new Set<string>([secret, encodeURIComponent(secret)]);
	// The whole key at the start of a base64 text, its last partial group included.
	forms.add(bytes.toString('base64').replace(/=+$/, ''));
	for (const offset of [1, 2]) {
		const core = base64Core(bytes, offset);
		if (core.length >= MIN_BASE64_CORE) forms.add(core);
	}
	for (const form of [...forms]) forms.add(form.replace(/\+/g, '-').replace(/\//g, '_'));
	return [...forms].sort((a, b) => b.length - a.length);
}

export interface Redactor {
	/** Whether `text` holds a form of the key (any case). */
	found(text: string): boolean;
	/** `text` with every form of the key masked. */
	text(text: string): string;
	/**
	 * Masks every string (and object key) inside a JSON value, in place, and returns it. Only for
	 * values the transport owns (a freshly parsed answer, an error it built).
	 */
	value<T>(value: T): T;
	/** Masks an error's message, description, context, cause and stack, in place. */
	error<T>(error: T): T;
}

const NOTHING: Redactor = {
	found: () => false,
	text: (text) => text,
	value: (value) => value,
	error: (error) => error,
};

export function createRedactor(secret: string): Redactor {
	const forms = secretForms(secret);
	if (forms.length === 0) return NOTHING;
	const source = forms.map(escapeRegExp).join('|');
	const test = new RegExp(source, 'i');
	const replace = new RegExp(source, 'gi');

	const found = (text: string) => test.test(text);
	const text = (value: string) => (test.test(value) ? value.replace(replace, MASK) : value);

	const walk = (value: unknown, seen: WeakSet<object>): unknown => {
		if (typeof value === 'string') return text(value);
		if (value === null || typeof value !== 'object' || seen.has(value)) return value;
		seen.add(value);
		if (Array.isArray(value)) {
			for (let index = 0; index < value.length; index++) value[index] = walk(value[index], seen);
			return value;
		}
		const record = value as Record<string, unknown>;
		for (const key of Object.keys(record)) {
			const cleanKey = text(key);
			const clean = walk(record[key], seen);
			if (cleanKey !== key) {
				delete record[key];
				record[cleanKey] = clean;
			} else if (clean !== record[key]) {
				record[key] = clean;
			}
		}
		return value;
	};

	return {
		found,
		text,
		value: (value) => walk(value, new WeakSet()) as typeof value,
		error(error) {
			if (error === null || typeof error !== 'object') return error;
			const record = error as unknown as Record<string, unknown>;
			const seen = new WeakSet<object>();
			for (const key of Object.getOwnPropertyNames(error)) {
				// The node (its parameters) is the workflow's own; the rest came from the request.
				if (key === 'node') continue;
				const current = record[key];
				const clean = walk(current, seen);
				if (clean !== current) record[key] = clean;
			}
			return error;
		},
	};
}
