import { render } from 'svelte/server';
import { beforeEach, describe, expect, it } from 'vitest';
import StreamsProviderProbe from '$lib/testing/StreamsProviderProbe.svelte';
import { FakeWebSocket } from '$lib/testing/fake-socket';

beforeEach(() => FakeWebSocket.reset());

describe('streams during server rendering', () => {
	it('render their initial values and open no socket', () => {
		const { body } = render(StreamsProviderProbe, {
			props: { options: { WebSocketImpl: FakeWebSocket } }
		});
		expect(body).toContain('data-testid="connected">false');
		expect(body).toContain('data-testid="unread">0');
		expect(FakeWebSocket.instances).toHaveLength(0);
	});
});
