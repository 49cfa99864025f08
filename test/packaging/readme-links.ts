// The links of a Markdown file shipped in a tarball, checked the way a reader meets them: on npm's package page and in
// `node_modules/<package>/`, where a relative link reaches only what the tarball holds. A link into the repository
// must be an absolute GitHub URL, and it must name a file (and heading) the repository has.

/** A link or image target of a Markdown file, outside code. */
export interface MarkdownLink {
  target: string
  /** 1-based. */
  line: number
}

/** Where a shipped Markdown file sits, and what its relative and repository links can reach. */
export interface LinkContext {
  /** The file's path inside the package (`README.md`). */
  path: string
  /** Whether the tarball holds this package-relative path (`dist/index.js`). */
  shipped: (path: string) => boolean
  /** The repository's web address, `https://github.com/<owner>/<name>` (from `repository.url`). */
  repositoryUrl: string
  /** The text of a repository file by its path from the repository root; undefined when there is none. */
  repositoryFile: (path: string) => string | undefined
  /** The text of a shipped Markdown file by its package-relative path, for its headings. */
  shippedMarkdown: (path: string) => string | undefined
}

/**
 * The inline link and image targets of `markdown`, skipping fenced code blocks and code spans.
 *
 * @example
 * markdownLinks('See [the protocol](../../docs/relay-protocol.md) and `[not](a-link)`.')
 * // [{ target: '../../docs/relay-protocol.md', line: 1 }]
 */
export function markdownLinks(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = []
  let fenced = false
  markdown.split('\n').forEach((text, index) => {
    if (/^\s*(```|~~~)/.test(text)) {
      fenced = !fenced
      return
    }
    if (fenced) return
    const prose = text.replace(/`[^`]*`/g, '')
    for (const m of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g))
      links.push({ target: m[1]!, line: index + 1 })
  })
  return links
}

/**
 * The anchors GitHub and npm give the headings of `markdown` (`## The relay, as a process` → `the-relay-as-a-process`;
 * a repeated heading gets `-1`, `-2`, …).
 *
 * @example
 * headingAnchors('# A\n## Size\n### Size').has('size-1') // true
 */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>()
  const seen = new Map<string, number>()
  let fenced = false
  for (const text of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(text)) fenced = !fenced
    const heading = fenced ? undefined : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(text)?.[1]
    if (heading === undefined) continue
    const slug = heading
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-')
    const count = seen.get(slug) ?? 0
    seen.set(slug, count + 1)
    anchors.add(count === 0 ? slug : `${slug}-${count}`)
  }
  return anchors
}

/**
 * What is wrong with each link of a shipped Markdown file, one line each (empty: all good). A relative link must reach
 * a file of the tarball; a link to the package's own repository on GitHub (`/blob/<ref>/…`, `/tree/<ref>/…`, or a raw
 * file on raw.githubusercontent.com) must name a file or folder the repository holds; an anchor must name a heading of
 * the file it points into. Other absolute URLs are not fetched.
 *
 * @example
 * brokenLinks('[protocol](../../docs/relay-protocol.md)', context)
 * // ['README.md:1: ../../docs/relay-protocol.md: not in the tarball, so a reader on npm or in node_modules gets …']
 */
export function brokenLinks(markdown: string, context: LinkContext): string[] {
  const problems: string[] = []
  const base = context.path.split('/').slice(0, -1)
  const repository = context.repositoryUrl.replace(/\/+$/, '')
  for (const { target, line } of markdownLinks(markdown)) {
    const where = `${context.path}:${line}: ${target}`
    const [address = '', anchor] = target.split('#', 2) as [string, string | undefined]
    if (address === '') {
      if (anchor && !headingAnchors(markdown).has(anchor))
        problems.push(`${where}: no heading has this anchor`)
      continue
    }
    const path = repositoryPath(address, repository)
    if (path !== undefined) {
      const text = context.repositoryFile(path)
      if (text === undefined) problems.push(`${where}: the repository has no such file`)
      else if (anchor && path.endsWith('.md') && !headingAnchors(text).has(anchor))
        problems.push(`${where}: no heading of that file has this anchor`)
      continue
    }
    if (/^[a-z][a-z0-9+.-]*:/i.test(address)) continue
    const shipped = resolve(base, address)
    if (shipped === undefined || !context.shipped(shipped)) {
      problems.push(
        `${where}: not in the tarball, so a reader on npm or in node_modules gets a broken link; link to ` +
          `${repository}/blob/main/<path from the repository root> instead`,
      )
      continue
    }
    const text = anchor ? context.shippedMarkdown(shipped) : undefined
    if (anchor && text !== undefined && !headingAnchors(text).has(anchor))
      problems.push(`${where}: no heading of that file has this anchor`)
  }
  return problems
}

/**
 * The repository path a GitHub address of the repository names: a page (`<repository>/blob/<ref>/<path>`, `/tree/`)
 * or a raw file (`https://raw.githubusercontent.com/<owner>/<name>/<ref>/<path>`, as images use).
 */
function repositoryPath(address: string, repository: string): string | undefined {
  const raw = repository.replace(/^https:\/\/github\.com\//, 'https://raw.githubusercontent.com/')
  const path = address.startsWith(`${repository}/`)
    ? /^\/(?:blob|tree)\/[^/]+\/(.+)$/.exec(address.slice(repository.length))?.[1]
    : address.startsWith(`${raw}/`)
      ? /^\/[^/]+\/(.+)$/.exec(address.slice(raw.length))?.[1]
      : undefined
  return path === undefined ? undefined : decodeURIComponent(path).replace(/\/+$/, '')
}

/** `address` resolved against the folder `base` (path segments); undefined when it climbs out of the package. */
function resolve(base: string[], address: string): string | undefined {
  const parts = [...base]
  for (const segment of decodeURIComponent(address).split('/')) {
    if (segment === '' || segment === '.') continue
    if (segment === '..') {
      if (parts.length === 0) return undefined
      parts.pop()
    } else parts.push(segment)
  }
  return parts.join('/')
}
