export { TcpProxy, type TcpProxyTarget } from './tcp-proxy.ts'
