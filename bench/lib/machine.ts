/**
 * What the machine was doing while a case ran. Colleagues share these 2-core machines, so each
 * case records the load average and the whole machine's CPU busy fraction (from /proc/stat) over
 * its own window, beside our processes' share: a figure taken at 190% machine load is read
 * differently from one taken on an idle box.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** CPU counters of the whole machine, in clock ticks. */
interface CpuTicks {
	busy: number;
	total: number;
}

function readCpuTicks(): CpuTicks | undefined {
	try {
		const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
		const fields = line.trim().split(/\s+/).slice(1).map(Number);
		// user nice system idle iowait irq softirq steal guest guest_nice
		const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
		// guest time is already counted in user/nice.
		const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
		return { busy: total - idle, total };
	} catch {
		return undefined;
	}
}

/** Load over one measurement window. */
export interface LoadWindow {
	/** 1-minute load average at the start and at the end. */
	loadStart: number;
	loadEnd: number;
	/** Busy fraction of all cores together over the window (2.0 = both cores fully busy), every process counted. */
	machineBusyCores: number | null;
	/** Wall-clock length of the window in seconds. */
	seconds: number;
}

/** Start a load window; call the returned function at its end. */
export function loadWindow(): () => LoadWindow {
	const loadStart = os.loadavg()[0] ?? 0;
	const ticks = readCpuTicks();
	const t0 = performance.now();
	const cores = os.cpus().length || 1;
	return () => {
		const end = readCpuTicks();
		let machineBusyCores: number | null = null;
		if (ticks && end && end.total > ticks.total) {
			machineBusyCores = ((end.busy - ticks.busy) / (end.total - ticks.total)) * cores;
		}
		return {
			loadStart,
			loadEnd: os.loadavg()[0] ?? 0,
			machineBusyCores,
			seconds: (performance.now() - t0) / 1000
		};
	};
}

/** The machine and software a run used. */
export interface MachineInfo {
	date: string;
	host: string;
	cpu: string;
	cores: number;
	memoryGiB: number;
	node: string;
	chromium: string | null;
	commit: string | null;
	/** Uncommitted changes in the work tree when the run started. */
	dirty: boolean | null;
	loadavg: number[];
}

function tryRun(file: string, args: string[]): string | null {
	try {
		return execFileSync(file, args, {
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'ignore']
		}).trim();
	} catch {
		return null;
	}
}

/** Describe this machine (and the Chromium at `chromiumPath`, if any). */
export function machineInfo(chromiumPath: string | null, cwd: string): MachineInfo {
	const status = tryRun('git', ['-C', cwd, 'status', '--porcelain']);
	return {
		date: new Date().toISOString(),
		host: os.hostname(),
		cpu: os.cpus()[0]?.model ?? 'unknown',
		cores: os.cpus().length,
		memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
		node: process.version,
		chromium: chromiumPath
			? (tryRun(chromiumPath, ['--version'])?.split('\n').pop()?.trim() ?? null)
			: null,
		commit: tryRun('git', ['-C', cwd, 'rev-parse', '--short', 'HEAD']),
		dirty: status === null ? null : status.length > 0,
		loadavg: os.loadavg().map((v) => Math.round(v * 100) / 100)
	};
}
