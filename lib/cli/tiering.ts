// V8 set to optimise faild's packet path soon: at 40 packets a second, the default left it interpreted for minutes.
//
// V8 optimises a function once it has spent an interrupt budget of bytecode (67,584 by default). An
// idle pair of hosts at -t 0.1 runs the packet path 40 times a second each way, so most of it stayed
// in the interpreter and baseline code: 2.9-3.2% of a core per host. With a budget of 8,000 it is
// optimised within seconds: 1.9-2.2% (two hosts, 40 s after 20 s of warm-up, 2 runs each). Busy
// hosts run it hot either way. Imported by bin/faild.ts before anything else, since a function
// takes the budget in force when its feedback is first allocated.
import { setFlagsFromString } from 'node:v8'

setFlagsFromString('--interrupt-budget=8000')
