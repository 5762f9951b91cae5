/**
 * The flag a read carries when it was answered from the records store (src/api/live-state.ts).
 */
import { z } from 'zod';

/** The flag on a read answered from the records store (OpenAPI: LiveState). */
export const liveStateSchema = z.object({ available: z.literal(false), reason: z.enum(['unreplayable', 'worker_unavailable', 'server_unavailable']) }).meta({
  id: 'LiveState',
  description: 'Present only when the live state could not be read: the answer is what the records store last recorded, and steps answer 503 until it is back.',
});
