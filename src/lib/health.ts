/**
 * The gateway's `GET /_health`, as the UI reads it: whether the source produces metrics (a real
 * KECS does not, so the metrics panels say so instead of waiting), the source's own health, and
 * whether the fault controls are on (the demo page's fault panel needs them).
 */

/** A source's health as `/_health` reports it. */
export interface SourceHealthInfo {
	name: string;
	status: 'starting' | 'healthy' | 'degraded' | 'down';
	detail?: string;
	/** Absent from gateways older than the field: treat as true. */
	providesMetrics?: boolean;
}

/** The parts of `/_health` the UI uses. */
export interface GatewayHealth {
	ok: boolean;
	epoch: string;
	clients: number;
	faults: boolean;
	source: SourceHealthInfo | null;
}

/** Fetch `/_health`; null when the gateway cannot be reached or answers nonsense. */
export async function fetchHealth(fetchImpl: typeof fetch = fetch): Promise<GatewayHealth | null> {
	try {
		const res = await fetchImpl('/_health', { cache: 'no-store' });
		if (!res.ok) return null;
		const body = (await res.json()) as Partial<GatewayHealth> | null;
		if (!body || typeof body !== 'object' || typeof body.ok !== 'boolean') return null;
		return {
			ok: body.ok,
			epoch: String(body.epoch ?? ''),
			clients: Number(body.clients ?? 0),
			faults: body.faults === true,
			source: body.source && typeof body.source === 'object' ? body.source : null
		};
	} catch {
		return null;
	}
}

/** Whether metrics can be expected (unknown counts as yes: the panel then waits for samples). */
export function providesMetrics(health: GatewayHealth | null): boolean {
	return health?.source?.providesMetrics !== false;
}
