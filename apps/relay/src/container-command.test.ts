// The container image cannot be built here (no container daemon): this runs what the image runs. It reads the
// Dockerfile's runtime stage (ENV, CMD, HEALTHCHECK) and runs that CMD with an environment like compose's: only
// the image's variables and FLOWCHAT_* ones, secrets as *_FILE, listening on 0.0.0.0, Redis storage. Then it runs
// the HEALTHCHECK command as Docker would, checks that stdout is JSON log lines only (without a secret in them),
// and that SIGTERM stops it cleanly.
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { settingRows } from './relay-help.js'
import { testSecrets } from './testing/fake-flow.js'

const relayDir = join(import.meta.dirname, '..')
const dockerfile = readFileSync(join(relayDir, 'Dockerfile'), 'utf8')
const compose = readFileSync(join(relayDir, 'deploy', 'compose.yaml'), 'utf8')

/** The Dockerfile's last stage, with continuation lines joined. */
function runtimeStage(): string[] {
  const lines = dockerfile.replaceAll(/\\\n\s*/g, ' ').split('\n')
  const from = lines.findLastIndex((line) => line.startsWith('FROM '))
  return lines.slice(from).filter((line) => line.trim() !== '' && !line.startsWith('#'))
}
const instruction = (name: string) => runtimeStage().filter((line) => line.startsWith(`${name} `))
const execForm = (text: string) => JSON.parse(text) as string[]

function imageEnv(): Record<string, string> {
  const env: Record<string, string> = {}
  for (const line of instruction('ENV')) {
    for (const [, key, value] of line.slice(4).matchAll(/([A-Z_]+)=(\S+)/g)) env[key!] = value!
  }
  return env
}

async function sparePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

const redisUrl = process.env.FLOWCHAT_REDIS_URL ?? 'redis://127.0.0.1:6379'

describe('the container image, as far as it can be checked without building it', () => {
  it('has a slim Node 24 runtime stage that runs as a non-root user, with a health check and a CMD', () => {
    const stage = runtimeStage()
    expect(stage[0]).toBe('FROM node:24-slim')
    expect(instruction('USER')).toEqual(['USER node'])
    expect(imageEnv()).toMatchObject({ FLOWCHAT_HOST: '0.0.0.0' })
    expect(execForm(instruction('CMD')[0]!.slice(4))).toEqual(['node', 'dist/cli.js'])
    expect(instruction('HEALTHCHECK')[0]).toContain('/healthz')
  })

  it('the image and compose set only variables the relay knows, and compose gives every *_FILE a secret', () => {
    const known = new Set(settingRows().flatMap((row) => row.variables))
    const used = [...`${dockerfile}\n${compose}`.matchAll(/\b(FLOWCHAT_[A-Z_]+)\b/g)].map((m) => m[1]!)
    expect(used.length).toBeGreaterThan(5)
    for (const variable of used) expect(known, variable).toContain(variable)
    for (const [, name] of compose.matchAll(/_FILE: \/run\/secrets\/(\w+)/g)) {
      expect(compose).toMatch(new RegExp(`\\n\\s+- ${name}\\n`))
      expect(compose).toMatch(new RegExp(`\\n  ${name}:\\n    file: \\./secrets/`))
    }
    expect(compose).toContain('./nginx.conf:/etc/nginx/conf.d/default.conf:ro')
    expect(compose).toMatch(/relay1: \*relay\n\s+relay2: \*relay/)
  })

  describe("runs the image's CMD with the image's kind of environment", { timeout: 90_000 }, () => {
    let dir: string
    let child: ChildProcessByStdio<null, Readable, Readable> | undefined
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'flowchat-container-'))
      // The image runs the built files: build them as the image's build stage does (the relay and what it imports).
      const build = spawnSync('pnpm', ['--filter', '@flowchat/relay...', 'run', 'build'], {
        cwd: relayDir,
        encoding: 'utf8',
        timeout: 80_000,
      })
      if (build.status !== 0) throw new Error(`pnpm build failed:\n${build.stdout}${build.stderr}`)
    }, 90_000)
    afterAll(async () => {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await rm(dir, { recursive: true, force: true })
    })

    it('serves /healthz for the HEALTHCHECK, logs JSON only, and stops on SIGTERM', async () => {
      const secrets = testSecrets()
      const files: Record<string, string> = {
        FLOWCHAT_API_KEY_FILE: secrets.apiKey,
        FLOWCHAT_WEBHOOK_SECRET_FILE: secrets.webhookSecret,
        FLOWCHAT_TOKEN_SECRET_FILE: secrets.tokenSecret,
        FLOWCHAT_OPERATOR_PASSWORD_FILE: secrets.operatorPassword,
        FLOWCHAT_REDIS_URL_FILE: redisUrl,
      }
      const env: Record<string, string> = {
        ...imageEnv(),
        // As a platform sets it; FLOWCHAT_PORT is unset, so the relay takes PORT (the image's default is 8788).
        PORT: String(await sparePort()),
        FLOWCHAT_STORAGE: 'redis',
        FLOWCHAT_FLOW_BASE_URL: 'http://127.0.0.1:9/',
      }
      for (const [variable, content] of Object.entries(files)) {
        const path = join(dir, variable.toLowerCase())
        // Mounted secrets usually end with a newline.
        await writeFile(path, `${content}\n`)
        env[variable] = path
      }

      // The image's CMD exactly, on the files the build stage makes.
      const [command, ...args] = execForm(instruction('CMD')[0]!.slice(4))
      expect(command).toBe('node')
      expect(existsSync(join(relayDir, args[0]!))).toBe(true)
      child = spawn(process.execPath, args, { cwd: relayDir, env, stdio: ['ignore', 'pipe', 'pipe'] })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)))
      const lines = () =>
        stdout
          .split('\n')
          .slice(0, -1)
          .map(
            (line) =>
              JSON.parse(line) as { level: number; time: number; msg: string; host?: string; port?: number },
          )

      await new Promise<void>((resolve, reject) => {
        const check = () => {
          if (stdout.includes('listening on')) resolve()
        }
        child!.stdout.on('data', check)
        void exited.then((code) =>
          reject(new Error(`the relay exited (${code}) before listening:\n${stderr}${stdout}`)),
        )
      })
      const port = env.PORT!
      const started = lines().find((line) => line.msg.includes('listening on'))
      expect(started).toMatchObject({ host: '0.0.0.0', port: Number(port) })

      // Docker runs the HEALTHCHECK command in the container, with the container's environment.
      const healthcheck = execForm(instruction('HEALTHCHECK')[0]!.replace(/^.*? CMD /, ''))
      expect(healthcheck[0]).toBe('node')
      const health = () => spawnSync(process.execPath, healthcheck.slice(1), { env, timeout: 20_000 }).status
      expect(health()).toBe(0)

      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200)
      // The secrets from the files are the ones in use: Flow.ai's probe of the webhook URL answers 200.
      expect((await fetch(`http://127.0.0.1:${port}/webhooks/${secrets.webhookSecret}`)).status).toBe(200)

      child.kill('SIGTERM')
      expect(await exited).toBe(0)
      expect(stderr).toBe('')
      const log = lines()
      expect(log.length).toBeGreaterThanOrEqual(3)
      for (const line of log) {
        expect(typeof line.level).toBe('number')
        expect(typeof line.time).toBe('number')
        expect(typeof line.msg).toBe('string')
      }
      expect(log.at(-1)?.msg).toBe('stopped')
      for (const value of Object.values(secrets)) expect(stdout).not.toContain(value)
      expect(health()).not.toBe(0)
    })
  })
})
