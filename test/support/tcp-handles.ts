// TCP handles (servers, sockets, pending connects) this process holds open: a test takes a
// baseline, runs, and waits until the count is back to it, proving nothing of its own leaked.
export function tcpHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP')).length;
}
