import type { Benchmark } from './bench-result.js';
export const rssSoakBenchmark: Benchmark = { id: 'rss-soak', aliases: ['rss'], title: 'rss-soak', run: () => Promise.reject(new Error('todo')) };
