/**
 * Rendering safety (issue 6, part 4): every text field of logs and notifications that could hold
 * markup is rendered as text. Hostile log lines and notifications go through the real gateway
 * (`POST /_faults/log`, `/_faults/notification`) to the dashboard (`/`) and the walkthrough
 * (`/websocket-demo`): script tags, `img onerror`, `javascript:` and plain links, SVG onload,
 * attribute break-outs, template syntax, and ANSI escape tricks (OSC 8 hyperlinks, SGR around
 * markup, CSI with huge or malformed parameters, C1 controls, bidi overrides).
 *
 * Nothing may execute: a `window.__pwned` trap (every payload writes it), a dialog listener (and
 * payloads that call alert), and a network watch on the payloads' host (`pwned.invalid`). The
 * text must be visible as text: the markup itself, or what is left of an ANSI line once its
 * escapes are removed. No element the payloads describe may exist in the page.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { startGateway, type RunningGateway } from './gateway';
import { collectErrors } from './page-hooks';

const ESC = '\x1b';
const HOST = 'pwned.invalid';

interface Payload {
	/** Unique marker at the start of the line, visible, for finding the row. */
	marker: string;
	/** The log message sent. */
	message: string;
	/** Text that must be visible in the row. */
	visible: string;
	/** Expand the row first (a collapsed row lays out only its first 2,000 characters). */
	expand?: boolean;
}

const LOGS: Payload[] = [
	{ message: `<script>window.__pwned='script';alert(1)</script>`, visible: '<script>' },
	{
		message: `<img src=x onerror="window.__pwned='img';alert(2)">`,
		visible: '<img src=x onerror='
	},
	{ message: `<img src="http://${HOST}/img.png">`, visible: `<img src="http://${HOST}/img.png">` },
	{
		message: `<a href="javascript:window.__pwned='js-link'">click me</a>`,
		visible: `<a href="javascript:window.__pwned='js-link'">click me</a>`
	},
	{
		message: `javascript:window.__pwned='bare';alert(3)`,
		visible: `javascript:window.__pwned='bare'`
	},
	{ message: `<a href="http://${HOST}/a">plain link</a>`, visible: `<a href="http://${HOST}/a">` },
	{
		message: `<svg onload="window.__pwned='svg'"><circle r="1"/></svg>`,
		visible: `<svg onload="window.__pwned='svg'">`
	},
	{
		message: `<iframe src="javascript:parent.__pwned='iframe'"></iframe>`,
		visible: '<iframe src="javascript:'
	},
	{
		message: `<style>body{background:url(http://${HOST}/css)}</style><link rel=stylesheet href=http://${HOST}/link>`,
		visible: `<style>body{background:url(http://${HOST}/css)}</style>`
	},
	{ message: `"><img src=x onerror=window.__pwned='attr'>`, visible: `"><img src=x onerror=` },
	{
		message: `{{constructor.constructor('window.__pwned=1')()}} \${alert(4)}`,
		visible: '{{constructor.constructor('
	},
	// ANSI: an OSC 8 hyperlink keeps its text and loses its link.
	{
		message: `${ESC}]8;;http://${HOST}/osc8${ESC}\\osc8-text${ESC}]8;;${ESC}\\ after`,
		visible: 'osc8-text after'
	},
	// SGR colour around markup: coloured text, still text.
	{
		message: `${ESC}[31;1m<img src=x onerror="window.__pwned='ansi'">${ESC}[0m tail`,
		visible: `<img src=x onerror="window.__pwned='ansi'"> tail`
	},
	// CSI with a huge parameter, an out-of-range truecolour, a huge 256-colour index.
	{
		message: `${ESC}[${'9'.repeat(3000)}mhuge-csi ${ESC}[38;2;999999999;0;0mrgb ${ESC}[38;5;${'1'.repeat(300)}mend`,
		visible: 'huge-csi rgb end',
		expand: true
	},
	// An escape whose parameters try to smuggle CSS: the CSI ends at the first letter.
	{
		message: `${ESC}[38;2;0;0;0;background:url(http://${HOST}/sgr)m<b>bold?</b>`,
		visible: '<b>bold?</b>'
	},
	// C1 CSI (0x9b), an unterminated OSC swallowing the rest, bidi overrides dropped.
	{ message: `c1\u009b31mred\u202e<i>rtl</i>\u2066`, visible: 'c1red<i>rtl</i>' },
	{
		message: `visible-before${ESC}]0;<img src=x onerror=window.__pwned='osc'>`,
		visible: 'visible-before'
	},
	// A JSON line (pretty-printed when expanded) and a multi-line one with markup on line 2.
	{
		message: JSON.stringify({ msg: `<img src=x onerror="window.__pwned='json'">`, n: 1 }),
		visible: '<img src=x onerror='
	},
	{
		message: `first line\n<script>window.__pwned='line2'</script>\nthird`,
		visible: 'first line'
	}
].map((p: Omit<Payload, 'marker'>, i) => {
	// A prefix no simulator line contains: the search below is case-insensitive, and a common one
	// ("RS" is in "orders") kept matching lines streaming in, scrolling the rows under test away.
	const marker = `QZRS${String(i).padStart(2, '0')}`;
	return { ...p, marker, message: `${marker} ${p.message}` };
});

