// The nginx example is a real file (deploy/nginx.conf, mounted by deploy/compose.yaml); the README shows it verbatim,
// and `nginx -t` accepts it, with the TLS form this nginx understands. Needs `nginx` (Debian: nginx-light).
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

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
})
