import { defineConfig } from 'vite';

// The build lands in target/classes/webroot so the module's jar carries it; relative asset paths let the server
// mount the editor anywhere.
export default defineConfig({
  base: './',
  build: {
    outDir: 'target/classes/webroot',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    // `npm run dev` talks to a running `tessera serve` on its default port.
    proxy: {
      '^/(object_info|prompt|queue|interrupt|history|view|upload|system_stats|models|ws)': {
        target: process.env.TESSERA_URL ?? 'http://127.0.0.1:8188',
        ws: true,
      },
    },
  },
});
