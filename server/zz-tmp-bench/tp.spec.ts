import { it } from 'vitest';
import { spawn } from 'node:child_process';
import { startTestGateway } from '../testing/harness';
import { sourceLog } from '../testing/fixtures';

const CLIENT = `
const WebSocket = require('ws');
const ws = new WebSocket(process.argv[1], { perMessageDeflate: process.argv[2] === 'true' });
let n = 0;
ws.on('message', (d) => {
  const s = d.toString();
  if (s.startsWith('{"type":"log_batch"')) n += JSON.parse(s).payload.length;
  else if (s.startsWith('{"type":"log_entry"')) n++;
  else if (s.startsWith('{"type":"welcome"')) ws.send(JSON.stringify({ type: 'subscribe', payload: { stream: 'logs' } }));
});
setInterval(() => process.stdout.write(n + '\\n'), 500);
`;

it('throughput', async () => {
	for (const deflate of [false, true]) {
		const t = await startTestGateway({ batchIntervalMs: 50, deflate });
		const child = spawn(process.execPath, ['-e', CLIENT, t.gateway.wsUrl, String(deflate)], { cwd: process.cwd() });
		let last = 0;
		child.stdout.on('data', (d: Buffer) => { const v = Number(String(d).trim().split('\n').pop()); if (v) last = v; });
		await new Promise((r) => setTimeout(r, 800));
		const sink = (t.gateway.hub as any).sink;
		const entry = sourceLog(1);
		let i = 0;
		const startRecv = last;
		const timer = setInterval(() => { for (let k = 0; k < 3000; k++) sink.log({ ...entry, id: `l${++i}` }); }, 10);
		const t0 = performance.now();
		await new Promise((r) => setTimeout(r, 4000));
		clearInterval(timer);
		await new Promise((r) => setTimeout(r, 1200));
		const el = (performance.now() - t0) / 1000;
		const s = t.gateway.hub.stats();
		console.log({ deflate, published: i, pubPerSec: Math.round(i / 4), received: last - startRecv, recvPerSec: Math.round((last - startRecv) / 4), dropped: s.totals.dropped.logs, frames: s.totals.framesOut, bytes: JSON.stringify(entry).length, el });
		child.kill();
		await t.stop();
	}
}, 60000);
