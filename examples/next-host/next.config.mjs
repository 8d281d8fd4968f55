// A static export, as the QuFabric web bundle is built (`next build` writes out/).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export default {
  output: 'export',
  // This folder is a project of its own inside the repository (its own lockfile).
  turbopack: { root: here },
  outputFileTracingRoot: here,
};
