// Fault matrix: the key is rolled on every host in three reloads: no outage, no route moved, no packet refused.
import { writeFileSync } from 'node:fs'
import { faultScenario, KEY_TEXT } from '../harness/matrix.js'

faultScenario({
  fault: 'rolling the key on every host',
  expected: 'no outage, no route moved',
  run: async (t, { lab, h4, members, key, KEYED, procs, start, status, staysClean }) => {
    const next = 'the next fault matrix key, rolled in today\n'
    const old = KEY_TEXT
    const step = async (text: string) => {
      writeFileSync(key, text)
      for (const h of members) t.equal((await lab.faildctl(h, ['reload'])).code, 0, `${h.ns} reloads`)
      return staysClean(1500)
    }
    await procs.get(h4)!.stop() // another cluster, on the old key: its packets would be refused
    const refused = async () => {
      let n = 0
      for (const h of members) n += (await status(h)).packets.drops.ERR_UNKNOWN_KEY ?? 0
      return n
    }
    const before = await refused()
    t.equal(await step(old + next), undefined, 'step 1: the new key added second everywhere')
    t.equal(await step(next + old), undefined, 'step 2: the new key first everywhere (signs with it)')
    t.equal(await step(next), undefined, 'step 3: the old key dropped')
    t.equal(await refused(), before, 'no packet between members was ever refused for its key')
    writeFileSync(key, old)
    for (const h of members) await lab.faildctl(h, ['reload'])
    await start(h4, [...KEYED, '--cluster', 'another-plant'])
    return 'three reloads on every host, no route moved, no packet refused'
  },
})
