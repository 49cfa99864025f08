import { expect } from '@open-wc/testing'
import { html } from 'lit'
import type { ReactiveController } from 'lit'
import { FlowElement, type PropertyOptions, type PropertyValues } from './flow-element.js'

// FlowElement on its own, with small test-only subclasses: each test defines its classes under fresh tag names
// (a name can be defined once per page).

let tags = 0
/** A tag name no other test uses. */
const uniqueTag = (): string => `fe-test-${++tags}`

/** Defines `element` under a fresh tag and returns that tag. */
function define(element: CustomElementConstructor): string {
  const tag = uniqueTag()
  customElements.define(tag, element)
  return tag
}

const mounted: Element[] = []
afterEach(() => {
  for (const el of mounted.splice(0)) el.remove()
})

/** A new element of `element` (defined under a fresh tag), in the document unless `connected` is false. */
function create<T extends HTMLElement>(element: new () => T, connected = true): T {
  const el = document.createElement(define(element)) as T
  mounted.push(el)
  if (connected) document.body.append(el)
  return el
}

/** The shadow root's text (lit-html's markers are comments, so they are not in it). */
const text = (el: FlowElement): string => el.renderRoot.textContent ?? ''

/** One string property, rendered, with a render count. */
class Named extends FlowElement {
  static override properties = { name: {} }
  declare name: string | undefined
  renders = 0
  override render() {
    this.renders++
    return html`${this.name}`
  }
}

