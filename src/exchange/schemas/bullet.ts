// WebSocket connection tokens (POST /api/v1/bullet-public, /api/v1/bullet-private).
import { z } from 'zod';
import { finite } from './numeric.js';

const instanceServerSchema = z.object({
  endpoint: z.string().regex(/^wss?:\/\//, 'expected a ws:// or wss:// endpoint'),
  encrypt: z
    .boolean()
    .nullish()
    .transform((v) => v ?? null),
  protocol: z.string(),
  pingInterval: finite(),
  pingTimeout: finite(),
});

export const bulletSchema = z.object({
  token: z.string().min(1),
  instanceServers: z.array(instanceServerSchema).min(1),
});
export type BulletToken = z.output<typeof bulletSchema>;
