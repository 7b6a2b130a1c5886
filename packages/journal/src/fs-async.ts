import fs from 'node:fs';

// Thin promise wrappers over the callback fs API: the work runs in libuv's thread pool, off the JS thread.

/** Opens a file and resolves its numeric descriptor. */
export function openFd(path: string, flags: string): Promise<number> {
  return new Promise((resolve, reject) => {
    fs.open(path, flags, 0o644, (err, fd) => (err ? reject(err) : resolve(fd)));
  });
}

/** Closes a descriptor. */
export function closeFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => {
    fs.close(fd, (err) => (err ? reject(err) : resolve()));
  });
}

/** Full fsync, used for directories and snapshot files. */
export function fsyncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => {
    fs.fsync(fd, (err) => (err ? reject(err) : resolve()));
  });
}

function writeOnce(fd: number, buf: Uint8Array, offset: number, length: number, position: number) {
  return new Promise<number>((resolve, reject) => {
    fs.write(fd, buf, offset, length, position, (err, written) => (err ? reject(err) : resolve(written)));
  });
}

/** Positional write of `buf[offset, offset + length)` at `position`, looping over short writes. */
export async function writeAll(
  fd: number,
  buf: Uint8Array,
  offset: number,
  length: number,
  position: number,
): Promise<void> {
  let done = 0;
  while (done < length) {
    const n = await writeOnce(fd, buf, offset + done, length - done, position + done);
    if (n <= 0) throw new Error(`write returned ${n}`);
    done += n;
  }
}

/** Makes a directory's entries (created, renamed, deleted files) durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const fd = await openFd(dir, 'r');
  try {
    await fsyncFd(fd);
  } finally {
    await closeFd(fd);
  }
}
