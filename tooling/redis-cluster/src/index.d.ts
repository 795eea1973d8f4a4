/** How to start one redis-server. */
export interface RedisServerOptions {
  /** A loopback port; the server refuses to start if it is taken. */
  readonly port: number;
  /** Where its log, AOF and cluster files go; created if missing. */
  readonly dir: string;
  /** More redis-server arguments, e.g. ["--appendonly", "yes", "--appendfsync", "always"]. */
  readonly args?: readonly string[];
  /** Default "127.0.0.1". */
  readonly host?: string;
  /** How long it may take to answer PING. Default 10 000 ms. */
  readonly timeoutMs?: number;
  /** Let the server outlive this process (the command line uses it). Default false. */
  readonly detached?: boolean;
  /** Default "redis-server" on the PATH. */
  readonly bin?: string;
}

/** A running redis-server started by this tooling. */
export interface RedisServer {
  readonly host: string;
  readonly port: number;
  readonly pid: number;
  readonly dir: string;
  /** redis://host:port */
  readonly url: string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` to the process (by PID) and resolves once it has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
}

/** How to start a cluster. */
export interface RedisClusterOptions {
  /** One master per port. Default 7101, 7102, 7103. */
  readonly ports?: readonly number[];
  /** Default "127.0.0.1". */
  readonly host?: string;
  /** Default: a new temp dir, deleted by stop(). A dir given here is kept. */
  readonly dir?: string;
  /** How long it may take to reach cluster_state:ok. Default 30 000 ms. */
  readonly timeoutMs?: number;
  readonly detached?: boolean;
  readonly bin?: string;
}

/** A running cluster started by this tooling. */
export interface RedisCluster {
  readonly dir: string;
  /** The startup nodes to give an ioredis Cluster. */
  readonly nodes: readonly { readonly host: string; readonly port: number }[];
  readonly servers: readonly RedisServer[];
  /** Stops every node by PID and deletes the temp dir it made. */
  stop(): Promise<void>;
}

export declare const DEFAULT_CLUSTER_PORTS: readonly number[];
export declare function startRedisCluster(options?: RedisClusterOptions): Promise<RedisCluster>;
export declare function stopRedisCluster(dir: string): Promise<void>;

export declare class RedisServerMissingError extends Error {
  constructor(bin: string);
}
export declare function hasRedisServer(bin?: string): Promise<boolean>;
export declare function startRedisServer(options: RedisServerOptions): Promise<RedisServer>;
export declare function stopRedisServerByPid(pid: number, port: number, timeoutMs?: number): Promise<void>;
export declare function waitForPing(host: string, port: number, deadline: number, gone?: () => boolean): Promise<void>;
