export { ElasticIpFailover } from './elastic-ip-failover';
export { FailoverControlPath } from './props';
export type { ElasticIpFailoverProps } from './props';
export type { RecoveryTimes } from './detection';
export { ApplicationHealthCheck } from './health-check';
export type { ProbeTimingOptions, HttpHealthCheckOptions, TcpHealthCheckOptions } from './health-check';
