import { openJackpot } from '@jackpot/domain'
import { SQL } from 'bun'

const url = process.argv[2]!
const seconds = Number(process.argv[3] ?? 8)
async function throughput(label: string): Promise<number> {
  const store = await openJackpot({ databaseUrl: url, poolSize: 4 })
  const mon = new SQL({ url, max: 1 })
  const waits = new Map<string, number>()
  let sampling = true
  const sampler = (async () => {
    while (sampling) {
      const rows = await mon.unsafe(
        `select coalesce(wait_event_type,'cpu')||':'||coalesce(wait_event,'-') as w, left(query, 40) as q from pg_stat_activity where datname = current_database() and state = 'active' and pid <> pg_backend_pid()`,
      )
      for (const r of rows)
        waits.set(
          `${r.w} ${r.q.replace(/\s+/g, ' ')}`,
          (waits.get(`${r.w} ${r.q.replace(/\s+/g, ' ')}`) ?? 0) + 1,
        )
      await Bun.sleep(20)
    }
  })()
  try {
    let done = 0
    const until = performance.now() + seconds * 1000
    const worker = async (w: number) => {
      for (let i = 0; performance.now() < until; i++) {
        await store.contribute({
          idempotencyKey: `tp-${label}-${w}-${i}`,
          gameId: `game-${i % 50}`,
          wagerCents: 2537n,
          currency: 'EUR',
        })
        done++
      }
    }
    const started = performance.now()
    await Promise.all(Array.from({ length: 64 }, (_, w) => worker(w)))
    return done / ((performance.now() - started) / 1000)
  } finally {
    sampling = false
    await sampler
    console.log(
      [...waits]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 12)
        .map(([k, v]) => `  ${v} ${k}`)
        .join('\n'),
    )
    await mon.close()
    await store.close()
  }
}
for (let r = 0; r < Number(process.argv[4] ?? 2); r++)
  console.log(`run ${r}: ${(await throughput(`${Date.now()}-${r}`)).toFixed(0)}/s`)