interface NotePayload {
	title: string;
	message: string;
	resourceId?: string;
}

const NOTES: NotePayload[] = [
	{
		title: `<img src=x onerror="window.__pwned='note-title'">`,
		message: `<script>window.__pwned='note-msg'</script>`
	},
	{
		title: `<svg onload="window.__pwned='note-svg'">`,
		message: `<a href="javascript:window.__pwned='note-link'">open</a> http://${HOST}/note`,
		resourceId: `service:<img src=x onerror="window.__pwned='svc'">`
	},
	{
		title: `javascript:window.__pwned='note-js'`,
		message: `${ESC}]8;;http://${HOST}/note-osc${ESC}\\osc${ESC}]8;;${ESC}\\`,
		resourceId: `javascript:window.__pwned='res'`
	},
	{
		title: `task link <b>bold</b>`,
		message: 'resource is a task ARN with markup',
		resourceId: `arn:aws:ecs:us-east-1:000000000000:task/default/"><img src=x onerror=window.__pwned='task'>`
	}
];

let gateway: RunningGateway;
test.beforeAll(async () => {
	// A slow simulator: the injected lines stay in view.
	gateway = await startGateway({ SIM_LOG_RATE: '2' });
});
test.afterAll(async () => {
	await gateway?.stop();
});

interface Watch {
	dialogs: string[];
	hostile: string[];
	errors: string[];
}

/** Trap, dialogs, and requests to the payloads' host (aborted, and recorded). */
async function watch(page: Page): Promise<Watch> {
	const w: Watch = { dialogs: [], hostile: [], errors: collectErrors(page) };
	await page.addInitScript(() => {
		const log: string[] = [];
		Object.defineProperty(window, '__pwnedLog', { value: log });
		Object.defineProperty(window, '__pwned', {
			configurable: false,
			get: () => (log.length > 0 ? log.join(',') : undefined),
			set: (v: unknown) => {
				log.push(String(v));
			}
		});
	});
	page.on('dialog', (d) => {
		w.dialogs.push(`${d.type()}: ${d.message()}`);
		void d.dismiss();
	});
	page.on('request', (r) => {
		const url = r.url();
		if (url.includes(HOST) || url.startsWith('javascript:')) w.hostile.push(url);
	});
	await page.route(/pwned\.invalid/, (route) => {
		w.hostile.push(route.request().url());
		return route.abort();
	});
	return w;
}

async function injectLog(message: string): Promise<void> {
	await gateway.fault(`log?level=warn&message=${encodeURIComponent(message)}`);
}

async function injectNote(n: NotePayload): Promise<void> {
	const q = new URLSearchParams({
		type: 'error',
		priority: 'high',
		title: n.title,
		message: n.message
	});
	if (n.resourceId) q.set('resourceId', n.resourceId);
	await gateway.fault(`notification?${q.toString()}`);
}

/** Elements or live attributes of the kind the payloads describe, found in the page. */
function injectedElements(page: Page): Promise<string[]> {
	return page.evaluate((host) => {
		const out: string[] = [];
		const q = (sel: string) => document.querySelectorAll(sel).length;
		for (const sel of [
			'script:not([src]):not([type])',
			'iframe',
			'object',
			'embed',
			'img',
			'style:not([data-svelte-h])',
			'link[href*="pwned"]'
		]) {
			// The app's own inline scripts (SvelteKit's bootstrap) are in <head> or body's first
			// children; anything under main/header/section is ours to explain.
			const n = Array.from(document.querySelectorAll(sel)).filter(
				(e) => e.closest('main, header, section, [data-testid]') !== null
			).length;
			if (n > 0) out.push(`${sel}: ${n}`);
		}
		if (q(`a[href^="javascript:" i]`) > 0) out.push('javascript: link');
		if (q(`a[href*="${host}"]`) > 0) out.push('link to the payload host');
		if (q('[onerror], [onload], [onclick]') > 0) out.push('inline event handler attribute');
		if (q('svg[onload], circle[r="1"]') > 0) out.push('injected svg');
		return out;
	}, HOST);
}

