import { describe, expect, it } from 'vitest';
import {
	decodeClientFrame,
	decodeServerFrame,
	DEFAULT_MAX_FRAME_BYTES,
	DEFAULT_MAX_SERVER_FRAME_BYTES
} from './index';

describe('default frame limits', () => {
	const entry = (seq: number) => ({
		id: `l${seq}`,
		seq,
		timestamp: '2026-11-26T10:00:00.000Z',
		level: 'info',
		source: { type: 'container', name: 'web', identifier: 'c' },
		message: 'x'.repeat(1000)
	});

	it('accepts a server log_batch larger than the 1 MiB client-frame limit', () => {
		const frame = JSON.stringify({
			type: 'log_batch',
			payload: Array.from({ length: 2000 }, (_, i) => entry(i + 1))
		});
		expect(frame.length).toBeGreaterThan(DEFAULT_MAX_FRAME_BYTES);
		expect(decodeServerFrame(frame).ok).toBe(true);
		expect(decodeServerFrame('x'.repeat(DEFAULT_MAX_SERVER_FRAME_BYTES + 1))).toMatchObject({
			ok: false,
			error: { code: 'payload_too_large' }
		});
	});

	it('keeps 1 MiB for client frames', () => {
		const frame = JSON.stringify({ type: 'message', payload: 'x'.repeat(DEFAULT_MAX_FRAME_BYTES) });
		expect(decodeClientFrame(frame)).toMatchObject({
			ok: false,
			error: { code: 'payload_too_large' }
		});
	});
});
