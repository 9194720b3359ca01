// A strict reader of the Prometheus text exposition format (0.0.4), for specs: every line checked, samples parsed.
//
// It follows https://prometheus.io/docs/instrumenting/exposition_formats/: HELP and TYPE once per
// family and before its samples, metric and label names from their alphabets, label values quoted
// with \\ \" \n escapes only, values as Go's ParseFloat reads them (+Inf, -Inf, NaN in any case),
// counters named *_total, histograms with _bucket (le) series ending at +Inf, _sum and _count.

export interface Sample {
  readonly name: string
  readonly labels: Readonly<Record<string, string>>
  readonly value: number
}

export interface Family {
  readonly name: string
  readonly type: string
  readonly help: string
  readonly samples: Sample[]
}

const METRIC = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped'])
/** Go's ParseFloat, which Prometheus uses: Inf and NaN in any case (prom-client writes "Nan"). */
const VALUE = /^(?:[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|[+-]?[iI][nN][fF]|[nN][aA][nN])$/

function parseValue(text: string, where: string): number {
  if (!VALUE.test(text)) throw new Error(`${where}: bad value '${text}'`)
  if (/inf$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity
  return /nan/i.test(text) ? NaN : Number(text)
}

/** `{a="x",b="y\"z"}` from position 0 of `text`; returns the labels and where they end. */
function parseLabels(text: string, where: string): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {}
  let i = 1
  while (text[i] !== '}') {
    const eq = text.indexOf('=', i)
    if (eq < 0) throw new Error(`${where}: label without =`)
    const name = text.slice(i, eq)
    if (!LABEL.test(name) || name.startsWith('__')) throw new Error(`${where}: bad label name '${name}'`)
    if (name in labels) throw new Error(`${where}: label '${name}' twice`)
    if (text[eq + 1] !== '"') throw new Error(`${where}: label value not quoted`)
    let value = ''
    let j = eq + 2
    for (; j < text.length && text[j] !== '"'; j++) {
      if (text[j] !== '\\') {
        value += text[j]
        continue
      }
      const next = text[++j]
      if (next === 'n') value += '\n'
      else if (next === '\\' || next === '"') value += next
      else throw new Error(`${where}: bad escape \\${next}`)
    }
    if (j >= text.length) throw new Error(`${where}: unterminated label value`)
    labels[name] = value
    i = j + 1
    if (text[i] === ',') i++
    else if (text[i] !== '}') throw new Error(`${where}: expected , or } after a label`)
  }
  return { labels, end: i + 1 }
}

function parseSample(line: string, where: string): Sample {
  const nameEnd = line.search(/[{ ]/)
  if (nameEnd < 0) throw new Error(`${where}: a sample needs a value`)
  const name = line.slice(0, nameEnd)
  if (!METRIC.test(name)) throw new Error(`${where}: bad metric name '${name}'`)
  let rest = line.slice(nameEnd)
  let labels: Record<string, string> = {}
  if (rest.startsWith('{')) {
    const l = parseLabels(rest, where)
    labels = l.labels
    rest = rest.slice(l.end)
  }
  const parts = rest.trim().split(' ')
  if (!rest.startsWith(' ') || parts.length < 1 || parts.length > 2)
    throw new Error(`${where}: expected ' value [timestamp]'`)
  if (parts[1] !== undefined && !/^-?\d+$/.test(parts[1])) throw new Error(`${where}: bad timestamp`)
  return { name, labels, value: parseValue(parts[0]!, where) }
}

/** Which family a sample belongs to: histograms and summaries add suffixes to the family's name. */
function owner(name: string, families: ReadonlyMap<string, Family>): Family | undefined {
  const direct = families.get(name)
  if (direct) return direct
  const m = /^(.*)_(bucket|sum|count)$/.exec(name)
  const f = m ? families.get(m[1]!) : undefined
  return f && (f.type === 'histogram' || (f.type === 'summary' && m![2] !== 'bucket')) ? f : undefined
}

function checkFamily(f: Family): void {
  if (f.type === 'counter' && !f.name.endsWith('_total')) throw new Error(`${f.name}: a counter's name ends in _total`)
  const seen = new Set<string>()
  for (const s of f.samples) {
    const key = `${s.name}${JSON.stringify(Object.entries(s.labels).sort())}`
    if (seen.has(key)) throw new Error(`${f.name}: sample ${key} twice`)
    seen.add(key)
    if (f.type === 'counter' && !(s.value >= 0)) throw new Error(`${f.name}: a counter below 0`)
  }
  if (f.type !== 'histogram') return
  // One series of buckets per set of labels other than le.
  const series = new Map<string, Sample[]>()
  for (const s of f.samples) {
    if (s.name !== `${f.name}_bucket`) continue
    const { le: _, ...rest } = s.labels
    const key = JSON.stringify(Object.entries(rest).sort())
    series.set(key, [...(series.get(key) ?? []), s])
  }
  for (const buckets of series.values()) {
    if (buckets.at(-1)?.labels.le !== '+Inf') throw new Error(`${f.name}: buckets must end at le="+Inf"`)
    for (let i = 1; i < buckets.length; i++) {
      if (buckets[i]!.value < buckets[i - 1]!.value) throw new Error(`${f.name}: buckets must not decrease`)
    }
  }
}

/** Every family of an exposition, checked line by line; throws naming the first line that is wrong. */
export function parsePromText(text: string): Map<string, Family> {
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('the exposition must end with a newline')
  const families = new Map<string, Family>()
  let current: Family | undefined
  const lines = text.split('\n').slice(0, -1)
  lines.forEach((line, n) => {
    const where = `line ${n + 1}`
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line)
    if (meta) {
      const [, kind, name, rest] = meta as unknown as [string, string, string, string]
      if (!METRIC.test(name)) throw new Error(`${where}: bad metric name '${name}'`)
      let f = families.get(name)
      if (f && f !== current) throw new Error(`${where}: family ${name} is split`)
      if (!f) {
        f = { name, type: 'untyped', help: '', samples: [] }
        families.set(name, f)
      }
      if (f.samples.length > 0) throw new Error(`${where}: ${kind} after ${name}'s samples`)
      if (kind === 'TYPE') {
        if (!TYPES.has(rest)) throw new Error(`${where}: unknown type '${rest}'`)
        ;(f as { type: string }).type = rest
      } else (f as { help: string }).help = rest
      current = f
      return
    }
    if (line.startsWith('#') || line.trim() === '') return
    const s = parseSample(line, where)
    const f = owner(s.name, families)
    if (!f) throw new Error(`${where}: ${s.name} has no TYPE line before it`)
    if (f !== current) throw new Error(`${where}: ${s.name} is not next to its family's other lines`)
    f.samples.push(s)
  })
  for (const f of families.values()) checkFamily(f)
  return families
}

/** The value of the one sample `name{labels}` (labels: a subset to match); undefined if none. */
export function sampleValue(
  families: ReadonlyMap<string, Family>,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number | undefined {
  for (const f of families.values())
    for (const s of f.samples)
      if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) return s.value
  return undefined
}
