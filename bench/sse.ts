/** Shared by the benches that time a payment to a link's SSE stream. */

/**
 * Opens link `id`'s stream on `proxyUrl` (as from `origin`), waits for its first event (the current state: the
 * watcher is subscribed), calls `pay`, and answers the ms from then until the stream carries `paid`.
 */
export async function msUntilStreamSaysPaid(proxyUrl: string, id: string, origin: string, pay: () => Promise<void>): Promise<number> {
  const controller = new AbortController();
  const stream = await fetch(`${proxyUrl}/v1/links/${id}/events`, { headers: { origin }, signal: controller.signal });
  const reader = stream.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('\n\n')) text += decoder.decode((await reader.read()).value, { stream: true });
  const started = performance.now();
  const paid = (async () => {
    for (;;) {
      if (/"status":"paid"/.test(text)) return performance.now() - started;
      const { value, done } = await reader.read();
      if (done) throw new Error('the stream ended before paid');
      text += decoder.decode(value, { stream: true });
    }
  })();
  await pay();
  const ms = await paid;
  controller.abort();
  return ms;
}
