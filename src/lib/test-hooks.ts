/**
 * Read-only hooks for the end-to-end tests, on `window.__kecsLive`. A windowed list keeps only the
 * rows in view in the DOM, so "no `seq` is missing or repeated across the whole buffer" cannot be
 * read from the page's markup; the dashboard exposes the buffer's seqs here instead. Hooks only
 * read: they never change what the page does. See tests/e2e/README.md.
 */

type Hook = () => unknown;

declare global {
	interface Window {
		/** Test hooks by name (see $lib/test-hooks). */
		__kecsLive?: Record<string, Hook>;
	}
}

/** Expose `hook` as `window.__kecsLive[name]` (browser only); returns the remover. */
export function exposeTestHook(name: string, hook: Hook): () => void {
	if (typeof window === 'undefined') return () => {};
	const hooks = (window.__kecsLive ??= {});
	hooks[name] = hook;
	return () => {
		if (hooks[name] === hook) delete hooks[name];
	};
}
