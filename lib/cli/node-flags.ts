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
//
// --v8-pool-size=1: one helper thread, not four. With the collector on the main thread they only
// compile (TurboFan), and each thread that compiled keeps a malloc arena of its own: an idle faild
// at -t 0.1 held 58.1-58.3 MB of RSS with one (4 hosts in 2 runs), 59.0-61.6 with four (10 hosts
// in 5 runs, NODE_ENV=production as lib/cli/production.ts sets it), where the target is 60; its
// CPU did not move beyond this machine's noise (1.65-2.52% against 1.40-2.62%).
export const NODE_FLAGS: readonly string[] = ['--single-threaded-gc', '--v8-pool-size=1']
