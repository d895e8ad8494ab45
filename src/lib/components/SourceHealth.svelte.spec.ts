import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import SourceHealth from './SourceHealth.svelte';

describe('SourceHealth', () => {
	it('names the source and its status', () => {
		render(SourceHealth, { health: { name: 'kecs', status: 'healthy' } });
		const el = screen.getByTestId('source-health');
		expect(el).toHaveAttribute('data-status', 'healthy');
		expect(el).toHaveTextContent('kecs: healthy');
	});

	it('says why a source is down', () => {
		render(SourceHealth, {
			health: { name: 'kecs', status: 'down', detail: 'ECS API unreachable: ECONNREFUSED' }
		});
		const el = screen.getByTestId('source-health');
		expect(el).toHaveAttribute('data-status', 'down');
		expect(el).toHaveAttribute('title', 'ECS API unreachable: ECONNREFUSED');
		expect(el).toHaveTextContent('ECONNREFUSED');
	});

	it('is honest when the health is unknown', () => {
		render(SourceHealth, { health: null });
		expect(screen.getByTestId('source-health')).toHaveAttribute('data-status', 'unknown');
	});
});
