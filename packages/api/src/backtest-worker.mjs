// The worker thread's entry: plain JavaScript, so it starts without a loader; it registers tsx in
// this thread (loader hooks are per thread) and then runs the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./backtest-worker.ts');
