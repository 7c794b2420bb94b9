// Executor RPC wiring: one MessageChannel per client, the executor serving one end and the client
// calling through the other. Called whenever either side is (re)spawned, so a restarted executor's
// peers get fresh ports and their calls in flight on the old ones reject.
import { MessageChannel } from 'node:worker_threads';
import type { WorkerHandle } from './worker-handle.js';

export function wireExecutorClient(executor: WorkerHandle, client: WorkerHandle): void {
  if (executor.isExited || client.isExited) return;
  const { port1, port2 } = new MessageChannel();
  executor.post({ type: 'serve-port', port: port1, peer: client.name }, [port1]);
  client.post({ type: 'executor-port', port: port2, generation: executor.generation }, [port2]);
}
