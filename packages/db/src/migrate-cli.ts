import { loadConfigOrExit } from '@tradehits/config';
import { createDb } from './client';

// `npm run migrate`: applies drizzle/ to the configured database (PGlite in DATA_DIR by default).
const config = loadConfigOrExit();
const handle = createDb(config.database);
await handle.migrate();
await handle.close();
console.log(`migrations applied (${handle.kind})`);
