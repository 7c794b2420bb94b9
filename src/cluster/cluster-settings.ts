// The cluster facts the supervisor hands the executor thread in its `init` settings (plain data,
// checked by executorSettingsSchema in src/protocol/messages.ts): where Redis is, which account,
// which process, how long a lease lasts. Absent (null) = one process.
export interface ClusterSettings {
  readonly redisUrl: string;
  readonly accountUid: string;
  readonly processId: string;
  readonly leaseTtlMs: number;
}
