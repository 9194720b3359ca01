// LAN name tags (lib/core/wire/lan-tag.ts): fixed by the name, distinct from cluster tags.
import t from 'tap'
import { clusterTag } from '../../../lib/core/wire/codec.js'
import { lanTag } from '../../../lib/core/wire/lan-tag.js'
import { TAG_A, TAG_B } from './v2-vectors.js'

t.test('a LAN name tag is the first 4 bytes of HMAC-SHA256 keyed "faild lan" (checked with Python)', async (t) => {
  t.equal(lanTag('lan-a'), TAG_A)
  t.equal(lanTag('lan-b'), TAG_B)
})

t.test('different names differ, and a LAN named as the cluster has another tag', async (t) => {
  t.not(lanTag('lan-a'), lanTag('lan-A'))
  t.not(lanTag('plant-north'), clusterTag('plant-north'))
  t.not(lanTag(''), 0)
})
