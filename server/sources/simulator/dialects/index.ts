/** The log dialect of each runtime a simulated container can run. */
import type { Dialect } from '../log-line';
import { goDialect } from './go';
import { javaDialect } from './java';
import { nginxDialect } from './nginx';
import { nodeDialect } from './node';
import { pythonDialect } from './python';

/** The runtimes the simulated services are written in. */
export type Runtime = 'nginx' | 'node' | 'go' | 'java' | 'python';

/** Dialect by runtime. */
export const DIALECTS: Readonly<Record<Runtime, Dialect>> = {
	nginx: nginxDialect,
	node: nodeDialect,
	go: goDialect,
	java: javaDialect,
	python: pythonDialect
};
