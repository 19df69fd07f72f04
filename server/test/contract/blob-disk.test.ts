import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskBlobStore } from '../../src/adapters/blob-disk.js';
import { waitUntil } from '../helpers/wait.js';
import { describeBlobStoreContract } from './blob-store.contract.js';

describeBlobStoreContract('disk', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'parley-blobs-'));
  const root = join(directory, 'files');
  return {
    store: new DiskBlobStore(root),
    // The temporary file a put writes before renaming it into place.
    receiving: (key) =>
      waitUntil(
        async () => (await readdir(root).catch(() => [])).some((name) => name.startsWith(`${key}.blob.`)),
        `the disk store writes ${key}`,
      ),
    async unreachable() {
      // A root that is a file: nothing can be created, read or removed under it (even as root).
      const file = join(directory, 'not-a-directory');
      await writeFile(file, 'x');
      return new DiskBlobStore(file);
    },
    dispose: () => rm(directory, { recursive: true, force: true }),
  };
});
