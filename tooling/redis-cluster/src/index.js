// @ts-check
export { DEFAULT_CLUSTER_PORTS, startRedisCluster, stopRedisCluster } from "./cluster.js";
export { hasRedisServer, RedisServerMissingError, startRedisServer, stopRedisServerByPid, waitForPing } from "./server.js";
