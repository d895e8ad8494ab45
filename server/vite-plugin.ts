// PLACEHOLDER written by the lead so vitest can load vite.config.ts; the hub author replaces this
// file with the real dev plugin (attach the gateway hub to Vite's dev and preview servers).
import type { Plugin } from 'vite';

export function gatewayDevPlugin(): Plugin {
	return { name: 'kecs-live-gateway' };
}
