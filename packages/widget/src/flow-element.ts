import type { ReactiveController, ReactiveControllerHost } from 'lit'
import { render } from 'lit/html.js'

/** How a reactive property meets its attribute. */
export interface PropertyOptions {
  /** The attribute's name (the property's, lower-cased, by default or with `true`), or `false` for a property only. */
  readonly attribute?: string | boolean
  /** `Boolean`: present or absent. Otherwise the attribute's text. */
  readonly type?: BooleanConstructor
  /** Writes the property back to its attribute after each change. */
  readonly reflect?: boolean
  /** Internal state: renders on change, has no attribute. */
  readonly state?: boolean
}

/** The properties changed since the last update, each with its value before. */
export type PropertyValues<T> = Map<keyof T, unknown>

interface ElementClass {
  readonly prototype: object
  readonly properties: Readonly<Record<string, PropertyOptions>>
  readonly styles: string
}

/** Per element class: attribute → property, for the attributes its properties read. */
const attributes = new WeakMap<ElementClass, Map<string, string>>()

/** The attribute a property reads, or none. */
const attributeOf = (name: string, options: PropertyOptions): string | undefined =>
  options.state || options.attribute === false
    ? undefined
    : typeof options.attribute === 'string'
      ? options.attribute
      : name.toLowerCase()

/** `HTMLElement`, or an empty class where there is none (Node), so importing the module never throws. */
const Base =
  (globalThis as { HTMLElement?: typeof HTMLElement }).HTMLElement ?? (class {} as typeof HTMLElement)

/**
 * The widget's element base: reactive properties, attributes, controllers and an update batched to a microtask
 * that renders a lit-html template into an open shadow root. It is Lit's `ReactiveElement` lifecycle with what
 * `<flow-chat>` uses and nothing else (no decorators, converters, `shouldUpdate` or SSR hooks): 0.8 KB gzip
 * where `LitElement` costs 2.2 KB in the single file. The order is Lit's, so controllers written for Lit work:
 * `willUpdate(changed)`, each controller's `hostUpdate`, the attributes reflected, `render()`, each
 * controller's `hostUpdated`, then `updated(changed)`. A property set in `willUpdate` joins the update under way;
 * one set later asks for the next.
 *
 * @example
 * class Hello extends FlowElement {
 *   static override properties = { name: {} }
 *   static override styles = 'p { color: teal }'
 *   declare name: string
 *   override render() { return html`<p>Hello ${this.name}</p>` }
 * }
 */
export abstract class FlowElement extends Base implements ReactiveControllerHost {
  static properties: Readonly<Record<string, PropertyOptions>> = {}
  /** The shadow root's styles, as CSS text. */
  static styles = ''

  /**
   * The attributes the properties read. The registry asks once, on `customElements.define`: the first time for a
   * class, its properties become accessors on its prototype, each asking for an update when set.
   */
  static get observedAttributes(): string[] {
    return [...FlowElement.#attributes(this).keys()]
  }

  /** Attribute → property, built (with the accessors) once per class. */
  static #attributes(element: ElementClass): Map<string, string> {
    const known = attributes.get(element)
    if (known) return known
    const base = Object.getPrototypeOf(element) as ElementClass
    // A subclass's properties add to its base's, as in Lit (the base's own first, which also gives the base its
    // accessors): the class keeps them all from here on.
    if (base.properties) {
      FlowElement.#attributes(base)
      ;(element as { properties: object }).properties = { ...base.properties, ...element.properties }
    }
    const map = new Map<string, string>()
    for (const [name, options] of Object.entries(element.properties)) {
      const attribute = attributeOf(name, options)
      if (attribute) map.set(attribute, name)
      const key = Symbol(name)
      Object.defineProperty(element.prototype, name, {
        get(this: Record<symbol, unknown>) {
          return this[key]
        },
        set(this: FlowElement & Record<symbol, unknown>, value: unknown) {
          const old = this[key]
          this[key] = value
          this.requestUpdate(name, old)
        },
        configurable: true,
      })
    }
    attributes.set(element, map)
    return map
  }

  readonly renderRoot: ShadowRoot = this.attachShadow({ mode: 'open' })
  /** Whether the element rendered at least once. */
  hasUpdated = false
  #changed: PropertyValues<this> = new Map()
  #controllers = new Set<ReactiveController>()
  #pending = false
  /** Settles once the update asked for so far has rendered: `true` unless another one is pending by then. */
  readonly updateComplete: Promise<boolean> = Promise.resolve(true)
  /**
   * Properties a page set on the element before its class was defined (the script loads after the page's
   * code ran): own fields that would hide the accessors. Applied, over the constructor's defaults, before the
   * first update.
   */
  #early: Record<string, unknown> = {}

