/**
 * A hand-driven frame scheduler (stand-in for `requestAnimationFrame`): callbacks wait until the
 * test calls `flush()`, so a test can count how often a store would have rendered.
 */
export function manualFrames() {
	const queue: Array<() => void> = [];
	let scheduled = 0;
	return {
		schedule(callback: () => void): () => void {
			scheduled++;
			queue.push(callback);
			return () => {
				const i = queue.indexOf(callback);
				if (i >= 0) queue.splice(i, 1);
			};
		},
		/** Run the callbacks of the current frame. */
		flush(): void {
			for (const callback of queue.splice(0)) callback();
		},
		/** Callbacks waiting for the next frame. */
		get pending(): number {
			return queue.length;
		},
		/** Frames requested so far. */
		get scheduled(): number {
			return scheduled;
		}
	};
}
