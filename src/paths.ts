// Where the package's own files are (shipped templates, examples), from this module's location:
// dist/paths.js and src/paths.ts both sit one level below the package root.
import { fileURLToPath } from 'node:url';

export function packageRoot(): string {
  return fileURLToPath(new URL('..', import.meta.url));
}
