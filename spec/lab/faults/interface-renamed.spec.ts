// Fault matrix: host 1's LAN A interface is renamed, then named back: faild follows it by index.
import { A, addr, expectRoute, faultScenario } from '../harness/matrix.js'

faultScenario({
  fault: 'interface renamed, then named back',
  expected: 'followed by index; routes name it by its new name',
  stream: [2, 3],
  run: async (t, { lab, h1, h2, h3, procs, aroundHost }) => {
    const ip = (...args: string[]) => lab.exec(h1, 'ip', args)
    await ip('link', 'set', h1.ifaces[A]!, 'down')
    await ip('link', 'set', h1.ifaces[A]!, 'name', 'fdrenamed')
    await ip('link', 'set', 'fdrenamed', 'up')
    await ip('addr', 'replace', `${addr(A, h1.n)}/24`, 'brd', '+', 'dev', 'fdrenamed')
    await procs.get(h1)!.waitFor(/interface etha is now called fdrenamed; routes follow it/)
    for (const p of [h2, h3]) await expectRoute(lab, p, h1, A)
    t.pass('renamed and up again: peers reach host 1 on LAN A directly')
    t.equal((await lab.faildctl(h1, ['status'])).code, 0, 'faild still answers')
    await ip('link', 'set', 'fdrenamed', 'down')
    await ip('link', 'set', 'fdrenamed', 'name', h1.ifaces[A]!)
    await ip('link', 'set', h1.ifaces[A]!, 'up')
    await aroundHost(h1, A)
    return 'followed under the new name; routes name it; back to normal'
  },
})
