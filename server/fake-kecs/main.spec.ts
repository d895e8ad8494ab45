/** `npm run fake-kecs`: its settings, and the CLI itself (the two lines it prints are a contract). */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fakeKecsSettings } from './main';

describe('fakeKecsSettings', () => {
	it('defaults to KECS’s ports and reads the environment', () => {
		expect(fakeKecsSettings({})).toEqual({
			ok: true,
			ecsPort: 5373,
			adminPort: 5374,
			host: '127.0.0.1',
			seed: undefined,
			logRate: undefined
		});
		expect(
			fakeKecsSettings({
				FAKE_KECS_PORT: '0',
				FAKE_KECS_ADMIN_PORT: '0',
				SIM_SEED: '7',
				SIM_LOG_RATE: '5'
			})
		).toMatchObject({ ok: true, ecsPort: 0, adminPort: 0, seed: 7, logRate: 5 });
	});

	it('refuses bad values, naming them', () => {
		const r = fakeKecsSettings({
			FAKE_KECS_PORT: 'x',
			FAKE_KECS_ADMIN_PORT: '70000',
			SIM_LOG_RATE: '-1'
		});
		expect(r.ok).toBe(false);
		if (!r.ok) {
			expect(r.problems).toHaveLength(3);
			expect(r.problems[0]).toMatch(/FAKE_KECS_PORT must be an integer from 0 to 65535, got "x"/);
		}
		expect(fakeKecsSettings({ FAKE_KECS_PORT: '6000', FAKE_KECS_ADMIN_PORT: '6000' }).ok).toBe(
			false
		);
	});
});

describe('npm run fake-kecs', () => {
	it('prints "ecs api on" and "admin on", serves both, and exits 0 on SIGTERM', async () => {
		const run = fileURLToPath(new URL('./run.js', import.meta.url));
		const child = spawn(process.execPath, [run], {
			env: { ...process.env, FAKE_KECS_PORT: '0', FAKE_KECS_ADMIN_PORT: '0' },
			stdio: ['ignore', 'pipe', 'pipe']
		});
		let out = '';
		let err = '';
		child.stdout.on('data', (d: Buffer) => (out += d.toString()));
		child.stderr.on('data', (d: Buffer) => (err += d.toString()));
		try {
			const deadline = Date.now() + 15_000;
			while (!/admin on /.test(out)) {
				if (Date.now() > deadline || child.exitCode !== null)
					throw new Error(`no output:\n${out}\n${err}`);
				await new Promise((r) => setTimeout(r, 50));
			}
			const lines = out.trim().split('\n');
			expect(lines).toHaveLength(2);
			expect(lines[0]).toMatch(/^ecs api on http:\/\/127\.0\.0\.1:\d+$/);
			expect(lines[1]).toMatch(/^admin on http:\/\/127\.0\.0\.1:\d+$/);
			const ecs = lines[0]?.slice('ecs api on '.length);
			const admin = lines[1]?.slice('admin on '.length);
			const res = await fetch(`${ecs}/`, {
				method: 'POST',
				headers: {
					'x-amz-target': 'AmazonEC2ContainerServiceV20141113.ListClusters',
					'content-type': 'application/x-amz-json-1.1'
				},
				body: '{}'
			});
			expect(res.status).toBe(200);
			expect((await fetch(`${admin}/health`)).status).toBe(200);
		} finally {
			child.kill('SIGTERM');
			const [code] = (await once(child, 'exit')) as [number | null];
			expect(code).toBe(0);
		}
	});
});
