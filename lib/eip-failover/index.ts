export { ElasticIpFailover } from './elastic-ip-failover';
export type { ElasticIpFailoverProps, DetectionTimes } from './elastic-ip-failover';
export { ApplicationHealthCheck } from './health-check';
export type { ProbeTimingOptions, HttpHealthCheckOptions, TcpHealthCheckOptions } from './health-check';