/** Nothing the payloads describe exists in the page as an element or a live attribute. */
async function expectNoInjectedElements(page: Page): Promise<void> {
	expect(await injectedElements(page)).toEqual([]);
}

/**
 * Scroll the viewer with the wheel, as a reader would, until the row of `marker` is rendered: the
 * windowed list keeps only the rows in view (and a few around them) in the DOM, and a short viewer
 * (the demo page's) does not show all the injected lines at once.
 */
async function reveal(viewer: Locator, marker: string): Promise<void> {
	const rows = viewer.getByTestId('log-row');
	const target = Number(marker.slice(-2));
	for (let i = 0; i < 40; i++) {
		if ((await rows.filter({ hasText: marker }).count()) > 0) return;
		const shown = (await rows.allTextContents())
			.map((t) => /QZ(?:RS|WD)(\d\d)/.exec(t)?.[1])
			.filter((m): m is string => m !== undefined)
			.map(Number);
		const up = shown.length === 0 || Math.min(...shown) > target;
		await viewer.locator('.vl-viewport').hover();
		await viewer.page().mouse.wheel(0, up ? -120 : 120);
		await viewer.page().waitForTimeout(100);
	}
}

/** The payload's row shows its text (a huge CSI hides nothing: its text is past the cut). */
async function expectRow(viewer: Locator, p: Payload): Promise<void> {
	await reveal(viewer, p.marker);
	const row = viewer.getByTestId('log-row').filter({ hasText: p.marker });
	await expect(row, p.marker).toHaveCount(1);
	if (p.expand) {
		// Collapsed: the escape's 3,000 digits are not shown as text; expanded: what follows is.
		await expect(row.locator('.msg'), p.marker).not.toContainText('999');
		// Expand, again if need be: the server-side search just applied replaces the stream, and
		// rows (with their expanded state) are rebuilt when its history arrives, which on a slow
		// machine can be after the first click.
		await expect(async () => {
			const show = row.getByRole('button', { name: 'Show details' });
			if ((await show.count()) > 0) await show.click();
			await expect(row.locator('.msg')).toContainText(p.visible, { timeout: 1_000 });
		}, p.marker).toPass({ timeout: 15_000 });
	}
	await expect(row.locator('.msg'), p.marker).toContainText(p.visible);
	if (p.expand) await row.getByRole('button', { name: 'Hide details' }).click();
}

async function expectNothingExecuted(page: Page, w: Watch): Promise<void> {
	expect(
		await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned)
	).toBeUndefined();
	expect(w.dialogs).toEqual([]);
	expect(w.hostile).toEqual([]);
	await expectNoInjectedElements(page);
}

