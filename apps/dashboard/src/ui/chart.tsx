import { useEffect, useRef } from 'preact/hooks'
import uPlot from 'uplot'

export interface ChartSeries {
  label: string
  values: (number | null)[]
  stroke: string
  dash?: number[]
}

/**
 * A time-series chart (uPlot: canvas, fast with thousands of points, ~50 KB).
 * Rebuilt when the data changes; sized to its container.
 */
export function Chart({
  title,
  times,
  series,
  unit,
}: {
  title: string
  times: number[]
  series: ChartSeries[]
  unit: string
}) {
  const host = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const element = host.current
    if (!element) return
    const width = Math.max(260, element.clientWidth)
    const plot = new uPlot(
      {
        width,
        height: 180,
        legend: { show: true },
        scales: { x: { time: true } },
        axes: [{}, { values: (_u, ticks) => ticks.map((tick) => `${+tick.toFixed(3)} ${unit}`), size: 70 }],
        series: [
          {},
          ...series.map((s) => ({
            label: s.label,
            stroke: s.stroke,
            width: 2,
            ...(s.dash ? { dash: s.dash } : {}),
          })),
        ],
      },
      [times.map((t) => t / 1000), ...series.map((s) => s.values)] as uPlot.AlignedData,
      element,
    )
    return () => plot.destroy()
  }, [times, series, unit])
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div ref={host} role="img" aria-label={`${title} chart`} />
    </figure>
  )
}
