// Reference: a bare `ws` broadcast without persistence, in its own process like the server.
// POST /broadcast with a frame as body sends it to every connected client, then answers 200.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const http = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/broadcast') {
    res.writeHead(404).end();
    return;
  }
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const frame = Buffer.concat(chunks).toString();
    for (const ws of wss.clients) if (ws.readyState === ws.OPEN) ws.send(frame);
    res.writeHead(200).end();
  });
});
const wss = new WebSocketServer({ server: http, maxPayload: 16 * 1024 });
// Same liveness rule as the product: the clients answer pings, the server reads and drops them.
wss.on('connection', (ws) => {
  ws.on('message', () => undefined);
  ws.send('{"kind":"replayed","count":0,"lastEventId":"0"}');
});
const ping = setInterval(() => {
  const frame = JSON.stringify({ kind: 'ping', at: Date.now() });
  for (const ws of wss.clients) ws.send(frame);
}, 5000);

http.listen(0, '127.0.0.1', () => {
  const { port } = http.address();
  process.send({ ready: true, url: `http://127.0.0.1:${port}` });
});
process.on('message', ({ id, cmd }) => {
  if (cmd === 'memory') {
    globalThis.gc?.();
    globalThis.gc?.();
    process.send({ id, ok: true, result: { ...process.memoryUsage(), connections: wss.clients.size } });
  } else if (cmd === 'close') {
    clearInterval(ping);
    for (const ws of wss.clients) ws.terminate();
    http.close();
    process.send({ id, ok: true, result: { ok: true } });
    setTimeout(() => process.exit(0), 50);
  }
});
process.on('disconnect', () => process.exit(0));
