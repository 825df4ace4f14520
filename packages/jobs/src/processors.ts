import { heartbeat } from './processors/heartbeat';
import type { Processors } from './runner';

/** Every job body by name. */
export const processors: Processors = {
  'system.heartbeat': heartbeat,
};
