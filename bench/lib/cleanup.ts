/**
 * Last-resort cleanup of what a run started (Chromium process groups, gateway children, temp
 * directories): synchronous functions run at exit and on SIGINT/SIGTERM, so an interrupted or
 * crashed run leaves nothing behind. Normal paths close things themselves first.
 */
const tasks = new Set<() => void>();
let hooked = false;

function runAll(): void {
	for (const task of [...tasks]) {
		tasks.delete(task);
		try {
			task();
		} catch {
			// Best effort: keep cleaning up the rest.
		}
	}
}

/** Register `task`; returns its remover (call it once the thing was closed normally). */
export function onCleanup(task: () => void): () => void {
	if (!hooked) {
		hooked = true;
		process.on('exit', runAll);
		for (const signal of ['SIGINT', 'SIGTERM'] as const) {
			process.once(signal, () => {
				runAll();
				process.exit(signal === 'SIGINT' ? 130 : 143);
			});
		}
	}
	tasks.add(task);
	return () => tasks.delete(task);
}
