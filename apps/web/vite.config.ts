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
    // Only the lazy ECharts chunk passes 500 kB; the initial JS is held to its own 400 KB gzip budget.
    chunkSizeWarningLimit: 650,
    rolldownOptions: {
      output: {
        // ECharts (the chart routes only) in one named, long-cached chunk that the first page never loads.
        codeSplitting: { groups: [{ name: 'echarts', test: /node_modules[\\/](echarts|zrender)[\\/]/ }] },
      },
    },
  },
});
