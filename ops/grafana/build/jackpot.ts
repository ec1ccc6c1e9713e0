import { type DashboardSpec, SERVER } from './dashboard-builder.ts'

const RATE = '[$__rate_interval]'

/**
 * Grafana unit of money panels: the pools' currency (JACKPOT_CURRENCY, EUR by default).
 * Cents are divided by 100 in the queries, so the unit shows major units with the symbol.
 */
export const CURRENCY_UNIT = 'currencyEUR'

/** Pool amounts, contributions, wins, payouts and growth. Money is exported in cents; panels show major units. */
export const jackpot: DashboardSpec = {
  uid: 'jackpot-business',
  title: 'Jackpot · Pools',
  description: 'Pool amounts, contributions, wins, payouts and growth (amounts in major currency units).',
  tags: ['business'],
  alertAnnotations: true,
  rows: [
    {
      title: 'Pools',
      panels: [
        {
          title: 'Pool amounts',
          description: 'Current amount of each pool. Every replica reports every pool; max counts each once.',
          width: 12,
          unit: CURRENCY_UNIT,
          decimals: 2,
          queries: [
            { expr: `max by (pool) (jackpot_pool_amount_cents{${SERVER}}) / 100`, legend: '{{pool}}' },
          ],
        },
        {
          title: 'Total jackpot against its floor',
          description:
            'Sum of all pools and the floor of the JackpotBelowFloor alert (recording rule job:jackpot_pool_amount_floor_cents:value).',
          width: 12,
          alerts: ['JackpotBelowFloor'],
          unit: CURRENCY_UNIT,
          decimals: 2,
          queries: [
            { expr: 'job:jackpot_pool_amount_cents:sum{job="jackpot-server"} / 100', legend: 'total' },
            {
              expr: 'job:jackpot_pool_amount_floor_cents:value{job="jackpot-server"} / 100',
              legend: 'floor',
            },
          ],
        },
        {
          title: 'Pool reserves',
          description: 'What the ceiling diverted from each pool; it funds the reset after a win first.',
          width: 12,
          unit: CURRENCY_UNIT,
          decimals: 2,
          queries: [
            { expr: `max by (pool) (jackpot_pool_reserve_cents{${SERVER}}) / 100`, legend: '{{pool}}' },
          ],
        },
        {
          title: 'Growth: contributed per hour',
          description: 'Contribution money flowing into each pool, as an hourly rate.',
          width: 12,
          unit: CURRENCY_UNIT,
          decimals: 2,
          queries: [
            {
              expr: `sum by (pool) (rate(jackpot_contributed_cents_total{${SERVER}}${RATE})) * 3600 / 100`,
              legend: '{{pool}}',
            },
          ],
        },
      ],
    },
    {
      title: 'Activity',
      panels: [
        {
          title: 'Contributions per second',
          description: 'Wager contributions applied per second (each one adds to every pool).',
          width: 12,
          unit: 'ops',
          queries: [
            {
              expr: `sum(rate(jackpot_contributions_total{${SERVER}}${RATE}))`,
              legend: 'contributions',
            },
          ],
        },
        {
          title: 'Wins per second',
          description: 'Jackpot wins paid per second, per pool.',
          width: 12,
          unit: 'ops',
          queries: [
            { expr: `sum by (pool) (rate(jackpot_wins_total{${SERVER}}${RATE}))`, legend: '{{pool}}' },
          ],
        },
        {
          title: 'Wins in the selected range',
          description: 'Number of wins per pool over the dashboard time range.',
          width: 8,
          kind: 'stat',
          decimals: 0,
          queries: [
            { expr: `sum by (pool) (increase(jackpot_wins_total{${SERVER}}[$__range]))`, legend: '{{pool}}' },
          ],
        },
        {
          title: 'Paid out in the selected range',
          description: 'Money paid to winners per pool over the dashboard time range.',
          width: 8,
          kind: 'stat',
          unit: CURRENCY_UNIT,
          decimals: 2,
          queries: [
            {
              expr: `sum by (pool) (increase(jackpot_paid_out_cents_total{${SERVER}}[$__range])) / 100`,
              legend: '{{pool}}',
            },
          ],
        },
        {
          title: 'Contributed in the selected range',
          description: 'Money contributed per pool over the dashboard time range.',
          width: 8,
          kind: 'stat',
          unit: CURRENCY_UNIT,
          decimals: 2,
          queries: [
            {
              expr: `sum by (pool) (increase(jackpot_contributed_cents_total{${SERVER}}[$__range])) / 100`,
              legend: '{{pool}}',
            },
          ],
        },
      ],
    },
    {
      title: 'Ledger',
      panels: [
        {
          title: 'Ledger verification age',
          description:
            'Seconds since a replica last replayed the ledger and found every pool agreeing (LEDGER_VERIFY_INTERVAL_MS); LedgerVerificationStale warns past 30 min.',
          width: 12,
          unit: 's',
          limit: { value: 1800 },
          alerts: ['LedgerVerificationStale'],
          queries: [
            {
              expr: `time() - max(jackpot_ledger_verified_timestamp_seconds{${SERVER}})`,
              legend: 'since last verified',
            },
          ],
        },
        {
          title: 'Ledger mismatches',
          description:
            'Background replays that found a pool diverging from the ledger, per replica since it started; any is LedgerMismatch (the log names the entry).',
          width: 12,
          decimals: 0,
          limit: { value: 1 },
          alerts: ['LedgerMismatch'],
          queries: [
            {
              expr: `max by (instance) (jackpot_ledger_mismatches_total{${SERVER}})`,
              legend: '{{instance}}',
            },
          ],
        },
      ],
    },
  ],
}
