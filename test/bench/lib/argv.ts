// Command-line switches of the bench's own scripts (`--name` and `--name=value`), read from `process.argv`.

/** Whether `--name` was given. */
export const flag = (name: string): boolean => process.argv.includes(`--${name}`)

/**
 * The number given as `--name=N`, else `fallback`.
 *
 * @example
 * const posts = option('posts', 15_000)
 */
export function option(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`))
  return arg ? Number(arg.slice(name.length + 3)) : fallback
}
