import * as z from 'zod/mini'

/** Whether a value passes a schema; builds no output. */
export type Fits = (value: unknown) => boolean

type Internals = z.core.$ZodTypeInternals
type Def = Internals['def'] & Record<string, unknown>
type Check = z.core.$ZodCheck<never>

const compiled = new WeakMap<z.ZodMiniType, Fits>()

/**
 * A test of whether `schema` accepts a value, giving the same yes or no as `z.safeParse(schema, value).success`
 * for JSON values (what `JSON.parse` returns) without building zod's output: no copied objects and arrays, no
 * issues, no result. It walks the schema's own definition, so the rules stay the schema's: each check (lengths,
 * patterns, refinements) is run by zod itself. What it does not know how to walk (records, strict objects, checks
 * on objects, a pipe into anything but a transform, …) is handed to `z.safeParse` whole, so an unknown shape is
 * slower, never different. A transform is taken to accept whatever its input accepted: the schemas' transforms
 * reshape, they never refuse. `schema-fits.test.ts` holds both answers equal over fixtures and generated values.
 *
 * @example
 * const fitsReply = schemaFits(replySchema)
 * fitsReply({ messages: [] }) // true, same as safeParse(replySchema, …).ok
 */
export function schemaFits(schema: z.ZodMiniType): Fits {
  // No schema reaches itself here: the only way to (z.lazy) is left to zod.
  let fits = compiled.get(schema)
  if (!fits) {
    fits = compile(schema)
    compiled.set(schema, fits)
  }
  return fits
}

/** zod's answer, for what is not walked here. */
const byZod =
  (schema: z.ZodMiniType): Fits =>
  (v) =>
    z.safeParse(schema, v).success

function compile(schema: z.ZodMiniType): Fits {
  const def = schema._zod.def as Def
  const checks = (def.checks ?? []) as Check[]
  const base = compileType(schema, def)
  if (checks.length === 0) return base
  // Checks see the parsed value: only the leaf types, whose output is their input, are checked here.
  if (def.type !== 'string' && def.type !== 'number' && def.type !== 'boolean') return byZod(schema)
  return (v) => base(v) && passesChecks(checks, v)
}

function compileType(schema: z.ZodMiniType, def: Def): Fits {
  switch (def.type) {
    case 'string':
      return def.coerce ? byZod(schema) : (v) => typeof v === 'string'
    case 'number':
      return def.coerce ? byZod(schema) : (v) => typeof v === 'number' && Number.isFinite(v)
    case 'boolean':
      return def.coerce ? byZod(schema) : (v) => typeof v === 'boolean'
    case 'unknown':
    case 'any':
      return () => true
    case 'null':
      return (v) => v === null
    case 'optional': {
      const inner = def.innerType as z.ZodMiniType
      // A defaulted inner type substitutes for `undefined` (and so accepts it): the inner test decides both.
      const fits = schemaFits(inner)
      return inner._zod.optin === 'defaulted' ? fits : (v) => v === undefined || fits(v)
    }
    case 'nullable': {
      const fits = schemaFits(def.innerType as z.ZodMiniType)
      return (v) => v === null || fits(v)
    }
    case 'default': {
      // A default is returned as it is, unchecked (zod's forward direction): only a given value is tested.
      const fits = schemaFits(def.innerType as z.ZodMiniType)
      return (v) => v === undefined || fits(v)
    }
    case 'array':
      return compileArray(def.element as z.ZodMiniType)
    case 'union':
      return compileUnion(def.options as z.ZodMiniType[])
    case 'object':
      return compileObject(schema, def)
    case 'pipe': {
      const out = def.out as z.ZodMiniType
      if ((out._zod.def as Def).type !== 'transform') return byZod(schema)
      return schemaFits(def.in as z.ZodMiniType)
    }
    default:
      return byZod(schema)
  }
}

function compileArray(element: z.ZodMiniType): Fits {
  const fits = schemaFits(element)
  return (v) => {
    if (!Array.isArray(v)) return false
    for (let i = 0; i < v.length; i++) if (!fits(v[i])) return false
    return true
  }
}

function compileUnion(options: z.ZodMiniType[]): Fits {
  const tests = options.map(schemaFits)
  if (tests.length === 1) return tests[0] as Fits
  return (v) => {
    for (const fits of tests) if (fits(v)) return true
    return false
  }
}

/** One declared key of an object: how zod treats it when absent, and its test. */
interface Field {
  key: string
  fits: Fits
  /** Absent is fine without asking `fits` (zod's `optin` and `optout` both `optional`). */
  skipAbsent: boolean
  /** Absent is fine when `fits(undefined)` fails (an optional-out schema with some `optin`). */
  forgiveAbsent: boolean
  /** Absent fails however `fits(undefined)` answers (no `optin`: zod reports the key as missing). */
  required: boolean
}

function compileObject(schema: z.ZodMiniType, def: Def): Fits {
  const catchall = def.catchall as z.ZodMiniType | undefined
  const catchallType = catchall ? (catchall._zod.def as Def).type : undefined
  // Strict objects and typed catch-alls test every extra key: left to zod.
  if (catchall && catchallType !== 'unknown' && catchallType !== 'any') return byZod(schema)
  const shape = def.shape as Record<string, z.ZodMiniType>
  if (Object.getOwnPropertySymbols(shape).length > 0) return byZod(schema)
  // The shape is read on the first call: zod builds it lazily (getters), and compiling must not force that early.
  let fields: Field[] | undefined
  const build = (): Field[] =>
    Object.keys(shape)
      .filter((key) => key !== '__proto__')
      .map((key) => {
        const field = shape[key] as z.ZodMiniType
        const { optin, optout } = field._zod
        return {
          key,
          fits: schemaFits(field),
          skipAbsent: optin === 'optional' && optout === 'optional',
          forgiveAbsent: optin !== undefined && optout === 'optional',
          required: optin === undefined,
        }
      })
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return false
    const o = v as Record<string, unknown>
    fields ??= build()
    for (const field of fields) {
      // zod's `in`, not own keys: the same presence test as its object parser.
      const present = field.key in o
      if (!present && field.skipAbsent) continue
      const ok = field.fits(o[field.key])
      if (!ok) {
        if (!present && field.forgiveAbsent) continue
        return false
      }
      if (!present && field.required) return false
    }
    return true
  }
}

/** The payload zod's checks read and report into; one, reused, since checks run synchronously. */
const scratch: { value: unknown; issues: unknown[]; aborted?: boolean } = { value: undefined, issues: [] }

/** Runs a leaf's checks as zod does (each check's own code), stopping at the first that reports an issue. */
function passesChecks(checks: readonly Check[], value: unknown): boolean {
  scratch.value = value
  scratch.issues.length = 0
  const payload = scratch as unknown as z.core.ParsePayload<never>
  for (const check of checks) {
    const { when } = check._zod.def
    if (when && !when(payload)) continue
    const done = check._zod.check(payload)
    // An async refinement cannot be answered synchronously; zod throws for it in safeParse, so does this.
    if (done instanceof Promise) throw new z.core.$ZodAsyncError()
    if (scratch.issues.length > 0) {
      scratch.issues.length = 0
      scratch.value = undefined
      return false
    }
  }
  scratch.value = undefined
  return true
}
