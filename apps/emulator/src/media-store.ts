import { createWriteStream } from 'node:fs'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'

/** An uploaded file kept on disk for the emulator's lifetime and served at `/media/upload/<id>`. */
export interface StoredMedia {
  id: string
  path: string
  bytes: number
  filename: string
  mimeType: string
}

/** Uploaded files in a temporary directory (never in memory), removed on close. */
export interface MediaStore {
  /** Streams `source` to disk, counting bytes; rejects with `{ tooLarge: true }` above `limit` and removes the file. */
  save(source: Readable, limit: number, filename: string, mimeType: string): Promise<StoredMedia>
  get(id: string): StoredMedia | undefined
  close(): Promise<void>
}

/** Thrown by `save` when the upload passes the limit. */
export class UploadTooLarge extends Error {
  override readonly name = 'UploadTooLarge'
}

/**
 * Creates the store; the directory is made on the first upload.
 *
 * @example
 * const media = createMediaStore()
 * const file = await media.save(stream, 250e6, 'a.png', 'image/png')
 */
export function createMediaStore(): MediaStore {
  let dir: Promise<string> | undefined
  const files = new Map<string, StoredMedia>()
  return {
    async save(source, limit, filename, mimeType) {
      dir ??= mkdtemp(join(tmpdir(), 'flowchat-emulator-'))
      const id = randomUUID()
      const path = join(await dir, id)
      let bytes = 0
      let tooLarge = false
      source.on('data', (chunk: Buffer) => (bytes += chunk.length))
      // busboy truncates a file at its `fileSize` limit and says so with `limit`.
      source.once('limit', () => (tooLarge = true))
      await pipeline(source, createWriteStream(path))
      if (tooLarge || bytes > limit) {
        await rm(path, { force: true })
        throw new UploadTooLarge(`file: must be at most ${limit} bytes`)
      }
      const stored = { id, path, bytes: (await stat(path)).size, filename, mimeType }
      files.set(id, stored)
      return stored
    },
    get: (id) => files.get(id),
    async close() {
      files.clear()
      if (dir) await rm(await dir, { recursive: true, force: true })
    },
  }
}
