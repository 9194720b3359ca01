// The node flags faild runs with: bin/faild.ts's first line starts node with them, and the lab and the bench start faild with them too.
//
// --single-threaded-gc: V8 collects garbage on the main thread alone. faild's heap is small and
// its garbage young (a few objects per packet), and the bench pins faild to one core, where helper
// threads only take turns with the main thread and cost the hand-over. At 1000 requestors (bench
// row 1000q, 20-s windows, pairs run back to back) faild took less CPU with it in 7 pairs of 9
// (% of a core, without, then with): 40.0 38.7, 34.4 32.0, 39.5 35.1, 38.7 32.8, 50.3 45.5,
// 30.2 37.1, 41.7 31.0, 30.2 32.7, 52.3 45.0. This machine's own noise is as large (one build
// measured 30.2 and 52.3 within minutes), so that is a lean, not a proof; idle was unchanged
// (2.0-2.4% either way). It cannot be set from inside: v8.setFlagsFromString('--single-threaded-gc')
// after start aborts node at the next collection.
export const NODE_FLAGS: readonly string[] = ['--single-threaded-gc']
