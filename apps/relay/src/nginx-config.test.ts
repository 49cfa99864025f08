// The nginx example is a real file (deploy/nginx.conf, mounted by deploy/compose.yaml); the README shows it verbatim,
// and `nginx -t` accepts it, with the TLS form this nginx understands. Needs `nginx` (Debian: nginx-light).
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { createRelay } from './relay.js'
import { testSecrets } from './testing/fake-flow.js'

const relayDir = join(import.meta.dirname, '..')
const conf = readFileSync(join(relayDir, 'deploy', 'nginx.conf'), 'utf8')
const nginx = ['/usr/sbin/nginx', '/usr/bin/nginx'].find(
  (path) => spawnSync(path, ['-v'], { stdio: 'ignore' }).status === 0,
)
const required = process.env.CI === 'true'

describe('deploy/nginx.conf', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowchat-nginx-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('is shown verbatim in the README', () => {
    const readme = readFileSync(join(relayDir, 'README.md'), 'utf8')
    expect(readme).toContain(`\`\`\`nginx\n${conf}\`\`\``)
    expect(conf).not.toMatch(/^\s*http2 on;/m)
  })

  it('names the TLS forms for new and old nginx', () => {
    expect(conf).toContain('listen 443 ssl;  http2 on;')
    expect(conf).toContain('listen 443 ssl http2;')
  })

  if (!nginx) {
    it.runIf(required)('nginx -t: nginx is installed (CI needs nginx-light; .ci/run installs it)', () => {
      expect.fail(
        'nginx not found in /usr/sbin or /usr/bin: install nginx-light (apt-get install nginx-light)',
      )
    })
    it.skipIf(!required)(
      'nginx -t (skipped: nginx is not installed here; apt-get install nginx-light)',
      () => {},
    )
    return
  }

  /**
   * Runs `nginx -t` on a main configuration that includes `server`. compose resolves `relay1` and `relay2`;
   * here they become 127.0.0.1, as nginx resolves upstream names when it loads the file.
   */
  function nginxTest(server: string): { status: number | null; output: string } {
    const included = join(dir, `relay-${Math.random().toString(36).slice(2)}.conf`)
    writeFileSync(included, server.replaceAll(/\brelay[12]:/g, '127.0.0.1:'))
    const main = join(dir, 'nginx.conf')
    writeFileSync(
      main,
      [
        `pid ${join(dir, 'nginx.pid')};`,
        `error_log ${join(dir, 'error.log')};`,
        'events {}',
        'http {',
        `  access_log ${join(dir, 'access.log')};`,
        `  client_body_temp_path ${join(dir, 'body')};`,
        `  proxy_temp_path ${join(dir, 'proxy')};`,
        `  include ${included};`,
        '}',
        '',
      ].join('\n'),
    )
    const result = spawnSync(nginx!, ['-t', '-p', dir, '-e', join(dir, 'error.log'), '-c', main], {
      encoding: 'utf8',
    })
    return { status: result.status, output: `${result.stdout}${result.stderr}` }
  }

  it('nginx -t accepts the file as it is', () => {
    const result = nginxTest(conf)
    expect(result.output).toContain('test is successful')
    expect(result.status).toBe(0)
  })

  it("nginx -t accepts the TLS form the comment gives for this nginx's version", () => {
    const version = /nginx\/(\d+)\.(\d+)\.(\d+)/.exec(spawnSync(nginx, ['-v'], { encoding: 'utf8' }).stderr)
    expect(version).not.toBeNull()
    const [major, minor, patch] = version!.slice(1).map(Number) as [number, number, number]
    const modern = major > 1 || minor > 25 || (minor === 25 && patch >= 1)
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=relay.example'],
        ...['-keyout', join(dir, 'relay.key'), '-out', join(dir, 'relay.crt')],
      ],
      { stdio: 'ignore' },
    )
    const tls = conf
      .replace('  listen 80;', `  ${modern ? 'listen 443 ssl;  http2 on;' : 'listen 443 ssl http2;'}`)
      .replace('# ssl_certificate /etc/nginx/certs/relay.crt;', `ssl_certificate ${join(dir, 'relay.crt')};`)
      .replace(
        '# ssl_certificate_key /etc/nginx/certs/relay.key;',
        `ssl_certificate_key ${join(dir, 'relay.key')};`,
      )
    expect(tls).toContain(`ssl_certificate_key ${join(dir, 'relay.key')};`)
    const result = nginxTest(tls)
    expect(result.output).toContain('test is successful')
    if (!modern) {
      // The reason for the comment: the new form stops an older nginx from loading the file at all.
      const refused = nginxTest(tls.replace('listen 443 ssl http2;', 'listen 443 ssl;  http2 on;'))
      expect(refused.status).not.toBe(0)
      expect(refused.output).toContain('unknown directive "http2"')
    }
  })

  it(
    "nginx's access log holds neither the webhook secret nor an access token",
    { timeout: 30_000 },
    async () => {
      const secrets = testSecrets()
      const relay = await createRelay({ ...secrets, port: 0 })
      const relayUrl = await relay.listen()
      const token = await relay.issueToken({ threadId: 't1' })
      const port = await new Promise<number>((resolve) => {
        const probe = createServer().listen(0, '127.0.0.1', () => {
          const { port } = probe.address() as { port: number }
          probe.close(() => resolve(port))
        })
      })
      const run = join(dir, 'run')
      mkdirSync(run, { recursive: true })
      const accessLog = join(run, 'access.log')
      writeFileSync(
        join(run, 'relay.conf'),
        conf
          .replaceAll(/\brelay[12]:8788/g, new URL(relayUrl).host)
          .replace('listen 80;', `listen 127.0.0.1:${String(port)};`)
          .replaceAll('/var/log/nginx/access.log', accessLog),
      )
      writeFileSync(
        join(run, 'nginx.conf'),
        [
          'daemon off;',
          'master_process off;',
          `pid ${join(run, 'nginx.pid')};`,
          `error_log ${join(run, 'error.log')};`,
          'events {}',
          'http {',
          // Where the image's nginx logs, unless the file says otherwise.
          `  access_log ${accessLog};`,
          `  client_body_temp_path ${join(run, 'body')};`,
          `  proxy_temp_path ${join(run, 'proxy')};`,
          `  include ${join(run, 'relay.conf')};`,
          '}',
          '',
        ].join('\n'),
      )
      const server = spawn(nginx, ['-p', run, '-e', join(run, 'error.log'), '-c', join(run, 'nginx.conf')], {
        stdio: 'ignore',
      })
      try {
        const base = `http://127.0.0.1:${String(port)}`
        await vi.waitFor(() => fetch(`${base}/healthz`).then((r) => expect(r.status).toBe(200)), {
          timeout: 10_000,
          interval: 50,
        })
        const webhook = (path: string, init?: RequestInit) =>
          fetch(`${base}${path}`, init).then((r) => r.status)
        // Flow.ai's probe and delivery, other spellings of the same URL, and an SSE URL carrying its token.
        expect(await webhook(`/webhooks/${secrets.webhookSecret}`)).toBe(200)
        expect(
          await webhook(`/webhooks/${secrets.webhookSecret}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ type: 'message', payload: { threadId: 't1' } }),
          }),
        ).toBe(200)
        await webhook(`/Webhooks/${secrets.webhookSecret}?x=1`)
        await webhook(`/v1/../webhooks/${secrets.webhookSecret}/`)
        await webhook(
          `//webhooks/%${secrets.webhookSecret.charCodeAt(0).toString(16)}${secrets.webhookSecret.slice(1)}`,
        )
        await webhook(`/v1/threads/t1/events?access_token=${token}`, { method: 'HEAD' })
        // The last request's line is in: nginx writes each line as its request ends.
        await vi.waitFor(() =>
          expect(existsSync(accessLog) ? readFileSync(accessLog, 'utf8') : '').toContain(
            '"HEAD /v1/threads/t1/events',
          ),
        )
        const log = readFileSync(accessLog, 'utf8')
        expect(log).not.toContain(secrets.webhookSecret)
        expect(log).not.toContain(secrets.webhookSecret.slice(1))
        expect(log).not.toContain(token.split('.')[2])
        // Still a useful log: the route, the method and the answer.
        expect(log).toContain('"POST /webhooks/[redacted] HTTP/1.1" 200')
        expect(log).toContain('"HEAD /v1/threads/t1/events?[redacted] HTTP/1.1"')
      } finally {
        server.kill('SIGKILL')
        await relay.close()
      }
    },
  )
})
