/**
 * Epochs: a fresh random name each time the hub starts (or restarts) with empty history, so a
 * client resuming with `since: {epoch, seq}` from an older life is told `recovered: false`
 * instead of being matched against unrelated sequence numbers.
 */
import { randomBytes } from 'node:crypto';

/** A new epoch name: start time (base 36, for humans reading logs) plus 48 random bits. */
export function newEpoch(now = Date.now()): string {
	return `${now.toString(36)}-${randomBytes(6).toString('hex')}`;
}
