import { render, type TemplateResult } from 'lit/html.js'

interface Row<T> {
  item: T
  key: unknown
  readonly node: HTMLElement
}

/**
 * Renders a list into a container, one node per item by `id`, in order: an item renders again only when it
 * (or `key`, e.g. the strings in use) is another object than last time, and nodes move rather than re-render
 * when the list shifts. What Lit's `repeat` and `guard` do together, for the transcript's window, in less code.
 * Each item renders into a `display: contents` row, so the items lay out as children of the container.
 *
 * @example
 * const list = new KeyedList<ChatMessage>()
 * list.sync(container, messages, strings, (m) => renderMessage(m, ctx))
 */
export class KeyedList<T extends { readonly id: string }> {
  #container: Element | undefined
  #rows = new Map<string, Row<T>>()

  sync(container: Element, items: readonly T[], key: unknown, view: (item: T) => TemplateResult): void {
    if (container !== this.#container) {
      this.#rows.clear()
      this.#container = container
    }
    const wanted = new Set<string>()
    for (const item of items) wanted.add(item.id)
    for (const [id, row] of this.#rows) {
      if (wanted.has(id)) continue
      row.node.remove()
      this.#rows.delete(id)
    }
    let previous: Element | null = null
    for (const item of items) {
      let row = this.#rows.get(item.id)
      if (!row) {
        const node = document.createElement('div')
        node.className = 'row'
        row = { item, key, node }
        this.#rows.set(item.id, row)
        render(view(item), node)
      } else if (row.item !== item || row.key !== key) {
        row.item = item
        row.key = key
        render(view(item), row.node)
      }
      const at: Element | null = previous ? previous.nextElementSibling : container.firstElementChild
      if (at !== row.node) container.insertBefore(row.node, at)
      previous = row.node
    }
  }
}
