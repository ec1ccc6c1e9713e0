export { ManualClock } from '../clock/manual-clock.ts'
export { TcpProxy, type TcpProxyTarget } from './tcp-proxy.ts'
