// The specs of the shell (config, command line, host edges, control socket, daemon, fakes, layer rule) in one process.
import { runSpecs } from './support/suite.js'

runSpecs(['config', 'cli', 'host', 'control', 'daemon', 'support', 'bench'], ['layers.spec.ts', 'readme.spec.ts'])
