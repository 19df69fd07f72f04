import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { blobsWarning } from '../../src/config-blobs.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';

const SECRET = 'wJalrXUtnFEMI-K7MDENG-bPxRfiCYzQ9vLm2Xw8';
const base = { NODE_ENV: 'test', DATA_DIR: '/tmp/parley-config-test' };
const load = (env: Record<string, string>) => loadConfig({ ...base, ...env }, false);
const s3 = {
  BLOB_STORE: 's3',
  S3_ENDPOINT: 'https://minio.internal:9000',
  S3_BUCKET: 'parley-files',
  S3_ACCESS_KEY_ID: 'parley',
  S3_SECRET_ACCESS_KEY: SECRET,
};

function refusal(env: Record<string, string>): string {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(Object.keys(env))}`);
}

describe('BLOB_STORE and S3_* configuration', () => {
  it('is the local disk by default', () => {
    expect(load({}).blobs).toEqual({ kind: 'disk' });
  });

  it('BLOB_STORE=s3 with a bucket and credentials: the S3 settings, us-east-1, path style with an endpoint', () => {
    expect(load(s3).blobs).toEqual({
      kind: 's3',
      s3: {
        endpoint: 'https://minio.internal:9000',
        region: 'us-east-1',
        bucket: 'parley-files',
        accessKeyId: 'parley',
        secretAccessKey: SECRET,
        forcePathStyle: true,
      },
    });
    const hosts = load({ ...s3, S3_REGION: 'eu-west-3', S3_FORCE_PATH_STYLE: 'false' }).blobs;
    expect(hosts.kind === 's3' && [hosts.s3.region, hosts.s3.forcePathStyle]).toEqual(['eu-west-3', false]);
    const { S3_ENDPOINT: _endpoint, ...onAws } = s3;
    const aws = load(onAws).blobs;
    expect(aws.kind === 's3' && [aws.s3.endpoint, aws.s3.forcePathStyle]).toEqual([undefined, false]);
  });

  it('refuses to start without a bucket or credentials, or with S3_* but the disk, never printing the secret', () => {
    const { S3_BUCKET: _bucket, S3_SECRET_ACCESS_KEY: _secret, ...partial } = s3;
    const cases: [Record<string, string>, RegExp][] = [
      [partial, /S3_BUCKET, S3_SECRET_ACCESS_KEY: required with BLOB_STORE=s3/],
      [{ ...s3, S3_ACCESS_KEY_ID: '' }, /S3_ACCESS_KEY_ID: required/],
      [{ ...s3, S3_BUCKET: 'Not_A_Bucket' }, /S3_BUCKET: "Not_A_Bucket" is not a bucket name/],
      [{ ...s3, S3_ENDPOINT: 'ftp://minio.internal' }, /S3_ENDPOINT: must be http\(s\)/],
      [{ ...s3, S3_ENDPOINT: `https://parley:${SECRET}@minio.internal` }, /S3_ENDPOINT: must not carry credentials/],
      [{ ...s3, S3_FORCE_PATH_STYLE: 'yes' }, /S3_FORCE_PATH_STYLE/],
      [{ ...s3, BLOB_STORE: 'nfs' }, /BLOB_STORE/],
      [{ S3_SECRET_ACCESS_KEY: SECRET }, /S3_SECRET_ACCESS_KEY: set BLOB_STORE=s3 to use it/],
    ];
    for (const [env, message] of cases) {
      const text = refusal(env);
      expect(text).toMatch(message);
      expect(text).not.toContain(SECRET);
    }
  });

  it('in production, refuses a short or default S3 secret', () => {
    const production = {
      NODE_ENV: 'production',
      COOKIE_SECURE: 'true',
      JWT_SECRET: 'Zp8-qL2vX9mT4wR7yB1nC6kH3jF5dG0s',
    };
    expect(refusal({ ...production, ...s3, S3_SECRET_ACCESS_KEY: 'minioadmin' })).toMatch(/S3_SECRET_ACCESS_KEY/);
    expect(refusal({ ...production, ...s3, S3_SECRET_ACCESS_KEY: 'short-key' })).toMatch(/at least 16/);
    expect(load({ ...production, ...s3 }).blobs.kind).toBe('s3');
    expect(load({ ...s3, S3_SECRET_ACCESS_KEY: 'minioadmin' }).blobs.kind).toBe('s3');
  });

  it('warns (without refusing) when several nodes keep files on their own disks', () => {
    expect(blobsWarning({ kind: 'disk' }, true)).toMatch(/BLOB_STORE=disk with REDIS_URL.*set BLOB_STORE=s3/);
    expect(blobsWarning({ kind: 'disk' }, false)).toBeUndefined();
    expect(blobsWarning(load(s3).blobs, true)).toBeUndefined();
  });

  it('a logged config never shows the S3 secret', async () => {
    let text = '';
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        text += chunk.toString('utf8');
        callback();
      },
    });
    const config = load(s3);
    const logger = createLogger('info', sink, 'json');
    logger.info({ config, blobs: config.blobs }, 'configuration');
    if (config.blobs.kind === 's3') logger.info({ s3: config.blobs.s3, ...config.blobs.s3 }, 'the store');
    await expect.poll(() => text).toContain('the store');
    expect(text).toContain('parley-files');
    expect(text).not.toContain(SECRET);
  });
});
