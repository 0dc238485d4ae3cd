/**
 * The bench's small formatting helpers (medians, durations, ratios, markdown tables), shared by
 * the modules that write a section of bench/RESULTS.md.
 */

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export const ms = (value: number) => (Number.isFinite(value) ? `${Math.round(value)} ms` : '–');
export const sec = (value: number) =>
	Number.isFinite(value) ? `${(value / 1000).toFixed(2)} s` : '–';
export const ratio = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '–');
export const mb = (value: number | undefined) =>
	value !== undefined && Number.isFinite(value) ? `${Math.round(value)} MB` : '–';

export function table(header: string[], rows: string[][]): string {
	const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
	return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
