// Where simulated peers live in the wide lab (198.18.0.0/16 and 198.19.0.0/16).

/** Simulated peer i's address on LAN `lan` (0 or 1); the lab's own hosts are 198.1x.0.n. */
export const simAddress = (lan: number, i: number): string =>
  `198.${18 + lan}.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`