test('dashboard: hostile log lines and notifications render as text, nothing executes', async ({
	page
}) => {
	const w = await watch(page);
	await page.goto(gateway.url);
	await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'open');
	await expect(page.getByTestId('log-row').first()).toBeVisible();

	for (const p of LOGS) await injectLog(p.message);
	// Only the injected lines: search their common marker prefix.
	await page.getByTestId('log-search').fill('QZRS');
	await page.getByTestId('log-only-matching').click();
	// The server-side filter applies after a pause in typing and refills the buffer: wait for it,
	// or the refill (which follows the newest line again) can move rows away mid-check.
	await expect(page.getByTestId('log-viewer').getByTestId('log-count')).toHaveText(
		`${LOGS.length} lines`
	);
	for (const p of LOGS) await expectRow(page.getByTestId('log-viewer'), p);
	// Expanded rows show more of the text (the JSON pretty-printed, every line): still text.
	for (const marker of ['QZRS17', 'QZRS18']) {
		const row = page.getByTestId('log-row').filter({ hasText: marker });
		await row.getByRole('button', { name: 'Show details' }).click();
		await expect(row.locator('.details')).toBeVisible();
	}
	await expect(page.getByTestId('log-row').filter({ hasText: 'QZRS17' })).toContainText(
		`"<img src=x onerror=\\"window.__pwned='json'\\">"`
	);
	await expect(page.getByTestId('log-row').filter({ hasText: 'QZRS18' })).toContainText(
		`<script>window.__pwned='line2'</script>`
	);

	for (const n of NOTES) await injectNote(n);
	// The toast shows the newest error's title as text.
	await expect(page.getByTestId('notification-toast').first()).toBeVisible();
	await page.getByTestId('notification-bell').click();
	const panel = page.getByTestId('notification-panel');
	for (const n of NOTES) {
		const item = panel.getByTestId('notification').filter({ hasText: n.title });
		await expect(item, n.title).toHaveCount(1);
		await expect(item.locator('.title')).toHaveText(n.title);
	}
	await expect(
		panel.getByTestId('notification').filter({ hasText: NOTES[0]!.title }).locator('.message')
	).toHaveText(NOTES[0]!.message);
	// The OSC 8 message is not run through the ANSI renderer: it shows as it came, as text.
	const oscNote = panel.getByTestId('notification').filter({ hasText: NOTES[2]!.title });
	await expect(oscNote).toContainText(`http://${HOST}/note-osc`);
	// A resource id that is not a task or service is text, not a link.
	await expect(oscNote.locator('.meta a')).toHaveCount(0);
	await expect(oscNote.locator('.meta')).toContainText(
		`javascript:window.__pwned='res'`.slice(0, 37)
	);
	await expectNothingExecuted(page, w);

	// Task and service names reach the page through a notification's resource link and the URL:
	// following the hostile service link shows the name as text in the log viewer's scope.
	const svcNote = panel.getByTestId('notification').filter({ hasText: NOTES[1]!.title });
	const svcLink = svcNote.locator('.meta a');
	await expect(svcLink).toHaveText(`service <img src=x onerror="window.__pwned='svc'">`);
	await svcLink.click();
	await expect(page).toHaveURL(/service=/);
	await expect(page.getByTestId('log-viewer')).toContainText(
		`Service <img src=x onerror="window.__pwned='svc'">`
	);
	await expectNothingExecuted(page, w);

	// A task id with markup, straight in the URL (not an ARN, so the label shows it whole).
	const hostileTask = `"><svg onload=window.__pwned='url'>`;
	await page.goto(`${gateway.url}/?task=${encodeURIComponent(hostileTask)}`);
	await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'open');
	await expect(page.getByTestId('log-viewer')).toContainText(`<svg onload=window.__pwned='url'>`);
	await expectNothingExecuted(page, w);
	expect(w.errors, w.errors.join('\n')).toEqual([]);
});

test('/websocket-demo: the same lines and notifications render as text', async ({ page }) => {
	const w = await watch(page);
	await page.goto(`${gateway.url}/websocket-demo`);
	await expect(page.getByTestId('connection-status').first()).toHaveAttribute('data-state', 'open');

	const fresh = LOGS.map((p) => ({
		...p,
		marker: p.marker.replace('QZRS', 'QZWD'),
		message: p.message.replace(p.marker, p.marker.replace('QZRS', 'QZWD'))
	}));
	for (const p of fresh) await injectLog(p.message);
	const viewer = page.getByTestId('log-viewer').first();
	await viewer.getByTestId('log-search').fill('QZWD');
	await viewer.getByTestId('log-only-matching').click();
	await expect(viewer.getByTestId('log-count')).toHaveText(`${fresh.length} lines`);
	for (const p of fresh) await expectRow(viewer, p);

	for (const n of NOTES) await injectNote({ ...n, title: `demo ${n.title}` });
	for (const n of NOTES) {
		const item = page
			.locator('main')
			.getByTestId('notification')
			.filter({ hasText: `demo ${n.title}` });
		await expect(item.first(), n.title).toBeVisible();
		await expect(item.first().locator('.title')).toHaveText(`demo ${n.title}`);
	}
	await expectNothingExecuted(page, w);
	expect(w.errors, w.errors.join('\n')).toEqual([]);
});

test('control: the traps do catch markup that is rendered as HTML', async ({ page }) => {
	// The same detectors, on markup inserted as HTML on purpose: each must fire, or the tests
	// above would prove nothing.
	const w = await watch(page);
	await page.goto(gateway.url);
	await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'open');
	await page.evaluate((host) => {
		const div = document.createElement('div');
		div.innerHTML = `<img src=x onerror="window.__pwned='control';alert('control')"><img src="http://${host}/control.png">`;
		document.querySelector('main')!.append(div);
	}, HOST);
	await expect
		.poll(() => page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned))
		.toBe('control');
	await expect.poll(() => w.dialogs).toEqual(['alert: control']);
	await expect.poll(() => w.hostile.some((u) => u.includes('control.png'))).toBe(true);
	expect(await injectedElements(page)).toContain('img: 2');
});
