import { resolve } from 'node:path';
import { backupDatabase } from './backup.ts';
import { runFileCommand } from './cli.ts';

await runFileCommand('npm run backup -- <file>', [], (url, file) => backupDatabase(url, resolve(file), console.log));
