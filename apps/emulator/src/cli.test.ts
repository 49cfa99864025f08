import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startReceiver, type Receiver } from './testing/webhook-receiver.js'

const bin = fileURLToPath(new URL('../bin/flowchat-emulator.js', import.meta.url))

/** Runs the bin; resolves with its exit code and output, or once `until` appears in stdout (then stops it). */
function run(args: string[], until?: RegExp) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    const guard = setTimeout(() => {
      child.kill('SIGKILL')
      reject(
        new Error(`flowchat-emulator ${args.join(' ')} did not finish; stdout: ${stdout} stderr: ${stderr}`),
      )
    }, 15_000)
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString()
      if (until?.test(stdout)) child.kill('SIGTERM')
    })
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('exit', (code) => {
      clearTimeout(guard)
      resolve({ code, stdout, stderr })
    })
  })
}

describe('flowchat-emulator CLI', () => {
  let dir: string
  let receiver: Receiver
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flowchat-cli-'))
    receiver = await startReceiver()
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
    await receiver.close()
  })

  it.each([
    [['--bogus'], "Unknown option '--bogus'"],
    [['--port', 'abc'], '--port abc: must be a whole number from 0 to 65535'],
    [['--auth', 'token'], '--auth token: must be one of raw, bearer, both'],
    [['--dialect', 'v2'], '--dialect v2: must be one of current, legacy'],
    [['--webhook', 'not a url'], '--webhook not a url: must be an absolute http(s) URL'],
    // The relay's URL without its scheme: named, but without the webhook secret.
    [
      ['--webhook', '127.0.0.1:8788/webhooks/0123456789abcdef0123?k=1'],
      '--webhook 127.0.0.1:8788/webhooks/[redacted]?[redacted]: must be an absolute http(s) URL',
    ],
    [['--fail-rate', '2'], '--fail-rate 2: must be a number from 0 to 1'],
    [['--retry-max-age', 'forever'], '--retry-max-age forever: must be a duration'],
    // 0 retried a down webhook in a busy loop, thousands of warnings a second, and never gave up (0·2^1024 is NaN).
    [['--retry-base-ms', '0'], '--retry-base-ms 0: must be a whole number from 1 to 2147483647'],
    // Node's timers hold 2^31-1 ms at most; a longer wait was silently cut to 1 ms.
    [['--delay-ms', '99999999999'], '--delay-ms 99999999999: must be a whole number from 0 to 2147483647'],
    [['--latency-ms', '2147483648'], '--latency-ms 2147483648: must be a whole number from 0 to 2147483647'],
    [['--reply-delay-ms', '1e12'], '--reply-delay-ms 1e12: must be a whole number from 0 to 2147483647'],
    // An address of no interface here (TEST-NET-1): it said only "could not start: listen EADDRNOTAVAIL …", exit 1.
    [['--host', '192.0.2.1', '--port', '0'], '--host 192.0.2.1: cannot listen there (EADDRNOTAVAIL)'],
    [['--script', '/nonexistent/bot.json'], 'script /nonexistent/bot.json: cannot be read (ENOENT)'],
  ])('stops with exit code 2 and names the problem: %j', async (args, message) => {
    const { code, stderr } = await run(args)
    expect(code).toBe(2)
    expect(stderr).toContain(message)
    expect(stderr).not.toMatch(/\n\s+at /)
  })

  it('names the bad rule of a script file', async () => {
    const file = join(dir, 'bad.json')
    await writeFile(
      file,
      JSON.stringify({ rules: [{ name: 'greet', match: { text: 'hi' }, replies: 'Hello' }] }),
    )
    const { code, stderr } = await run(['--script', file])
    expect(code).toBe(2)
    expect(stderr).toContain(`script ${file}: rules[0] "greet".replies: expected array`)
    await writeFile(file, '{ rules: [] }')
    expect((await run(['--script', file])).stderr).toContain('invalid JSON')
  })

  it('prints help', async () => {
    const { code, stdout } = await run(['--help'])
    expect(code).toBe(0)
    expect(stdout).toContain('--webhook URL')
  })

  it('starts from source, probes the webhook and prints the URL and the generated key', async () => {
    const { stdout } = await run(['--', '--port', '0', '--webhook', receiver.url], /API key/)
    expect(stdout).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/)
    expect(stdout).toMatch(/API key \(generated for this run\): dev_/)
    expect(receiver.requests.some((r) => r.method === 'GET')).toBe(true)
  })

  it("prints a webhook without the secret in its path (the relay's /webhooks/<secret>)", async () => {
    // Made for this run: no secret-shaped constant in the repository.
    const secret = randomBytes(16).toString('hex')
    const hook = `${new URL(receiver.url).origin}/webhooks/${secret}`
    const { stdout, stderr } = await run(['--port', '0', '--webhook', hook], /webhooks:/)
    expect(stdout + stderr).not.toContain(secret)
    expect(stdout).toContain(`webhooks: ${new URL(receiver.url).origin}/webhooks/[redacted]`)
  })
})
