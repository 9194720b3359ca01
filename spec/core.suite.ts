// The specs of the pure core in one process: lib/core/ is covered by nothing else (see spec/support/suite.ts).
import { runSpecs } from './support/suite.js'

runSpecs(['core'])
