-- wrk script for the latency benches (bench/history.bench.ts): prints the
-- latency percentiles wrk's own summary leaves out (p95) as one JSON line,
-- WRK_LATENCY {"p50":…,"p95":…,"p99":…,"requests":…,"errors":…}, in
-- milliseconds, for the bench to parse. Run with -t1 -c1: one request at a
-- time, so a percentile is the cost of a request, not of a queue.

function done(summary, latency, requests)
  local errors = summary.errors
  local failed = errors.connect + errors.read + errors.write + errors.timeout + errors.status
  io.write(string.format(
    'WRK_LATENCY {"p50":%.3f,"p95":%.3f,"p99":%.3f,"requests":%d,"errors":%d}\n',
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests, failed))
end
