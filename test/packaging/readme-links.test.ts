import { describe, expect, it } from 'vitest'
import { brokenLinks, headingAnchors, markdownLinks, type LinkContext } from './readme-links.js'

const repositoryUrl = 'https://github.com/flowchat/flowchat'
const repository: Record<string, string> = {
  'README.md': '# flowchat\n### The relay, as a process or a container\n',
  'docs/relay-protocol.md': '# The relay protocol\n## Tokens\n',
  docs: '',
}
const context: LinkContext = {
  path: 'README.md',
  shipped: (path) => ['README.md', 'CHANGELOG.md', 'dist/index.js'].includes(path),
  repositoryUrl,
  repositoryFile: (path) => repository[path],
  shippedMarkdown: (path) => (path === 'CHANGELOG.md' ? '# Changelog\n## 0.1.0\n' : undefined),
}

describe('markdownLinks', () => {
  it('finds inline links and images with their lines, not those in code', () => {
    const markdown = [
      'See [the protocol](../../docs/relay-protocol.md "the wire").',
      '![shot](../../docs/screenshots/a.png) and `[code](not-a-link)`',
      '```md',
      '[fenced](not-a-link-either)',
      '```',
      '[up](#install)',
    ].join('\n')
    expect(markdownLinks(markdown)).toEqual([
      { target: '../../docs/relay-protocol.md', line: 1 },
      { target: '../../docs/screenshots/a.png', line: 2 },
      { target: '#install', line: 6 },
    ])
  })
})

describe('headingAnchors', () => {
  it("gives GitHub's anchors: punctuation dropped, spaces to hyphens, repeats numbered", () => {
    const anchors = headingAnchors(
      '# @flowchat/core\n### The relay, as a process\n## Size\n### Size\n## `FlowError` codes',
    )
    expect([...anchors]).toEqual([
      'flowchatcore',
      'the-relay-as-a-process',
      'size',
      'size-1',
      'flowerror-codes',
    ])
  })
})

describe('brokenLinks', () => {
  it('refuses a relative link to a file the tarball does not hold, and says what to write instead', () => {
    const problems = brokenLinks('[protocol](../../docs/relay-protocol.md)\n![shot](docs/a.png)', context)
    expect(problems).toHaveLength(2)
    expect(problems[0]).toMatch(/^README\.md:1: \.\.\/\.\.\/docs\/relay-protocol\.md: not in the tarball/)
    expect(problems[0]).toContain(`${repositoryUrl}/blob/main/`)
    expect(problems[1]).toMatch(/^README\.md:2: docs\/a\.png: not in the tarball/)
  })

  it('accepts relative links into the tarball and checks their anchors', () => {
    expect(brokenLinks('[code](./dist/index.js) [log](CHANGELOG.md#010)', context)).toEqual([])
    expect(brokenLinks('[log](CHANGELOG.md#9.9.9)', context)).toEqual([
      'README.md:1: CHANGELOG.md#9.9.9: no heading of that file has this anchor',
    ])
  })

  it('checks links into the repository on GitHub against the repository, anchors included', () => {
    const ok = [
      `[protocol](${repositoryUrl}/blob/main/docs/relay-protocol.md#tokens)`,
      `[install](${repositoryUrl}/blob/main/README.md#the-relay-as-a-process-or-a-container)`,
      `[docs](${repositoryUrl}/tree/main/docs/)`,
      '![shot](https://raw.githubusercontent.com/flowchat/flowchat/main/docs/relay-protocol.md)',
    ].join('\n')
    expect(brokenLinks(ok, context)).toEqual([])
    expect(
      brokenLinks(
        [
          `[gone](${repositoryUrl}/blob/main/docs/gone.md)`,
          `[anchor](${repositoryUrl}/blob/main/README.md#install)`,
          '![gone](https://raw.githubusercontent.com/flowchat/flowchat/main/docs/gone.png)',
        ].join('\n'),
        context,
      ),
    ).toEqual([
      `README.md:1: ${repositoryUrl}/blob/main/docs/gone.md: the repository has no such file`,
      `README.md:2: ${repositoryUrl}/blob/main/README.md#install: no heading of that file has this anchor`,
      'README.md:3: https://raw.githubusercontent.com/flowchat/flowchat/main/docs/gone.png: the repository has no such file',
    ])
  })

  it("checks in-page anchors against the file's own headings, and leaves other sites alone", () => {
    const markdown =
      '# Relay\n## High availability\n[ha](#high-availability) [x](#nope) [npm](https://www.npmjs.com/package/eventsource)'
    expect(brokenLinks(markdown, context)).toEqual(['README.md:3: #nope: no heading has this anchor'])
  })
})
