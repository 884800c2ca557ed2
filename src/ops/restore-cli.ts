import { resolve } from 'node:path';
import { runFileCommand } from './cli.ts';
import { restoreDatabase } from './restore.ts';

await runFileCommand('npm run restore -- <file> [--force]', ['force'], (url, file, flags) =>
  restoreDatabase(url, resolve(file), { force: flags.has('force') }, console.log),
);
