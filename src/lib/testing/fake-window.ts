/**
 * A fake `window` for the client's browser wiring: `online`/`offline`/`focus`/`pageshow` on the
 * window, `visibilitychange` on its document, `navigator.onLine`. Tests flip them by hand.
 */
type Listener = () => void;

class Target {
	private readonly listeners = new Map<string, Set<Listener>>();

	addEventListener(type: string, listener: Listener): void {
		let set = this.listeners.get(type);
		if (!set) this.listeners.set(type, (set = new Set()));
		set.add(listener);
	}

	removeEventListener(type: string, listener: Listener): void {
		this.listeners.get(type)?.delete(listener);
	}

	/** Fire `type` to its listeners. */
	dispatch(type: string): void {
		for (const listener of [...(this.listeners.get(type) ?? [])]) listener();
	}

	/** Listeners currently attached (for leak checks). */
	count(): number {
		let n = 0;
		for (const set of this.listeners.values()) n += set.size;
		return n;
	}
}

class FakeDocument extends Target {
	visibilityState: 'visible' | 'hidden' = 'visible';
}

export class FakeWindow extends Target {
	readonly document = new FakeDocument();
	readonly navigator = { onLine: true };

	goOffline(): void {
		this.navigator.onLine = false;
		this.dispatch('offline');
	}

	goOnline(): void {
		this.navigator.onLine = true;
		this.dispatch('online');
	}

	hide(): void {
		this.document.visibilityState = 'hidden';
		this.document.dispatch('visibilitychange');
	}

	show(): void {
		this.document.visibilityState = 'visible';
		this.document.dispatch('visibilitychange');
	}

	/** Listeners on the window and its document together. */
	override count(): number {
		return super.count() + this.document.count();
	}
}
