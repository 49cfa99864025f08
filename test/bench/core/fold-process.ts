// The fold benchmark in a process of its own (`startChild('core/fold-process.ts')`, then `call('run')`): folding is
// CPU and garbage-collector work, so its figures must not depend on the heap the relay sections left in the
// runner's process (in it, the cost per event at 10,000 read 5.0–5.5 µs against 3.2–4.0 alone).
import { failStart, serveParent } from '../lib/child-process.js'
import { runFoldBenchmark } from './fold-benchmark.js'

try {
  serveParent({ run: () => runFoldBenchmark() }, {})
} catch (error) {
  failStart(error)
}
