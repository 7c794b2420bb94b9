// Facts about the machine and runtime a benchmark figure depends on.
import os from 'node:os';

export interface MachineFacts {
  readonly cpuModel: string;
  /** Logical cores Node may use. */
  readonly cores: number;
  readonly totalMemoryGiB: number;
  readonly platform: string;
  readonly node: string;
  readonly v8: string;
}

export function machineFacts(): MachineFacts {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    totalMemoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    v8: process.versions.v8,
  };
}
