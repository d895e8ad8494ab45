import { render } from 'svelte/server';
import { beforeEach, describe, expect, it } from 'vitest';
import ProviderProbe from '$lib/testing/ProviderProbe.svelte';
import { FakeWebSocket } from '$lib/testing/fake-socket';

beforeEach(() => FakeWebSocket.reset());

describe('server rendering', () => {
	it('renders the provider and useWebSocket without opening a socket', () => {
		const { body } = render(ProviderProbe, {
			props: { options: { WebSocketImpl: FakeWebSocket } }
		});
		expect(body).toContain('disconnected');
		expect(body).toContain('idle');
		expect(FakeWebSocket.instances).toHaveLength(0);
	});
});
