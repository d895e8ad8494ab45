import { Browser } from './cdp';
import { simulatorEntries } from './lib/entries';
import { startFrameServer } from './lib/frame-server';

const pageDir = process.cwd() + '/bench/out/page';
const server = await startFrameServer(pageDir, { simulator: simulatorEntries(2000) });
const browser = await Browser.launch();
try {
	const page = await browser.newPage('about:blank', { isolated: true });
	await page.goto(`${server.origins[0]}/`, 'window.kecsBench && window.kecsBench.ready');
	for (const n of [1, 1, 100, 1]) {
		const mode = 'bare';
		const url = server.wsUrl(server.origins[0], { n });
		const t = performance.now();
		const r = await page.evaluate<Record<string, number>>(`window.kecsBench.ingest(${JSON.stringify({ mode, url, maxBufferSize: 10000, warmupMs: 250, measureMs: 600 })})`);
		console.log(n, 'evaluate', ((performance.now() - t) / 1000).toFixed(2), 's; page total', (r.totalMs! / 1000).toFixed(2), 'rate', Math.round(r.rate!));
		for (let i = 0; i < 5; i++) {
			const t1 = performance.now();
			await page.evaluate('1+1');
			const t2 = performance.now();
			await browser.connection.send('Browser.getVersion');
			console.log('   1+1', (t2 - t1).toFixed(0), 'ms; Browser.getVersion', (performance.now() - t2).toFixed(0), 'ms; server sockets', server.stats.connections, 'sent', server.stats.framesSent);
			await new Promise((r) => setTimeout(r, 300));
		}
	}
} finally {
	await browser.close();
	await server.close();
}
