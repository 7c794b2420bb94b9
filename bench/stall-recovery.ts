import type { Benchmark } from './bench-result.js';
export const stallRecoveryBenchmark: Benchmark = { id: 'stall-recovery', aliases: ['stall'], title: 'stall-recovery', run: () => Promise.reject(new Error('todo')) };
