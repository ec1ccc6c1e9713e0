export { ManualClock } from '../clock/manual-clock.ts'
export {
  type OtlpCollector,
  type OtlpExport,
  type OtlpSpan,
  otlpCollector,
  spanAttribute,
} from './otlp-collector.ts'
export { TcpProxy, type TcpProxyTarget } from './tcp-proxy.ts'
