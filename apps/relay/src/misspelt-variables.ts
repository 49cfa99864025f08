/**
 * Warnings for `FLOWCHAT_*` variables that look like a misspelt setting (`FLOWCHAT_CORS_ORIGIN`, `FLOWCHAT_PROT`):
 * within two letters of one, or made of words one has (`FLOWCHAT_REDIS_PREFIX`). A flag's typo stops start-up, but a
 * variable's environment is shared with other programs, so a variable is only warned of, and only when it resembles
 * a setting: other tools' `FLOWCHAT_*` variables pass unremarked. `known` are the variables the relay reads.
 *
 * @example
 * misspeltVariables({ FLOWCHAT_PROT: '9000' }, ['FLOWCHAT_PORT']) // ['FLOWCHAT_PROT is not a relay setting (FLOWCHAT_PORT?): ignored']
 */
export function misspeltVariables(env: NodeJS.ProcessEnv, known: readonly string[]): string[] {
  const words = (variable: string) => variable.split('_').slice(1)
  const warnings: string[] = []
  for (const variable of Object.keys(env).toSorted()) {
    if (!variable.startsWith('FLOWCHAT_') || known.includes(variable)) continue
    let nearest: { name: string; distance: number } | undefined
    for (const name of known) {
      const distance = editDistance(variable, name)
      const resembles = distance <= 2 || words(variable).every((word) => words(name).includes(word))
      if (resembles && (nearest === undefined || distance < nearest.distance)) nearest = { name, distance }
    }
    if (nearest) warnings.push(`${variable} is not a relay setting (${nearest.name}?): ignored`)
  }
  return warnings
}

/** Levenshtein distance: the single-letter insertions, deletions and substitutions from `a` to `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      )
    }
    previous = current
  }
  return previous[b.length]!
}
