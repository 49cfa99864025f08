// Child process of test/memory-storage-rss.test.ts: issue 14's fault 3 against the memory storage. Three
// sessions each append events carrying about 1 MB of params, in turns; the process reports the storage's own
// byte count and its heap and RSS growth (after a full GC) as one JSON line. Run with --expose-gc.
import { createMemoryStorage } from '@flowchat/relay'

const [maxBytesArg = '', eventsArg = '60'] = process.argv.slice(2)
const maxBytes = Number(maxBytesArg)
const events = Number(eventsArg)
const gc = (globalThis as { gc?: () => void }).gc
if (!gc) throw new Error('run with --expose-gc')

const measure = () => {
  gc()
  gc()
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage()
  return { rss, heap: heapUsed + external - arrayBuffers }
}

const before = measure()
const storage = createMemoryStorage({ maxBytes })
let peakBytes = 0
for (let i = 0; i < events; i++) {
  const threadId = `session-${i % 3}`
  // A fresh flat string per event, as JSON.parse of a webhook or send body gives.
  const params = `${i}:`.padEnd(1_000_000, 'p')
  await storage.append({
    key: `sent:${threadId}:${i}`,
    envelope: {
      threadId,
      kind: 'sent',
      type: 'sent',
      receivedAt: new Date().toISOString(),
      source: 'visitor',
      body: { threadId, text: 'hi', params },
    },
  })
  peakBytes = Math.max(peakBytes, storage.usage().bytes)
}
const after = measure()
process.stdout.write(
  `${JSON.stringify({
    peakBytes,
    events: storage.usage().events,
    heapGrowth: after.heap - before.heap,
    rssGrowth: after.rss - before.rss,
  })}\n`,
)
await storage.close()
