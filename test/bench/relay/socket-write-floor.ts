// `pnpm exec tsx test/bench/relay/socket-write-floor.ts`: what one SSE write costs on this machine, without the
// relay. A node:http server holds 1,000 SSE responses, read by a second process, and writes the relay's frame of
// a benchmark event (about 360 bytes) to each, round after round, three ways: `res.write` (what the bare server
// does per delivery), the chunk framed once and written to the socket (what the relay's writer does), and k frames
// in one chunk (what a held flush writes). CPU time per write and per event, of the writing process only.
import { fork } from 'node:child_process'
import { createServer, get, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { webhookBody } from '../lib/webhook-body.js'

const STREAMS = 1_000
const ROUNDS = 300

if (process.argv[2] === 'reader') {
  const port = Number(process.argv[3])
  for (let i = 0; i < STREAMS; i++) get({ port, host: '127.0.0.1', agent: false }, (res) => res.resume())
} else {
  const responses: ServerResponse[] = []
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' })
    res.write('retry: 1000\n\n')
    responses.push(res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const reader = fork(import.meta.filename, ['reader', String((server.address() as AddressInfo).port)])
  while (responses.length < STREAMS) await new Promise((resolve) => setTimeout(resolve, 20))

  // The relay's frame of a benchmark webhook in scenario (b).
  const envelope = {
    id: '1764541234567-12',
    threadId: 'b|t1',
    kind: 'reply',
    type: 'message',
    receivedAt: new Date().toISOString(),
    source: 'webhook',
    body: JSON.parse(webhookBody('b|t1', 1)) as unknown,
  }
  const frame = Buffer.from(`id: 1764541234567-12\nevent: reply\ndata: ${JSON.stringify(envelope)}\n\n`)
  const chunked = (k: number) => {
    const data = Buffer.concat(Array.from({ length: k }, () => frame))
    return Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n')])
  }
  const turn = () => new Promise((resolve) => setImmediate(resolve))

  async function measure(label: string, events: number, write: (res: ServerResponse) => void) {
    for (let r = 0; r < 20; r++) {
      for (const res of responses) write(res)
      await turn()
    }
    const before = process.cpuUsage()
    for (let r = 0; r < ROUNDS; r++) {
      for (const res of responses) write(res)
      await turn()
    }
    const { user, system } = process.cpuUsage(before)
    const writes = STREAMS * ROUNDS
    const us = (n: number) => (n / writes).toFixed(2).padStart(6)
    console.log(
      `${label.padEnd(44)} per write ${us(user + system)} µs (user ${us(user)}, system ${us(system)})` +
        `, per event ${((user + system) / writes / events).toFixed(2).padStart(6)} µs`,
    )
  }

  console.log(`${STREAMS} SSE streams on loopback, ${frame.length}-byte frames, ${ROUNDS} rounds each`)
  await measure('res.write(frame), one event', 1, (res) => res.write(frame))
  for (const k of [1, 4, 10]) {
    const chunk = chunked(k)
    await measure(`socket.write(chunk framed once), ${k} event(s)`, k, (res) => res.socket?.write(chunk))
  }
  reader.kill()
  server.closeAllConnections()
  server.close()
}
