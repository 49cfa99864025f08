/**
 * An object whose keys are the names in `names`, each the value of its own key: an enum built from its list of
 * names, which a browser bundle then holds once instead of twice (as keys and as values).
 *
 * @example
 * const Color = selfNamed(['red', 'green'] as const) // { red: 'red', green: 'green' }
 */
export function selfNamed<const T extends readonly string[]>(names: T): { readonly [K in T[number]]: K } {
  return Object.fromEntries(names.map((name) => [name, name])) as { readonly [K in T[number]]: K }
}
