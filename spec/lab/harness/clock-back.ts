// Preloaded into a faild (`node --import`) to set its wall clock a day back, as a host whose clock
// went back across a reboot (no RTC battery, NTP not yet synced): only Date moves, not the monotonic clock.
const DAY_MS = 86_400_000
const real = Date.now
Date.now = () => real() - DAY_MS
