// On-demand profiles of the thread this runs in, through node:inspector (the thread's own V8
// inspector session: no debugger port is opened). A CPU profile samples while the thread keeps
// running, so heartbeats continue; a heap snapshot blocks the thread while V8 writes it, which is
// why the supervisor suspends stall detection for a thread it asked for a profile.
import { Session } from 'node:inspector/promises';
import { systemClock } from '../resilience/clock.js';

export type ProfileKind = 'cpu' | 'heap';

export interface ProfileRequest {
  readonly kind: ProfileKind;
  readonly seconds: number;
}

/** Returns the .cpuprofile or .heapsnapshot JSON text. */
export async function takeProfile(
  request: ProfileRequest,
  sleep: (ms: number) => Promise<void> = defaultSleep,
): Promise<string> {
  const session = new Session();
  session.connect();
  try {
    if (request.kind === 'cpu') {
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
      await sleep(request.seconds * 1000);
      const { profile } = await session.post('Profiler.stop');
      await session.post('Profiler.disable');
      return JSON.stringify(profile);
    }
    const chunks: string[] = [];
    session.on('HeapProfiler.addHeapSnapshotChunk', (m: { params: { chunk: string } }) => chunks.push(m.params.chunk));
    await session.post('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    return chunks.join('');
  } finally {
    session.disconnect();
  }
}

function defaultSleep(ms: number): Promise<void> {
  return systemClock.sleep(ms);
}
