import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A test app's server, listening on an ephemeral port of 127.0.0.1. */
export interface Listening {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts `server` on an ephemeral loopback port; `close` drops open keep-alive connections too. */
export async function listen(server: Server): Promise<Listening> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}
