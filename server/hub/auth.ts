/**
 * Token authentication. The comparison runs in constant time over hashes, so neither the
 * content nor the length of the configured token leaks through response timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

function digest(text: string): Buffer {
	return createHash('sha256').update(text, 'utf8').digest();
}

/** Whether `candidate` equals `token`, in time independent of both. */
export function tokenMatches(token: string, candidate: string): boolean {
	return timingSafeEqual(digest(token), digest(candidate));
}

/** Who an authenticated connection is, as reported in `authenticated`. */
export interface Identity {
	username: string;
	roles: string[];
}

/** The identity behind the shared token (there is one token, so one operator identity). */
export const OPERATOR: Identity = { username: 'operator', roles: ['operator'] };

/** The identity of a connection to a hub without a token. */
export const ANONYMOUS: Identity = { username: 'anonymous', roles: ['operator'] };
