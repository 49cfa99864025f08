// Runs inside Chromium next to the built widget: feeds <flow-chat> a stand-in client and times its renders.
// Plain JS, because the page loads it as-is.

/** The smallest value holder the widget's ThreadController needs: it only calls `subscribe`. */
function subject(value) {
  const observers = new Set()
  return {
    next(v) {
      value = v
      for (const o of observers) o.next(v)
    },
    subscribe(observer) {
      observers.add(observer)
      observer.next(value)
      return { unsubscribe: () => observers.delete(observer) }
    },
  }
}

const start = Date.UTC(2026, 0, 1)

/** Message `i` of a transcript: bot and visitor take turns. */
function message(i) {
  const own = i % 2 === 1
  return {
    id: `m${i}`,
    sender: own ? 'visitor' : 'bot',
    createdAt: start + i * 1000,
    templates: [
      { type: 'text', payload: { text: `Message ${i}: the quick brown fox jumps over the lazy dog.` } },
    ],
    fallback: `Message ${i}`,
    own,
    ...(own ? { state: 'delivered', traceId: `t${i}` } : {}),
  }
}

function transcript(n) {
  return Array.from({ length: n }, (_, i) => message(i))
}

function fakeChat() {
  const never = { subscribe: () => ({ unsubscribe() {} }) }
  const messages$ = subject([])
  const handle = {
    threadId: 'bench',
    events$: never,
    messages$,
    connection$: subject({ state: 'open' }),
    botStatus$: subject({ state: 'active' }),
    awaitingReply$: subject(false),
    queued$: subject(0),
    hasOlder$: subject(false),
    send: () => never,
    loadOlder: () => Promise.resolve(),
    retry: () => never,
  }
  const chat = {
    session: () => Promise.resolve({ threadId: 'bench' }),
    thread: () => handle,
    businessHours: () => Promise.resolve([]),
    close() {},
    events$: never,
  }
  return { chat, messages$ }
}

/** Resolves once the frame that shows the current DOM has been produced (rAF, then a task after it). */
function nextFrame() {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)))
}

async function mount() {
  document.body.replaceChildren()
  const el = document.createElement('flow-chat')
  el.setAttribute('mode', 'inline')
  el.setAttribute('locale', 'en')
  el.style.cssText = 'display:block;width:400px;height:600px'
  const fake = fakeChat()
  el.chat = fake.chat
  document.body.append(el)
  // The thread handle arrives after the session promise resolves.
  await new Promise((r) => setTimeout(r, 0))
  await el.updateComplete
  await nextFrame()
  return { el, fake }
}

function shows(el, i) {
  return (el.shadowRoot?.textContent ?? '').includes(`Message ${i}:`)
}

/** Time from handing the widget `n` messages to the frame that shows them. */
async function renderTranscript(n) {
  const { el, fake } = await mount()
  const list = transcript(n)
  const t0 = performance.now()
  fake.messages$.next(list)
  await el.updateComplete
  await nextFrame()
  const ms = performance.now() - t0
  if (!shows(el, n - 1)) throw new Error(`the last of ${n} messages is not on screen`)
  return ms
}

/** With `n` messages shown, times `appends` single appends, each to the frame that shows it. */
async function appendTimes(n, appends) {
  const { el, fake } = await mount()
  let list = transcript(n)
  fake.messages$.next(list)
  await el.updateComplete
  await nextFrame()
  const times = []
  for (let k = 0; k < appends; k++) {
    list = [...list, message(n + k)]
    const t0 = performance.now()
    fake.messages$.next(list)
    await el.updateComplete
    await nextFrame()
    times.push(performance.now() - t0)
    if (!shows(el, n + k)) throw new Error(`appended message ${n + k} is not on screen`)
  }
  return times
}

window.flowChatBench = { renderTranscript, appendTimes, mount }
