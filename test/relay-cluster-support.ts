// Test support for several relay processes on one Redis: start and kill instances, a TCP load balancer in
// front of them, an SSE client (the `eventsource` package) that records what it got, and webhook posts.
import { spawn, type ChildProcess } from 'node:child_process'
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import { join } from 'node:path'
import { EventSource } from 'eventsource'
import type { TokenClaims } from '@flowchat/relay'
import type { InstanceConfig, InstanceMessage, InstanceRequest } from './relay-cluster-instance.js'

const repoRoot = join(import.meta.dirname, '..')

export interface Instance {
  readonly url: string
  readonly port: number
  token(claims: TokenClaims): Promise<string>
  /** SIGKILL plays a crash; SIGTERM a graceful stop. Resolves once the process is gone. */
  stop(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>
}

/**
 * Starts one relay process (test/relay-cluster-instance.ts). Every process started is also in `running`, so
 * `afterAll` can kill what a failed test left behind.
 *
 * @example
 * const a = await startInstance(config)
 */
export async function startInstance(config: InstanceConfig): Promise<Instance> {
  const child = spawn(
    process.execPath,
    [
      '--conditions=@flowchat/source',
      '--import',
      'tsx',
      join(import.meta.dirname, 'relay-cluster-instance.ts'),
      JSON.stringify(config),
    ],
    { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  )
  running.add(child)
  child.once('exit', () => running.delete(child))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('a relay instance did not start within 30 s')), 30_000)
    child.on('message', (m: InstanceMessage) => {
      if (m.type === 'ready') resolve(m.url)
      if (m.type === 'failed') reject(new Error(`a relay instance failed to start: ${m.error}`))
      if (m.type !== 'token') clearTimeout(timer)
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`a relay instance exited before it was ready (code ${code})`))
    })
  })
  let nextId = 1
  return {
    url,
    port: Number(new URL(url).port),
    token(claims) {
      const id = nextId++
      return new Promise((resolve) => {
        const onMessage = (m: InstanceMessage) => {
          if (m.type !== 'token' || m.id !== id) return
          child.off('message', onMessage)
          resolve(m.token)
        }
        child.on('message', onMessage)
        child.send({ type: 'token', id, claims } satisfies InstanceRequest)
      })
    },
    stop: (signal = 'SIGTERM') => stopChild(child, signal),
  }
}

const running = new Set<ChildProcess>()

async function stopChild(child: ChildProcess, signal: 'SIGKILL' | 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill(signal)
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
  await gone
  clearTimeout(timer)
}

/** Kills every instance still running (for `afterAll`, also after a failure). */
export async function stopAllInstances(): Promise<void> {
  await Promise.all([...running].map((child) => stopChild(child, 'SIGKILL')))
}

/** A TCP load balancer: each connection goes to the first backend that accepts it, like a health-checked LB. */
export interface LoadBalancer {
  readonly url: string
  close(): Promise<void>
}

/**
 * @example
 * const lb = await startLoadBalancer([a.port, b.port])
 */
export async function startLoadBalancer(ports: readonly number[]): Promise<LoadBalancer> {
  const sockets = new Set<Socket>()
  const server: Server = createServer((client) => {
    sockets.add(client)
    client.on('close', () => sockets.delete(client))
    client.on('error', () => client.destroy())
    const tryBackend = (index: number): void => {
      const port = ports[index]
      if (port === undefined) return void client.destroy()
      const backend = createConnection({ host: '127.0.0.1', port })
      let connected = false
      backend.on('error', () => {
        backend.destroy()
        if (!connected) tryBackend(index + 1)
      })
      backend.once('connect', () => {
        connected = true
        sockets.add(backend)
        backend.on('close', () => client.destroy())
        client.on('close', () => backend.destroy())
        client.pipe(backend).pipe(client)
      })
    }
    tryBackend(0)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (typeof address !== 'object' || address === null) throw new Error('the load balancer has no port')
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

/** What an SSE client received: events (in order), resets, and how often it (re)connected. */
export interface StreamRecorder {
  readonly events: { id: string; text: string }[]
  readonly resets: string[]
  readonly opens: number
  /** Called at each event's arrival (the benchmark timestamps here). */
  onEvent: ((event: { id: string; text: string }) => void) | undefined
  close(): void
}

/**
 * Opens a thread's (or the operators') SSE stream with `eventsource`, which reconnects by itself with
 * `Last-Event-ID`; `lastEventId` is sent as the query parameter of the first request.
 *
 * @example
 * const stream = openStream(b.url, '/v1/threads/t1/events', token)
 */
export function openStream(
  baseUrl: string,
  path: string,
  token: string,
  lastEventId?: string,
): StreamRecorder {
  const url = new URL(path, baseUrl)
  url.searchParams.set('access_token', token)
  if (lastEventId !== undefined) url.searchParams.set('lastEventId', lastEventId)
  const source = new EventSource(url)
  const recorder: StreamRecorder & { opens: number } = {
    events: [],
    resets: [],
    opens: 0,
    onEvent: undefined,
    close: () => source.close(),
  }
  source.addEventListener('open', () => recorder.opens++)
  source.addEventListener('reply', (message) => {
    const event = { id: message.lastEventId, text: textOf(message.data as string) }
    recorder.events.push(event)
    recorder.onEvent?.(event)
  })
  source.addEventListener('reset', (message) => recorder.resets.push(message.data as string))
  return recorder
}

function textOf(data: string): string {
  const envelope = JSON.parse(data) as { body: { payload: { messages: { fallback: string }[] } } }
  return envelope.body.payload.messages[0]?.fallback ?? ''
}

/** A Flow.ai `message` webhook body for `threadId` whose text is `text`. */
export function webhookBody(threadId: string, text: string): string {
  return JSON.stringify({
    type: 'message',
    payload: {
      threadId,
      traceId: text,
      messages: [{ fallback: text, responses: [{ type: 'text', payload: { text } }] }],
    },
  })
}

/** Posts a webhook body to one instance; resolves its status and parsed JSON answer. */
export async function postWebhook(
  baseUrl: string,
  secret: string,
  body: string,
): Promise<{ status: number; duplicate: boolean | undefined }> {
  const response = await fetch(new URL(`/webhooks/${encodeURIComponent(secret)}`, baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  })
  const answer = (await response.json().catch(() => ({}))) as { duplicate?: boolean }
  return { status: response.status, duplicate: answer.duplicate }
}

/** Waits until `check` holds; the message names what did not happen. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