  constructor() {
    super()
    const { properties, styles } = this.constructor as unknown as ElementClass
    for (const name of Object.keys(properties)) {
      if (!Object.hasOwn(this, name)) continue
      this.#early[name] = (this as unknown as Record<string, unknown>)[name]
      delete (this as unknown as Record<string, unknown>)[name]
    }
    // A constructed sheet, which a page's CSP does not govern as it does a <style>. Every browser the widget's CSS
    // needs (`light-dark()`: Chrome 123, Firefox 120, Safari 17.5) constructs them; one per element, as a page
    // has one or two.
    const sheet = new CSSStyleSheet()
    // Optional: jsdom (a page's own tests) has style sheets without `replaceSync`; the element still starts there.
    sheet.replaceSync?.(styles)
    /** @ignore The shadow root's, not a field of the element (the manifest's analyzer would list it as one). */
    this.renderRoot.adoptedStyleSheets = [sheet]
  }

  addController(controller: ReactiveController): void {
    this.#controllers.add(controller)
    if (this.isConnected) controller.hostConnected?.()
  }

  removeController(controller: ReactiveController): void {
    this.#controllers.delete(controller)
  }

  connectedCallback(): void {
    for (const c of this.#controllers) c.hostConnected?.()
    this.requestUpdate()
  }

  disconnectedCallback(): void {
    for (const c of this.#controllers) c.hostDisconnected?.()
  }

  /**
   * An attribute's value to its property: a `Boolean`'s presence, else the text, or `undefined` once removed. So a
   * reflected property read back is the value it holds, and nothing changes.
   */
  attributeChangedCallback(attribute: string, _old: string | null, value: string | null): void {
    const element = this.constructor as unknown as ElementClass
    const name = FlowElement.#attributes(element).get(attribute)
    // A subclass's own observed attribute, which it reads itself.
    if (!name) return
    const boolean = (element.properties[name] as PropertyOptions).type === Boolean
    ;(this as unknown as Record<string, unknown>)[name] = boolean ? value !== null : (value ?? undefined)
  }

  /** Notes a change of `name` (from `old`) and renders in the next microtask. With no name, renders again. */
  requestUpdate(name?: string, old?: unknown): void {
    if (name) {
      if ((this as unknown as Record<string, unknown>)[name] === old) return
      if (!this.#changed.has(name as keyof this)) this.#changed.set(name as keyof this, old)
    }
    if (this.#pending) return
    this.#pending = true
    ;(this as { updateComplete: Promise<boolean> }).updateComplete = this.#perform()
  }

  async #perform(): Promise<boolean> {
    await Promise.resolve()
    if (!this.isConnected && !this.hasUpdated) {
      // The first update waits for the element to be in a document, as Lit's does; connecting asks again. Later
      // ones render out of the document too, as Lit's do.
      this.#pending = false
      return true
    }
    Object.assign(this, this.#early)
    this.#early = {}
    const changed = this.#changed
    let template: unknown
    try {
      this.willUpdate(changed)
      for (const c of this.#controllers) c.hostUpdate?.()
      this.#reflect(changed)
      template = this.render()
    } finally {
      this.#changed = new Map()
      this.#pending = false
    }
    // Written to the DOM once this update is done with, as Lit does: a property set meanwhile (by an element the
    // template connects, say) asks for the next update.
    render(template, this.renderRoot, { host: this })
    for (const c of this.#controllers) c.hostUpdated?.()
    if (!this.hasUpdated) {
      this.hasUpdated = true
      this.firstUpdated(changed)
    }
    this.updated(changed)
    return !this.#pending
  }

  #reflect(changed: PropertyValues<this>): void {
    const element = this.constructor as unknown as ElementClass
    for (const name of changed.keys()) {
      // `requestUpdate(name, old)` may name a subclass's own accessor, which has no options.
      const options = element.properties[name as string]
      const attribute = options?.reflect && attributeOf(name as string, options)
      if (!attribute) continue
      const value = (this as unknown as Record<string, unknown>)[name as string]
      if (options.type === Boolean) this.toggleAttribute(attribute, !!value)
      else if (value == null) this.removeAttribute(attribute)
      else this.setAttribute(attribute, value as string)
    }
  }

  /** Before rendering: derive state from what changed (a property set here joins this update). */
  protected willUpdate(_changed: PropertyValues<this>): void {}
  /** After the first render. */
  protected firstUpdated(_changed: PropertyValues<this>): void {}
  /** After each render. */
  protected updated(_changed: PropertyValues<this>): void {}
  /** The shadow root's content. */
  protected abstract render(): unknown
}
