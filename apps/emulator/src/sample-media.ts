import { readFileSync } from 'node:fs'

/** A file the emulator serves for its sample replies. */
export interface SampleFile {
  contentType: string
  body: Buffer
}

const svg = (fill: string, label: string) =>
  Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360" viewBox="0 0 640 360">` +
      `<rect width="640" height="360" fill="${fill}"/>` +
      `<text x="320" y="190" font-family="sans-serif" font-size="40" fill="#fff" text-anchor="middle">${label}</text></svg>`,
  )

/** One second of a 440 Hz tone, 8 kHz 8-bit mono PCM in a WAV container. */
function tone(): Buffer {
  const rate = 8000
  const data = Buffer.alloc(rate)
  for (let i = 0; i < rate; i++) data[i] = 128 + Math.round(60 * Math.sin((2 * Math.PI * 440 * i) / rate))
  const header = Buffer.alloc(44)
  header.write('RIFF', 0)
  header.writeUInt32LE(36 + data.length, 4)
  header.write('WAVEfmt ', 8)
  header.writeUInt32LE(16, 16)
  header.writeUInt16LE(1, 20)
  header.writeUInt16LE(1, 22)
  header.writeUInt32LE(rate, 24)
  header.writeUInt32LE(rate, 28)
  header.writeUInt16LE(1, 32)
  header.writeUInt16LE(8, 34)
  header.write('data', 36)
  header.writeUInt32LE(data.length, 40)
  return Buffer.concat([header, data])
}

/**
 * Two seconds of a test pattern with a 440 Hz tone, 128×72 VP8 and Opus in WebM (6 KB), made once with
 * `ffmpeg -f lavfi -i testsrc=size=128x72:rate=8:duration=2 -f lavfi -i sine=frequency=440:duration=2
 * -c:v libvpx -b:v 12k -crf 50 -c:a libopus -b:a 6k -shortest sample-video.webm`. The one binary sample: a
 * video encoder in code would dwarf it.
 */
const video = () => readFileSync(new URL('../assets/sample-video.webm', import.meta.url))

/**
 * The sample files, by name, generated in memory at start (a few KB) or, for the video, read from `assets/`.
 *
 * @example
 * SAMPLE_FILES['image.svg']?.contentType // 'image/svg+xml'
 */
export const SAMPLE_FILES: Record<string, SampleFile> = {
  'image.svg': { contentType: 'image/svg+xml', body: svg('#3b6ea8', 'flowchat emulator') },
  'bot.svg': { contentType: 'image/svg+xml', body: svg('#2f8f5b', 'bot') },
  'audio.wav': { contentType: 'audio/wav', body: tone() },
  'video.webm': { contentType: 'video/webm', body: video() },
  'file.txt': {
    contentType: 'text/plain; charset=utf-8',
    body: Buffer.from('A sample file from the flowchat emulator.\n'),
  },
}
