// The node flags faild runs with: bin/faild.ts's first line starts node with them, and the lab and the bench start faild with them too.
//
// --single-threaded-gc: V8 collects garbage on the main thread alone. faild's heap is small and
// its garbage young (a few objects per packet), so helper threads cost more in waking and handing
// work over than they take off the main thread. At 1000 requestors (bench row 1000q, 20-s windows,
// each pair run back to back) faild took 1.3-5.9 points of a core less with it: 40.0 to 38.7,
// 34.4 to 32.0, 39.5 to 35.1, 38.7 to 32.8, 50.3 to 45.5. It cannot be set from inside:
// v8.setFlagsFromString('--single-threaded-gc') after start aborts node at the next collection.
export const NODE_FLAGS: readonly string[] = ['--single-threaded-gc']
