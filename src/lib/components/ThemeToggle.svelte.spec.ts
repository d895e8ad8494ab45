import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import ThemeToggle, { THEME_KEY } from './ThemeToggle.svelte';

let systemDark = false;
beforeEach(() => {
	localStorage.clear();
	delete document.documentElement.dataset.theme;
	vi.stubGlobal('matchMedia', (query: string) => ({
		matches: query.includes('dark') && systemDark,
		addEventListener: () => {},
		removeEventListener: () => {}
	}));
});
afterEach(() => vi.unstubAllGlobals());

describe('ThemeToggle', () => {
	it('starts from the system theme and switches to the other one, remembered', async () => {
		systemDark = true;
		render(ThemeToggle);
		const button = screen.getByTestId('theme-toggle');
		await vi.waitFor(() => expect(button.dataset.theme).toBe('dark'));
		expect(button.getAttribute('aria-label')).toBe('Switch to light theme');
		await fireEvent.click(button);
		expect(document.documentElement.dataset.theme).toBe('light');
		expect(localStorage.getItem(THEME_KEY)).toBe('light');
		await fireEvent.click(button);
		expect(document.documentElement.dataset.theme).toBe('dark');
		expect(localStorage.getItem(THEME_KEY)).toBe('dark');
	});

	it('follows a theme already picked over the system', async () => {
		systemDark = true;
		document.documentElement.dataset.theme = 'light';
		render(ThemeToggle);
		await vi.waitFor(() => expect(screen.getByTestId('theme-toggle').dataset.theme).toBe('light'));
	});
});
