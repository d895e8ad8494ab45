/**
 * Size of an inbound frame as the traffic meter counts it (`bytesIn`): UTF-16 code units of a
 * text frame, bytes of a binary one. Shared by socket.ts and the decoding worker, which both
 * count frames.
 */
export function frameSize(data: unknown): number {
	if (typeof data === 'string') return data.length;
	if (data instanceof ArrayBuffer) return data.byteLength;
	if (ArrayBuffer.isView(data)) return data.byteLength;
	return 0;
}
