// Draws failover and failback samples as an SVG strip chart, each against its limit.
import type { CaseResult } from './failover.js'

const W = 860
const LEFT = 330
const ROW = 30
const MAX_RATIO = 2

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;')

/** One row per case and metric: samples as dots at sample/limit, the median as a bar, the limit at 1. */
export function chartSvg(cases: readonly CaseResult[]): string {
  const rows = cases.flatMap((c) => [
    {
      label: `${c.profile}, ${c.fault}: failover`,
      xs: c.failover,
      limit: c.failoverLimitMs,
      median: c.summary.failover.median,
    },
    {
      label: `${c.profile}, ${c.fault}: failback`,
      xs: c.failback,
      limit: c.failbackLimitMs,
      median: c.summary.failback.median,
    },
  ])
  const H = 60 + rows.length * ROW + 40
  const x = (ratio: number) => LEFT + (Math.min(ratio, MAX_RATIO) / MAX_RATIO) * (W - LEFT - 20)
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">faild: failover and failback times against the limit</text>`,
    `<text x="10" y="38" fill="#555">x = measured time / limit; failover limit (f - 0.5) x t, failback limit s x t; dots are runs, bars medians</text>`,
  ]
  for (const r of [0, 0.5, 1, 1.5, 2]) {
    parts.push(
      `<line x1="${x(r)}" y1="50" x2="${x(r)}" y2="${50 + rows.length * ROW}" stroke="${r === 1 ? '#c00' : '#ddd'}"/>`,
    )
    parts.push(
      `<text x="${x(r)}" y="${66 + rows.length * ROW}" text-anchor="middle">${r === 1 ? 'limit' : `${r}x`}</text>`,
    )
  }
  rows.forEach((row, i) => {
    const y = 50 + i * ROW + ROW / 2
    parts.push(`<text x="10" y="${y + 4}">${esc(row.label)}</text>`)
    row.xs.forEach((v, k) => {
      if (!Number.isFinite(v)) return
      const jitter = ((k * 7919) % 11) - 5
      parts.push(
        `<circle cx="${x(v / row.limit).toFixed(1)}" cy="${y + jitter}" r="2.5" fill="${i % 2 ? '#2a7' : '#36c'}" fill-opacity="0.6"/>`,
      )
    })
    if (Number.isFinite(row.median)) {
      const mx = x(row.median / row.limit)
      parts.push(`<line x1="${mx}" y1="${y - 10}" x2="${mx}" y2="${y + 10}" stroke="black" stroke-width="2"/>`)
      parts.push(`<text x="${Math.min(mx + 6, W - 60)}" y="${y - 4}" fill="#333">${Math.round(row.median)} ms</text>`)
    }
  })
  parts.push('</svg>')
  return `${parts.join('\n')}\n`
}
