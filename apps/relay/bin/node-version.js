// The Node.js version check the CLI makes before anything else. Plain JavaScript, with no import of its own, so that
// the oldest Node that reads the bin at all still gets this one line rather than a failure deep in the relay.

/**
 * Why Node.js `found` cannot run the relay, as one line naming both versions; `undefined` when it can. `range` is
 * package.json's `engines.node`, of the form `>=22.12` (any other form throws, so that a new form is noticed).
 *
 * @example
 * nodeVersionProblem('v20.19.0', '>=22.12', '/usr/bin/node')
 * // 'needs Node.js >=22.12 (package.json engines), but /usr/bin/node is v20.19.0: run it with Node.js 22.12.0 or newer'
 * nodeVersionProblem('v24.1.0', '>=22.12') // undefined
 *
 * @param {string} found `process.version`, such as `v20.19.0`
 * @param {string} range `engines.node`, such as `>=22.12`
 * @param {string} [where] the Node that runs, such as `process.execPath`
 * @returns {string | undefined}
 */
export function nodeVersionProblem(found, range, where = 'this Node.js') {
  const least = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(range.trim())
  if (!least) throw new Error(`engines.node must read >=major[.minor[.patch]], not ${JSON.stringify(range)}`)
  const version = /^v?(\d+)\.(\d+)\.(\d+)/.exec(found)
  const parts = (match) => [1, 2, 3].map((i) => Number(match[i] ?? 0))
  const have = version ? parts(version) : [0, 0, 0]
  const need = parts(least)
  const i = have.findIndex((part, at) => part !== need[at])
  if (i === -1 || have[i] > need[i]) return undefined
  return `needs Node.js ${range.trim()} (package.json engines), but ${where} is ${found}: run it with Node.js ${need.join('.')} or newer`
}
