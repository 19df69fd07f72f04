/** The machine a run measured, as printed with its results. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, release, tmpdir, totalmem } from 'node:os';

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  kernel: string;
  /** Filesystem type under the temporary directory, where Parley's SQLite file lives. */
  tmpFilesystem: string;
  loadAverageAtStart: string;
  /** The commit measured, with "+dirty" when the working tree has changes. */
  commit: string;
}

export function machineInfo(): MachineInfo {
  const cpuinfo = safeRead('/proc/cpuinfo');
  return {
    cpus: availableParallelism(),
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown',
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    kernel: release(),
    tmpFilesystem: filesystemOf(tmpdir()),
    loadAverageAtStart: safeRead('/proc/loadavg').split(' ').slice(0, 3).join(' '),
    commit: gitCommit(),
  };
}

function filesystemOf(path: string): string {
  let best = { mount: '', type: 'unknown' };
  for (const line of safeRead('/proc/mounts').split('\n')) {
    const [, mount = '', type = ''] = line.split(' ');
    const covers = path === mount || path.startsWith(mount.endsWith('/') ? mount : `${mount}/`);
    if (covers && mount.length >= best.mount.length) best = { mount, type };
  }
  return best.type;
}

function gitCommit(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
    return `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--', 'server', 'protocol').length > 0 ? '+dirty' : ''}`;
  } catch {
    return 'unknown';
  }
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
