/**
 * A merchant's webhook receiver for tests: a real HTTP server on loopback that verifies every delivery with the
 * official Standard Webhooks library, as a merchant's server would, and answers as the test plans (503 three
 * times, 410, a hang past the timeout …).
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { PaymentLinkEvent } from '../src/contract.ts';

export interface Delivery {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  /** Whether the official library verified it with the receiver's secret(s). */
  verified: boolean;
  event?: PaymentLinkEvent;
  at: number;
  /** The request's `Authorization` header, if it had one (an endpoint URL with credentials sends Basic). */
  authorization?: string;
}

/** What to answer: a status (with headers), or `hang` (never answer, until the test ends). */
export type Answer = number | { status: number; headers?: Record<string, string>; body?: string } | 'hang';

export async function startReceiver(options: { secrets: string[]; answer?: (delivery: Delivery, index: number) => Answer }) {
  const deliveries: Delivery[] = [];
  const verifiers = options.secrets.map((s) => new Webhook(s));
  const hanging = new Set<ServerResponse>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = {
        'webhook-id': String(req.headers['webhook-id'] ?? ''),
        'webhook-timestamp': String(req.headers['webhook-timestamp'] ?? ''),
        'webhook-signature': String(req.headers['webhook-signature'] ?? ''),
      };
      let verified = false;
      let event: PaymentLinkEvent | undefined;
      for (const verifier of verifiers) {
        try {
          event = verifier.verify(body, headers) as PaymentLinkEvent;
          verified = true;
          break;
        } catch {
          // try the next secret
        }
      }
      const delivery: Delivery = { id: headers['webhook-id'], timestamp: headers['webhook-timestamp'], signature: headers['webhook-signature'], body, verified, event, at: Date.now(), authorization: req.headers.authorization };
      const index = deliveries.push(delivery) - 1;
      const answer = options.answer?.(delivery, index) ?? (verified ? 204 : 401);
      if (answer === 'hang') {
        hanging.add(res);
        return;
      }
      const { status, headers: extra, body: text } = typeof answer === 'number' ? { status: answer, headers: {}, body: undefined } : answer;
      res.writeHead(status, extra);
      res.end(text);
    });
  });
  let connections = 0;
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/pay-link`;
  return {
    url,
    deliveries,
    /** TCP connections the proxy opened to this receiver so far. */
    get connections() {
      return connections;
    },
    /** Deliveries the library verified, one per `webhook-id` (a receiver that dedupes). */
    unique(): Delivery[] {
      const seen = new Set<string>();
      return deliveries.filter((d) => d.verified && !seen.has(d.id) && seen.add(d.id));
    },
    async close(): Promise<void> {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;
