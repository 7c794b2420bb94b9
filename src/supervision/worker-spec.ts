// What the supervisor needs to know to run one long-lived worker.
import type { WorkerRuntimeConfig } from '../protocol/messages.js';

/**
 * `executor` serves the executor API on ports the supervisor hands it; a `client` gets a port to the
 * executor (re-handed whenever either side restarts); `standalone` workers talk to no peer.
 */
export type WorkerRole = 'executor' | 'client' | 'standalone';

export interface WorkerSpec {
  readonly name: string;
  /** Compiled entry module (resolve with `new URL('../workers/x.js', import.meta.url)`). */
  readonly script: URL;
  readonly role: WorkerRole;
  /** Loop-specific settings passed through `init`. */
  readonly settings?: WorkerRuntimeConfig['settings'];
  /** STALL_INJECT for this worker; applied to the first incarnation only (it fires once). */
  readonly stallInject?: { readonly afterMs: number; readonly busyMs: number };
  /** PERF_INJECT for this worker; the first incarnation only, like stallInject. */
  readonly perfInject?: { readonly blockMs: number; readonly leakMb: number; readonly untilMs: number | null };
}
