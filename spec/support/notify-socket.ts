// systemd's end of NOTIFY_SOCKET for specs: a Unix datagram socket (in python3: Node cannot bind one)
// that records every message with its arrival time (epoch ms).
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Test } from 'tap'
import { runProcess } from '../../lib/host/ip-runner.js'

const LISTENER = `
import json, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print(json.dumps({"listening": True}), flush=True)
while True:
    data = s.recv(65536)
    print(json.dumps({"t": time.time() * 1000, "m": data.decode()}), flush=True)
`

export interface Heard {
  readonly t: number
  readonly m: string
}

/** A datagram socket like systemd's, in python3; undefined when the tools are missing. */
export async function notifySocket(t: Test): Promise<{ socket: string; heard: Heard[] } | undefined> {
  for (const tool of ['python3', 'systemd-notify']) {
    const r = await runProcess('sh', ['-c', `command -v ${tool}`], undefined, 5000)
    if (r.code !== 0) {
      t.comment(`${tool} not installed: skipped`)
      return undefined
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'faild-sd-'))
  const socket = join(dir, 'notify')
  const py: ChildProcess = spawn('python3', ['-c', LISTENER, socket], { stdio: ['ignore', 'pipe', 'inherit'] })
  t.teardown(() => {
    py.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  })
  const heard: Heard[] = []
  let buffer = ''
  let listening: () => void = () => {}
  const ready = new Promise<void>((r) => (listening = r))
  py.stdout?.setEncoding('utf8').on('data', (d: string) => {
    buffer += d
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = JSON.parse(buffer.slice(0, nl)) as Heard & { listening?: boolean }
      buffer = buffer.slice(nl + 1)
      if (line.listening) listening()
      else heard.push(line)
    }
  })
  await Promise.race([ready, new Promise((_, reject) => setTimeout(() => reject(new Error('no listener')), 10_000))])
  return { socket, heard }
}

/** The fields of one message: "MAINPID=1\nREADY=1" -> ['MAINPID=1', 'READY=1']. */
export const fields = (h: Heard): string[] => h.m.split('\n')
