import type { Plugin } from 'vite'

/**
 * Splits TypeScript source into code and template-literal text, calling `text` on every piece of template text
 * (nested templates inside `${…}` included). A small scanner, enough for the widget's own sources: it knows
 * strings, comments, regular expression literals and `${}` nesting.
 */
function mapTemplateText(src: string, text: (raw: string) => string): string {
  let out = ''
  let i = 0
  // Each entry is the brace depth of an open `${` (code inside a template); empty stack = top-level code.
  const exprs: number[] = []
  let depth = 0
  let lastSignificant = ''
  const copyUntil = (end: RegExp) => {
    end.lastIndex = i
    const m = end.exec(src)
    const stop = m ? m.index + m[0].length : src.length
    out += src.slice(i, stop)
    i = stop
  }
  const template = () => {
    // At the opening backtick.
    out += '`'
    i++
    let chunk = ''
    while (i < src.length) {
      const c = src[i]!
      if (c === '\\') {
        chunk += src.slice(i, i + 2)
        i += 2
      } else if (c === '`') {
        out += text(chunk) + '`'
        i++
        return
      } else if (c === '$' && src[i + 1] === '{') {
        out += text(chunk) + '${'
        chunk = ''
        i += 2
        exprs.push(depth)
        depth = 0
        code(true)
      } else {
        chunk += c
        i++
      }
    }
    out += chunk
  }
  const code = (inExpr: boolean) => {
    while (i < src.length) {
      const c = src[i]!
      if (c === "'" || c === '"') {
        copyUntil(new RegExp(`${c}(?:[^${c}\\\\\\n]|\\\\.)*${c}`, 'y'))
      } else if (c === '/' && src[i + 1] === '/') {
        copyUntil(/\/\/[^\n]*/y)
      } else if (c === '/' && src[i + 1] === '*') {
        copyUntil(/\/\*[\s\S]*?\*\//y)
      } else if (c === '/' && /[=(,:[!&|?{};]|^$/.test(lastSignificant)) {
        copyUntil(/\/(?:[^/\\[\n]|\\.|\[(?:[^\]\\\n]|\\.)*\])+\/[a-z]*/y)
      } else if (c === '`') {
        template()
      } else {
        if (c === '{') depth++
        if (c === '}') {
          if (inExpr && depth === 0) {
            out += '}'
            i++
            depth = exprs.pop() ?? 0
            return
          }
          depth--
        }
        out += c
        i++
      }
      if (!/\s/.test(c)) lastSignificant = src[i - 1] ?? ''
    }
  }
  code(false)
  return out
}

/**
 * Collapses the indentation inside template literals of the widget's own sources (Lit keeps template text as
 * written, and minifiers leave template literals alone). A whitespace run with a line break becomes one space;
 * between tags, before a tag's `>`, or around CSS punctuation, nothing. The widget has no `<pre>` and no
 * `<textarea>` content, so no visible whitespace is lost; the built-bundle test checks the result renders.
 *
 * @example
 * build({ plugins: [minifyTemplates()] })
 */
export function minifyTemplates(): Plugin {
  return {
    name: 'flowchat:minify-templates',
    enforce: 'pre',
    transform(code, id) {
      if (!/\/packages\/widget\/src\/.*\.ts$/.test(id) || id.includes('.test.')) return null
      const css = id.endsWith('.styles.ts')
      const out = mapTemplateText(code, (raw) => {
        let min = raw
        // Line breaks between a tag and an interpolation are only the source's layout, as those between two tags
        // are: the element, the carousel's and the transcript's rows are flex or block boxes, and a button's or a
        // block's text loses its leading and trailing spaces anyway (-13 B gzip).
        if (!css) min = min.replace(/>\s*\n\s*$/, '>').replace(/^\s*\n\s*</, '<')
        min = min.replace(/\s*\n\s*/g, ' ').replace(/>\s+</g, '><')
        // Before a tag's `>` (which Prettier puts on a line of its own after a long tag's attributes) a space is
        // never needed; no template text outside a tag holds a `>` (-11 B gzip).
        if (!css) min = min.replace(/\s+>/g, '>')
        // An attribute value of letters, digits and dashes needs no quotes (`type=button`), as HTML and Lit's own
        // template scanner read it; one right before a self-closing `/>` keeps them (-26 B gzip).
        if (!css) min = min.replace(/="([\w-]+)"(?!\/)/g, '=$1')
        // A colon followed by whitespace is always a declaration's (selectors write `:hover` attached). The
        // styles have no URLs and no strings but attribute values and font names, so comments, the spaces around
        // `/` (`16 / 9`, `rgb(0 0 0 / 25%)`) and before `!important`, and the leading zero of a fraction
        // (`0.4` → `.4`) can all go.
        if (css)
          min = min
            .replace(/\/\*[\s\S]*?\*\//g, '')
            .replace(/\s*([{};,>/])\s*/g, '$1')
            .replace(/;}/g, '}')
            .replace(/:\s+/g, ':')
            .replace(/\s+!important/g, '!important')
            // An attribute selector's value that is an identifier needs no quotes: `[mode='inline']`.
            .replace(/\[([\w-]+)='([a-zA-Z][\w-]*)'\]/g, '[$1=$2]')
            .replace(/(^|[^\w.#-])0\.(\d)/g, '$1.$2')
            .trim()
        return min
      })
      return out === code ? null : { code: out, map: null }
    },
  }
}
