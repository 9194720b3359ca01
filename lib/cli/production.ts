// While faild's modules load, NODE_ENV says production (unless the operator set it), so its dependencies load their lean builds.
//
// winston's transports debug themselves through @dabh/diagnostics, which outside production loads
// a colour stack faild never uses (colorspace, kuler, color-convert and more): 1.0 MB of a 60 MB
// daemon (winston and a Console transport after a GC, 3 runs each: 50.1-50.3 MB, 49.1-49.3 MB with
// NODE_ENV=production). Imported by bin/faild.ts before anything else, since a module picks its
// build when it is first loaded.
const setHere = process.env.NODE_ENV === undefined
if (setHere) process.env.NODE_ENV = 'production'

/** Once faild's modules are loaded: the environment as the operator gave it, for the programs faild starts (notify). */
export function restoreNodeEnv(): void {
  if (setHere) delete process.env.NODE_ENV
}
