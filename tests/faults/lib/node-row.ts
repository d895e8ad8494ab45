/**
 * The shape every Node row shares: a real gateway process, a watched client, the fault, the wait
 * for live data, and the accounting against the server, written as one {@link FaultRow}.
 */
import { expect } from '@playwright/test';
import type { ClientOptions } from '$lib/connection/client';
import type { WebSocketConfig } from '$lib/connection/config';
import { GatewayProcess } from './gateway';
import { settle, Watched } from './node-client';
import { announcedText, writeRow, type FaultRow } from './row';

/** Context handed to a row's fault. */
export interface NodeRowContext {
	gw: GatewayProcess;
	w: Watched;
}

/** Options of {@link nodeRow}. */
export interface NodeRowOptions {
	row: Pick<FaultRow, 'id' | 'fault' | 'expected'>;
	/** Gateway environment (log rate, token). */
	env?: Record<string, string>;
	/** Client config beyond the URL (defaults otherwise: the product's). */
	config?: Partial<WebSocketConfig>;
	clientOptions?: ClientOptions;
	/** URL the client connects to instead of the gateway's (a proxy in front of it). */
	url?: (gw: GatewayProcess) => string | Promise<string>;
	/** Token to probe the server with, if it needs one. */
	token?: () => string | undefined;
	/** Injects the fault; resolves when the fault is over (the server reachable again). */
	inject: (ctx: NodeRowContext) => Promise<void | { notes?: string }>;
	/** Longest wait for live data after the fault. */
	recoverTimeoutMs?: number;
	/** Extra checks and notes after settling. */
	after?: (ctx: NodeRowContext) => Promise<string | void> | string | void;
}

/** Run one Node row end to end and record it. */
export async function nodeRow(options: NodeRowOptions): Promise<FaultRow> {
	const gw = await GatewayProcess.start({ SIM_LOG_RATE: '200', ...options.env });
	let w: Watched | undefined;
	try {
		const url = options.url ? await options.url(gw) : gw.wsUrl;
		w = new Watched({ url, ...options.config }, options.clientOptions);
		w.client.connect();
		const ctx = { gw, w };
		await w.live({ seq: 0, epoch: undefined }, 15_000);
		// Some lines first, so the fault lands mid-stream.
		await new Promise((ok) => setTimeout(ok, 1500));
		const attemptsBefore = w.reconnects;
		const injected = await options.inject(ctx);
		// Every Node row breaks the link: live again means a new link and lines after the fault.
		const recoverMs = await w.live(
			w.position(),
			options.recoverTimeoutMs ?? 60_000,
			attemptsBefore
		);
		// A little more traffic after recovery, then compare with the server.
		await new Promise((ok) => setTimeout(ok, 1000));
		const a = await settle(w, gw.wsUrl, options.token?.());
		const extra = (await options.after?.(ctx)) ?? '';
		const lost = a.silentlyLost + a.vsServer.missing + a.vsServer.mismatched + a.unannouncedEpochs;
		const row: FaultRow = {
			...options.row,
			client: 'node',
			recovered: true,
			asExpected: lost === 0 && a.duplicated === 0,
			recoverMs: Math.round(recoverMs),
			lost,
			duplicated: a.duplicated,
			announced: announcedText(a),
			attempts: w.reconnects - attemptsBefore,
			checked: a.lines,
			notes: [
				injected && injected.notes,
				`${a.vsServer.compared} lines compared with the server's history by seq and id`,
				extra
			]
				.filter(Boolean)
				.join('; ')
		};
		writeRow(row);
		expect(a.holes, 'silent holes').toEqual([]);
		expect(lost, 'silently lost lines').toBe(0);
		expect(a.duplicated, 'duplicated lines').toBe(0);
		return row;
	} finally {
		w?.dispose();
		await gw.kill();
	}
}