describe('FlowElement', () => {
  describe('attributes → properties', () => {
    class Attributes extends FlowElement {
      static override properties = {
        label: {},
        visitorName: {},
        threadId: { attribute: 'thread-id' },
        sound: { type: Boolean },
        profile: { attribute: false },
        _draft: { state: true },
      }
      declare label: string | undefined
      declare visitorName: string | undefined
      declare threadId: string | undefined
      declare sound: boolean
      declare profile: unknown
      declare _draft: string | undefined
      override render() {
        return html`${this.label}`
      }
    }

    it('observes the lower-cased property name, a custom name, and nothing for attribute: false or state', () => {
      class Observed extends Attributes {}
      define(Observed)
      expect(
        [...(Observed as unknown as { observedAttributes: string[] }).observedAttributes].sort(),
      ).to.deep.equal(['label', 'sound', 'thread-id', 'visitorname'])
    })

    it('sets a string property from its attribute, and undefined once the attribute is removed', async () => {
      const el = create(class extends Attributes {})
      el.setAttribute('label', 'hello')
      expect(el.label).to.eq('hello')
      el.setAttribute('label', '')
      expect(el.label).to.eq('')
      await el.updateComplete
      el.setAttribute('label', 'shown')
      await el.updateComplete
      expect(text(el)).to.eq('shown')
      el.removeAttribute('label')
      expect(el.label).to.eq(undefined)
      await el.updateComplete
      expect(text(el)).to.eq('')
    })

    it('reads a camelCase property from its lower-cased attribute and a custom-named one from its own', () => {
      const el = create(class extends Attributes {})
      el.setAttribute('visitorname', 'Ann')
      el.setAttribute('thread-id', 't-1')
      el.setAttribute('threadid', 'wrong')
      expect(el.visitorName).to.eq('Ann')
      expect(el.threadId).to.eq('t-1')
    })

    it('sets a Boolean property from the attribute being present, whatever its text', () => {
      const el = create(class extends Attributes {})
      expect(el.sound).to.eq(undefined)
      el.setAttribute('sound', '')
      expect(el.sound).to.eq(true)
      el.setAttribute('sound', 'false')
      expect(el.sound).to.eq(true)
      el.removeAttribute('sound')
      expect(el.sound).to.eq(false)
    })

    it('reads an attribute written in the markup before the element connects', async () => {
      const holder = document.createElement('div')
      const tag = define(class extends Attributes {})
      holder.innerHTML = `<${tag} label="from markup" sound thread-id="t-2"></${tag}>`
      const el = holder.firstElementChild as Attributes
      mounted.push(holder)
      document.body.append(holder)
      await el.updateComplete
      expect([el.label, el.sound, el.threadId]).to.deep.equal(['from markup', true, 't-2'])
      expect(text(el)).to.eq('from markup')
    })

    it('leaves attribute: false and state properties alone when an attribute of their name is set', () => {
      const el = create(class extends Attributes {})
      el.profile = { name: 'kept' }
      el._draft = 'kept'
      el.setAttribute('profile', 'from attribute')
      el.setAttribute('_draft', 'from attribute')
      expect(el.profile).to.deep.equal({ name: 'kept' })
      expect(el._draft).to.eq('kept')
    })
  })

  describe('reflect', () => {
    class Reflecting extends FlowElement {
      static override properties = {
        mode: { reflect: true },
        opened: { type: Boolean, reflect: true, attribute: 'open' },
      }
      declare mode: string | undefined
      declare opened: boolean
      renders = 0
      constructor() {
        super()
        this.opened = false
      }
      override render() {
        this.renders++
        return html`${this.mode} ${this.opened}`
      }
    }

    it('writes a string property to its attribute and removes it when set to undefined, rendering once each', async () => {
      const el = create(class extends Reflecting {})
      expect(await el.updateComplete).to.eq(true)
      const before = el.renders
      el.mode = 'inline'
      expect(await el.updateComplete).to.eq(true)
      expect(el.getAttribute('mode')).to.eq('inline')
      expect(el.renders).to.eq(before + 1)
      el.mode = undefined
      expect(await el.updateComplete).to.eq(true)
      expect(el.hasAttribute('mode')).to.eq(false)
      expect(el.mode).to.eq(undefined)
      expect(el.renders).to.eq(before + 2)
      // Nothing left scheduled by the attribute's round trip.
      await new Promise((r) => setTimeout(r, 0))
      expect(el.renders).to.eq(before + 2)
    })

    it('writes a Boolean property as the attribute present or absent, without a second render', async () => {
      const el = create(class extends Reflecting {})
      await el.updateComplete
      expect(el.hasAttribute('open')).to.eq(false)
      const before = el.renders
      el.opened = true
      expect(await el.updateComplete).to.eq(true)
      expect(el.getAttribute('open')).to.eq('')
      expect(el.opened).to.eq(true)
      el.opened = false
      expect(await el.updateComplete).to.eq(true)
      expect(el.hasAttribute('open')).to.eq(false)
      await new Promise((r) => setTimeout(r, 0))
      expect(el.renders).to.eq(before + 2)
    })

    it('renders once when the page sets a reflected attribute', async () => {
      const el = create(class extends Reflecting {})
      await el.updateComplete
      const before = el.renders
      el.setAttribute('open', '')
      el.setAttribute('mode', 'launcher')
      expect(await el.updateComplete).to.eq(true)
      expect([el.opened, el.mode]).to.deep.equal([true, 'launcher'])
      expect(text(el)).to.eq('launcher true')
      await new Promise((r) => setTimeout(r, 0))
      expect(el.renders).to.eq(before + 1)
    })
  })

  describe('batching and updateComplete', () => {
    it('renders once for several property sets in one task, and not at all for the value it holds', async () => {
      class Pair extends FlowElement {
        static override properties = { a: {}, b: {} }
        declare a: string
        declare b: string
        renders = 0
        override render() {
          this.renders++
          return html`${this.a}${this.b}`
        }
      }
      const el = create(Pair)
      await el.updateComplete
      expect(el.renders).to.eq(1)
      el.a = '1'
      el.b = '2'
      el.a = '3'
      expect(text(el)).to.eq('')
      await el.updateComplete
      expect(el.renders).to.eq(2)
      expect(text(el)).to.eq('32')
      el.a = '3'
      expect(await el.updateComplete).to.eq(true)
      expect(el.renders).to.eq(2)
    })

    it('resolves updateComplete once the DOM shows the change', async () => {
      const el = create(Named)
      await el.updateComplete
      el.name = 'after'
      expect(text(el)).to.eq('')
      const done = el.updateComplete
      expect(text(el)).to.eq('')
      expect(await done).to.eq(true)
      expect(text(el)).to.eq('after')
    })

    it('takes a property set in willUpdate into the same render', async () => {
      class Derived extends FlowElement {
        static override properties = { name: {}, upper: { state: true } }
        declare name: string
        declare upper: string
        renders = 0
        seen: string[][] = []
        protected override willUpdate(changed: PropertyValues<this>) {
          if (changed.has('name')) this.upper = this.name.toUpperCase()
        }
        override render() {
          this.renders++
          return html`${this.upper}`
        }
        protected override updated(changed: PropertyValues<this>) {
          this.seen.push([...changed.keys()] as string[])
        }
      }
      const el = create(Derived)
      el.name = 'abc'
      expect(await el.updateComplete).to.eq(true)
      expect(text(el)).to.eq('ABC')
      expect(el.renders).to.eq(1)
      expect(el.seen).to.deep.equal([['name', 'upper']])
      await new Promise((r) => setTimeout(r, 0))
      expect(el.renders).to.eq(1)
    })

    it('renders exactly once more for a property set in updated(), and updateComplete says false meanwhile', async () => {
      class Echo extends FlowElement {
        static override properties = { name: {}, echo: { state: true } }
        declare name: string
        declare echo: string
        renders = 0
        override render() {
          this.renders++
          return html`${this.echo}`
        }
        protected override updated(changed: PropertyValues<this>) {
          if (changed.has('name')) this.echo = `echo ${this.name}`
        }
      }
      const el = create(Echo)
      el.name = 'a'
      const first = el.updateComplete
      expect(await first).to.eq(false)
      expect(await el.updateComplete).to.eq(true)
      expect(text(el)).to.eq('echo a')
      expect(el.renders).to.eq(2)
      await new Promise((r) => setTimeout(r, 0))
      expect(el.renders).to.eq(2)
    })

    it('hands willUpdate and updated the changed properties with their values before', async () => {
      class Old extends FlowElement {
        static override properties = { a: {}, b: {}, c: {} }
        declare a: string
        declare b: string
        declare c: string
        log: [string, [string, unknown][]][] = []
        constructor() {
          super()
          this.a = 'a0'
        }
        protected override willUpdate(changed: PropertyValues<this>) {
          this.log.push(['willUpdate', [...changed] as [string, unknown][]])
        }
        override render() {
          return html`${this.a}`
        }
        protected override updated(changed: PropertyValues<this>) {
          this.log.push(['updated', [...changed] as [string, unknown][]])
        }
      }
      const el = create(Old)
      await el.updateComplete
      el.log = []
      el.a = 'a1'
      el.a = 'a2'
      el.b = 'b1'
      await el.updateComplete
      expect(el.log).to.deep.equal([
        [
          'willUpdate',
          [
            ['a', 'a0'],
            ['b', undefined],
          ],
        ],
        [
          'updated',
          [
            ['a', 'a0'],
            ['b', undefined],
          ],
        ],
      ])
      el.log = []
      el.b = 'b2'
      await el.updateComplete
      expect(el.log.map(([, changed]) => changed)).to.deep.equal([[['b', 'b1']], [['b', 'b1']]])
    })
  })

  describe('lifecycle and controllers', () => {
    /** A controller writing each call into `log`. */
    const recorder = (log: string[], name: string): ReactiveController => ({
      hostConnected: () => log.push(`${name}.hostConnected`),
      hostDisconnected: () => log.push(`${name}.hostDisconnected`),
      hostUpdate: () => log.push(`${name}.hostUpdate`),
      hostUpdated: () => log.push(`${name}.hostUpdated`),
    })

    class Hooks extends FlowElement {
      static override properties = { mode: { reflect: true } }
      declare mode: string
      log: string[] = []
      constructor() {
        super()
        this.mode = 'inline'
        this.addController(recorder(this.log, 'c'))
      }
      protected override willUpdate() {
        this.log.push(`willUpdate hasUpdated=${this.hasUpdated} reflected=${this.hasAttribute('mode')}`)
      }
      override render() {
        this.log.push(`render reflected=${this.hasAttribute('mode')}`)
        return html`${this.mode}`
      }
      protected override firstUpdated() {
        this.log.push(`firstUpdated shown=${text(this) === this.mode}`)
      }
      protected override updated() {
        this.log.push(`updated hasUpdated=${this.hasUpdated}`)
      }
    }

    it("runs Lit's order: willUpdate, hostUpdate, reflect, render, hostUpdated, firstUpdated once, updated", async () => {
      const el = create(class extends Hooks {}, false)
      await Promise.resolve()
      expect(el.log).to.deep.equal([])
      document.body.append(el)
      await el.updateComplete
      expect(el.log).to.deep.equal([
        'c.hostConnected',
        'willUpdate hasUpdated=false reflected=false',
        'c.hostUpdate',
        'render reflected=true',
        'c.hostUpdated',
        'firstUpdated shown=true',
        'updated hasUpdated=true',
      ])
      el.log.length = 0
      el.mode = 'launcher'
      await el.updateComplete
      expect(el.log).to.deep.equal([
        'willUpdate hasUpdated=true reflected=true',
        'c.hostUpdate',
        'render reflected=true',
        'c.hostUpdated',
        'updated hasUpdated=true',
      ])
      expect(el.getAttribute('mode')).to.eq('launcher')
    })

    it('connects a controller added to a connected host at once, and disconnects it with the host', async () => {
      const el = create(class extends Hooks {})
      await el.updateComplete
      el.log.length = 0
      el.addController(recorder(el.log, 'late'))
      expect(el.log).to.deep.equal(['late.hostConnected'])
      el.remove()
      expect(el.log).to.deep.equal(['late.hostConnected', 'c.hostDisconnected', 'late.hostDisconnected'])
    })

    it('calls no hook of a removed controller', async () => {
      const el = create(class extends Hooks {})
      await el.updateComplete
      const log: string[] = []
      const c = recorder(log, 'gone')
      el.addController(c)
      el.removeController(c)
      el.mode = 'launcher'
      await el.updateComplete
      el.remove()
      expect(log).to.deep.equal(['gone.hostConnected'])
    })

    it('renders out of the document once it has rendered, as Lit does, and again after reconnecting', async () => {
      const el = create(class extends Hooks {})
      await el.updateComplete
      el.log.length = 0
      el.remove()
      el.mode = 'one'
      await el.updateComplete
      expect(text(el)).to.eq('one')
      el.mode = 'two'
      await el.updateComplete
      expect(el.log).to.deep.equal([
        'c.hostDisconnected',
        ...['one', 'two'].flatMap(() => [
          'willUpdate hasUpdated=true reflected=true',
          'c.hostUpdate',
          'render reflected=true',
          'c.hostUpdated',
          'updated hasUpdated=true',
        ]),
      ])
      el.log.length = 0
      document.body.append(el)
      await el.updateComplete
      expect(el.log[0]).to.eq('c.hostConnected')
      expect(text(el)).to.eq('two')
      expect(el.getAttribute('mode')).to.eq('two')
      el.mode = 'three'
      await el.updateComplete
      expect(text(el)).to.eq('three')
      el.remove()
      document.body.append(el)
      el.mode = 'four'
      await el.updateComplete
      expect(text(el)).to.eq('four')
      expect(el.log.filter((l) => l.startsWith('firstUpdated'))).to.deep.equal([])
    })
  })

  describe('during the DOM write', () => {
    it('renders again for a property set while lit-html writes the template (an element it connects sets it)', async () => {
      // A template cannot bind a tag name: the probe has a fixed one, defined by this test alone.
      customElements.define(
        'fe-probe-ping',
        class extends HTMLElement {
          connectedCallback() {
            ;((this.getRootNode() as ShadowRoot).host as Named).name = 'pinged'
          }
        },
      )
      const el = create(
        class extends Named {
          override render() {
            return html`${super.render()}${this.name === undefined ? html`<fe-probe-ping></fe-probe-ping>` : ''}`
          }
        },
      )
      while (!(await el.updateComplete));
      expect(text(el)).to.eq('pinged')
    })
  })

  describe('properties set before the class is defined', () => {
    it('applies them over the constructor defaults, and the accessors work afterwards', async () => {
      const tag = uniqueTag()
      const el = document.createElement(tag) as HTMLElement & Record<string, unknown>
      mounted.push(el)
      document.body.append(el)
      el.name = 'from the page'
      el.opened = true
      el.profile = { id: 7 }
      class Early extends FlowElement {
        static override properties = {
          name: {},
          opened: { type: Boolean, reflect: true, attribute: 'open' },
          profile: { attribute: false },
        }
        declare name: string
        declare opened: boolean
        declare profile: { id: number } | undefined
        renders = 0
        constructor() {
          super()
          this.name = 'default'
          this.opened = false
        }
        override render() {
          this.renders++
          return html`${this.name} ${this.opened} ${this.profile?.id}`
        }
      }
      customElements.define(tag, Early)
      const early = el as unknown as Early
      expect(early).to.be.instanceOf(Early)
      await early.updateComplete
      expect(text(early)).to.eq('from the page true 7')
      expect([early.name, early.opened, early.profile]).to.deep.equal(['from the page', true, { id: 7 }])
      expect(early.hasAttribute('open')).to.eq(true)
      expect(Object.hasOwn(early, 'name')).to.eq(false)
      expect(early.renders).to.eq(1)
      early.name = 'set later'
      early.opened = false
      await early.updateComplete
      expect(text(early)).to.eq('set later false 7')
      expect(early.hasAttribute('open')).to.eq(false)
      expect(early.renders).to.eq(2)
    })
  })

  describe('styles', () => {
    class Styled extends FlowElement {
      static override styles = 'p { color: rgb(1, 2, 3) }'
      override render() {
        return html`<p>styled</p>`
      }
    }

    it("adopts its class's styles, a subclass's own when it has them, and keeps them across a reconnect", async () => {
      class Inherited extends Styled {}
      class Own extends Styled {
        static override styles = 'p { color: rgb(4, 5, 6) }'
      }
      const a = create(Styled)
      const b = create(Inherited)
      const c = create(Own)
      await Promise.all([a.updateComplete, b.updateComplete, c.updateComplete])
      for (const el of [a, b, c]) expect(el.renderRoot.adoptedStyleSheets).to.have.length(1)
      const color = (el: FlowElement) => getComputedStyle(el.renderRoot.querySelector('p')!).color
      expect(color(a)).to.eq('rgb(1, 2, 3)')
      expect(color(b)).to.eq('rgb(1, 2, 3)')
      expect(color(c)).to.eq('rgb(4, 5, 6)')
      b.remove()
      document.body.append(b)
      expect(b.renderRoot.adoptedStyleSheets).to.have.length(1)
      expect(color(b)).to.eq('rgb(1, 2, 3)')
    })
  })

  describe('errors', () => {
    it('rejects updateComplete when render() throws, and renders again on the next change', async () => {
      class Throwing extends FlowElement {
        static override properties = { name: {}, fail: { type: Boolean } }
        declare name: string
        declare fail: boolean
        override render() {
          if (this.fail) throw new Error('render failed')
          return html`${this.name}`
        }
      }
      const el = create(Throwing)
      el.name = 'ok'
      await el.updateComplete
      expect(text(el)).to.eq('ok')
      el.fail = true
      el.name = 'not shown'
      const error = await el.updateComplete.then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).to.be.instanceOf(Error)
      expect((error as Error).message).to.eq('render failed')
      expect(text(el)).to.eq('ok')
      el.fail = false
      expect(await el.updateComplete).to.eq(true)
      expect(text(el)).to.eq('not shown')
      el.name = 'again'
      expect(await el.updateComplete).to.eq(true)
      expect(text(el)).to.eq('again')
    })
  })

  describe('what a subclass adds by hand, as Lit allows', () => {
    it('renders for requestUpdate(name, old) of its own accessor, and reads its own observed attribute', async () => {
      class Manual extends Named {
        static override get observedAttributes() {
          return [...super.observedAttributes, 'data-extra']
        }
        #extra = ''
        seen: string[] = []
        get extra() {
          return this.#extra
        }
        set extra(value: string) {
          const old = this.#extra
          this.#extra = value
          this.requestUpdate('extra', old)
        }
        override attributeChangedCallback(name: string, old: string | null, value: string | null) {
          super.attributeChangedCallback(name, old, value)
          if (name === 'data-extra') this.seen.push(value ?? '')
        }
        override render() {
          return html`${this.name}/${this.extra}`
        }
      }
      const el = create(Manual)
      el.name = 'a'
      el.extra = 'b'
      expect(await el.updateComplete).to.eq(true)
      expect(text(el)).to.eq('a/b')
      el.setAttribute('data-extra', 'x')
      expect(el.seen).to.deep.equal(['x'])
      el.setAttribute('name', 'c')
      expect(await el.updateComplete).to.eq(true)
      expect(text(el)).to.eq('c/b')
    })

    it("starts where style sheets cannot be filled from text (jsdom, a page's own tests)", async () => {
      const replaceSync = Object.getOwnPropertyDescriptor(CSSStyleSheet.prototype, 'replaceSync')!
      delete (CSSStyleSheet.prototype as Partial<CSSStyleSheet>).replaceSync
      let el: Named
      try {
        el = create(class extends Named {})
      } finally {
        Object.defineProperty(CSSStyleSheet.prototype, 'replaceSync', replaceSync)
      }
      el.name = 'started'
      await el.updateComplete
      expect(text(el)).to.eq('started')
    })
  })

  describe('subclasses', () => {
    it("a subclass's own properties add to its base's (as in Lit): both read attributes, render and reflect", async () => {
      class Base extends FlowElement {
        // Typed wide, so that a subclass may list other properties (Lit's typings ask the same).
        static override properties: Record<string, PropertyOptions> = { mode: { reflect: true } }
        declare mode: string | undefined
        override render() {
          const { extra, more } = this as unknown as { extra?: string; more?: string }
          return html`${this.mode} ${extra} ${more}`
        }
      }
      define(Base)
      // Never defined itself: its subclass's definition still takes its properties and its base's.
      class Middle extends Base {
        static override properties: Record<string, PropertyOptions> = { extra: {} }
        declare extra: string | undefined
      }
      class Page extends Middle {
        static override properties = { more: { type: Boolean } }
        declare more: boolean | undefined
      }
      const el = create(Page)
      expect(
        [...(Page as unknown as { observedAttributes: string[] }).observedAttributes].sort(),
      ).to.deep.equal(['extra', 'mode', 'more'])
      el.mode = 'launcher'
      el.extra = 'more'
      await el.updateComplete
      expect(text(el)).to.eq('launcher more ')
      expect(el.getAttribute('mode')).to.eq('launcher')
      el.setAttribute('mode', 'inline')
      el.setAttribute('extra', 'less')
      el.setAttribute('more', '')
      expect([el.mode, el.extra, el.more]).to.deep.equal(['inline', 'less', true])
      await el.updateComplete
      expect(text(el)).to.eq('inline less true')
      // The base keeps its own list.
      expect((Base as unknown as { observedAttributes: string[] }).observedAttributes).to.deep.equal(['mode'])
    })
  })
})
