import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const WEB = path.dirname(fileURLToPath(import.meta.url));

/**
 * Two single-page apps, each built on its own into web/dist/<app>/ with the base path the
 * server mounts it on (src/http/console.ts): `--mode admin` (the console at /admin/) and
 * `--mode graphiql` (GraphiQL at /graphiql/). Everything is bundled: no CDN, no external font.
 * JSX is compiled by Vite's own transformer (oxc, automatic runtime); no React plugin is needed
 * for a production build.
 */
const APPS = ['admin', 'graphiql'];

export default defineConfig(({ mode }) => {
  const app = APPS.includes(mode) ? mode : 'admin';
  return {
    root: path.resolve(WEB, app),
    base: `/${app}/`,
    publicDir: false,
    logLevel: 'warn',
    oxc: { jsx: { runtime: 'automatic' } },
    build: {
      outDir: path.resolve(WEB, 'dist', app),
      emptyOutDir: true,
      // Workers and small assets are files, never data: or blob: URLs, so the CSP stays 'self'.
      assetsInlineLimit: 0,
      chunkSizeWarningLimit: 6000,
      sourcemap: false,
      rolldownOptions: {
        // React libraries' "use client" / "use no memo" directives mean nothing in a client-only bundle.
        onwarn(warning, warn) {
          if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') {
            warn(warning);
          }
        },
      },
    },
    worker: { format: 'es' },
  };
});
