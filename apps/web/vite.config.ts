import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The server serves dist/ in production; in development it answers /trpc on port 3000.
export default defineConfig({
  plugins: [react()],
  server: {
    proxy: { '/trpc': { target: 'http://127.0.0.1:3000', changeOrigin: false } },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
  },
});
