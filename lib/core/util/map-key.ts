// A u32 (an address, a node id) as a Map key V8 hashes fast: the same 32 bits as a signed integer.
//
// An address above 2^31 (198.18.0.1 is 0xc6120001) is a heap number in V8, and a Map keyed by
// heap numbers hashes each one anew: per packet, that was the costliest thing faild did at scale
// (Builtins_FindOrderedHashMapEntry, 10% of a core at 1000 requestors). The same value as a
// signed 32-bit integer is a small integer, hashed at once. Only keys: values stay u32.
export const mapKey = (u32: number): number => u32 | 0
