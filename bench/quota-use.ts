import type { Benchmark } from './bench-result.js';
export const quotaUseBenchmark: Benchmark = { id: 'quota-use', aliases: ['quota'], title: 'quota-use', run: () => Promise.reject(new Error('todo')) };
