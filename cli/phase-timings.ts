/**
 * `--timings`: the wall time and peak resident memory of each phase of a command, on stderr. A phase's peak is the
 * kernel's high-water mark of the process, reset when the phase starts where Linux allows it (/proc/self/clear_refs),
 * so a later phase is measured apart from an earlier, larger one; elsewhere it is the process's peak so far.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export interface PhaseTiming {
	name: string;
	seconds: number;
	/** CPU time of the process (user + system): on a machine shared with other jobs, the part the wall time can't tell. */
	cpuSeconds: number;
	peakRssMb: number;
}

function highWaterMb(): number {
	try {
		const kb = /VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
		if (kb !== undefined) return Math.round(Number(kb) / 1024);
	} catch {
		// Not Linux: the process's peak so far.
	}
	return Math.round(process.resourceUsage().maxRSS / 1024);
}

function resetHighWater(): void {
	try {
		writeFileSync('/proc/self/clear_refs', '5');
	} catch {
		// Not Linux, or not allowed: phases then report the peak so far.
	}
}

export class PhaseTimer {
	readonly phases: PhaseTiming[] = [];
	private name: string;
	private started = process.hrtime.bigint();
	private cpu = process.cpuUsage();

	constructor(first: string) {
		this.name = first;
	}

	/** Ends the current phase and starts the next. */
	next(name: string): void {
		this.end();
		resetHighWater();
		this.name = name;
		this.started = process.hrtime.bigint();
		this.cpu = process.cpuUsage();
	}

	/** Ends the current phase (once). */
	end(): void {
		if (this.phases.some((p) => p.name === this.name)) return;
		const cpu = process.cpuUsage(this.cpu);
		this.phases.push({
			name: this.name,
			seconds: Number(process.hrtime.bigint() - this.started) / 1e9,
			cpuSeconds: (cpu.user + cpu.system) / 1e6,
			peakRssMb: highWaterMb(),
		});
	}

	/** One line: `timings: staging 12.3 s (CPU 11.0 s, peak 180 MB), issuing …`, and the phases as JSON. */
	report(command: string): string {
		this.end();
		const text = this.phases.map((p) => `${p.name} ${p.seconds.toFixed(1)} s (CPU ${p.cpuSeconds.toFixed(1)} s, peak ${p.peakRssMb} MB)`).join(', ');
		return `${command} timings: ${text} ${JSON.stringify({ phases: this.phases })}\n`;
	}
}
