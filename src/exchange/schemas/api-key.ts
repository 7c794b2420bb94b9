// API-key info (GET /api/v1/user/api-key). The key itself (`apiKey`) is deliberately not in the
// parsed form: nothing downstream can log what it never receives.
import { z } from 'zod';

const commaList = z
  .string()
  .optional()
  .transform((raw) =>
    (raw ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== ''),
  );

export const apiKeyInfoSchema = z.object({
  /** "General,Futures" -> ['General', 'Futures']. */
  permission: commaList,
  /** Empty when the key accepts any address. */
  ipWhitelist: commaList,
  uid: z.union([z.number(), z.string().min(1)]).transform(String),
  isMaster: z.boolean(),
  subName: z.string().optional(),
  apiVersion: z.number().optional(),
});
export type ApiKeyInfo = z.output<typeof apiKeyInfoSchema>;
